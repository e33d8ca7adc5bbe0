from io import StringIO

import pytest
from django.core.management import call_command

from ami.models import AMI
from mlhg_app.models import Antenne

SEED_PLACES = {
    "Siège social": "6-8 boulevard Florence Arthaud, 31200 Toulouse",
    "Antenne Nord-Est": "14, Route de Fronton, 31140 Aucamville",
    "Antenne Nord-Ouest": "21 Avenue d'Andromède, 31700 Blagnac",
    "Antenne Muretain": "18 Rue Adolphine Bonnet, 31600 Muret",
    "Antenne Lauragais": ("Rue du Village d'Entreprises, 25 Rue Pierre Gilles de Gennes – Bâtiment 10, 31670 Labège"),
    "Antenne Comminges": "7 Boulevard Pasteur, 31800 Saint-Gaudens",
    "Antenne Sud Garonne": "32 Ter Place de la République, 31390 Carbonne",
    "Antenne Ouest": "6 Avenue Edouard Serres, 31770 Colomiers",
}


def run(command):
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_mlhg_twice_leaves_the_seed_places_and_one_ami():
    first = run("load_mlhg")
    second = run("load_mlhg")

    assert "Référentiel de Mission Locale Haute-Garonne chargé : 23 modification(s)." in first
    assert second == "Référentiel de Mission Locale Haute-Garonne déjà à jour : aucune modification.\n"
    assert {a.nom: a.adresse_complete for a in Antenne.objects.all()} == SEED_PLACES
    assert Antenne.objects.filter(kind=Antenne.Kind.SIEGE).count() == 1
    ami = AMI.objects.get()
    assert ami.poids_total == 100
    assert [(c.code, c.poids) for c in ami.criteres.all()] == [
        ("methodologie", 40),
        ("experience", 30),
        ("couverture", 15),
        ("prix", 15),
    ]
    assert ami.volume_minimal == 21
    assert ami.taille_max_groupe == 17
    assert ami.duree_seance_heures == 2
    assert ami.jalons.count() == 7


@pytest.mark.django_db
def test_ami_2026_deadline_is_the_last_second_of_29_may_in_paris():
    run("load_mlhg")
    from django.utils import timezone

    deadline = timezone.localtime(AMI.objects.get().date_limite)
    assert deadline.strftime("%d/%m/%Y %H:%M:%S %Z") == "29/05/2026 23:59:59 CEST"


@pytest.mark.django_db
def test_load_mlhg_corrects_a_wrong_address_and_keeps_edited_unavailable_days():
    run("load_mlhg")
    Antenne.objects.filter(code="comminges").update(adresse="ailleurs", jours_indisponibles=[2])

    out = run("load_mlhg")

    assert "site corrigé : Antenne Comminges" in out
    comminges = Antenne.objects.get(code="comminges")
    assert comminges.adresse == "7 Boulevard Pasteur"
    assert comminges.jours_indisponibles == [2]


@pytest.mark.django_db
def test_weights_not_summing_to_100_are_refused():
    from django.core.exceptions import ValidationError

    run("load_mlhg")
    ami = AMI.objects.get()
    ami.criteres.filter(code="prix").update(poids=20)
    with pytest.raises(ValidationError, match="égale à 100 \\(actuellement 105\\)"):
        ami.clean()


@pytest.mark.django_db
def test_the_admin_changes_no_weight(users):
    """The admin is a read-only console (tests/mlhg_app/test_admin.py): an AMI's criteria are not edited there."""
    from django.urls import reverse

    from mlhg_app.models import User
    from tests.web import login

    run("load_mlhg")
    ami = AMI.objects.get()
    critere = ami.criteres.get(code="prix")
    url = reverse("admin:ami_ami_change", args=[ami.pk])
    superuser = User.objects.create_superuser(email="technique@exemple.fr", password="x")
    data = {"titre": ami.titre, "criteres-0-id": critere.pk, "criteres-0-poids": 20}
    assert login(superuser).post(url, data).status_code == 403
    assert login(users["staff"]).post(url, data).status_code == 302  # staff do not enter the console
    assert ami.criteres.get(code="prix").poids == 15
