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

    assert "Référentiel chargé : 23 modification(s)." in first
    assert second == "Référentiel déjà à jour : aucune modification.\n"
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
def test_load_mlhg_corrects_a_wrong_address_and_keeps_edited_headcount():
    run("load_mlhg")
    Antenne.objects.filter(code="comminges").update(adresse="ailleurs", effectif_conseillers=11)

    out = run("load_mlhg")

    assert "site corrigé : Antenne Comminges" in out
    comminges = Antenne.objects.get(code="comminges")
    assert comminges.adresse == "7 Boulevard Pasteur"
    assert comminges.effectif_conseillers == 11


@pytest.mark.django_db
def test_weights_not_summing_to_100_are_refused():
    from django.core.exceptions import ValidationError

    run("load_mlhg")
    ami = AMI.objects.get()
    ami.criteres.filter(code="prix").update(poids=20)
    with pytest.raises(ValidationError, match="égale à 100 \\(actuellement 105\\)"):
        ami.clean()


@pytest.mark.django_db
def test_the_admin_refuses_weights_that_do_not_sum_to_100(users):
    from django.test import Client
    from django.urls import reverse

    run("load_mlhg")
    ami = AMI.objects.get()
    client = Client()
    client.force_login(users["staff"], backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("admin:ami_ami_change", args=[ami.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data["date_limite_0"], data["date_limite_1"] = "29/05/2026", "23:59:59"
    data["evaluateurs"] = []
    data["date_publication"] = "27/04/2026"
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data[f"{fs.prefix}-TOTAL_FORMS"] = str(len(fs.forms))
        data[f"{fs.prefix}-INITIAL_FORMS"] = str(len(fs.initial_forms))
        for i, f in enumerate(fs.forms):
            for name, field in f.fields.items():
                value = f.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if value is not None:
                    data[f"{fs.prefix}-{i}-{name}"] = value
    crit_prefix = next(
        fs.formset.prefix for fs in page.context["inline_admin_formsets"] if fs.formset.model.__name__ == "Critere"
    )
    data[f"{crit_prefix}-3-poids"] = 20
    response = client.post(url, {k: v for k, v in data.items() if v != ""})
    assert (
        "La somme des pondérations des critères doit être égale à 100 (actuellement 105)." in response.content.decode()
    )
    assert ami.criteres.get(code="prix").poids == 15
