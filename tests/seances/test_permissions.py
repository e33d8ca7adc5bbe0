"""Object permissions of the séances and the bilan: the programme's référent responsable alone validates
and reviews, a prestataire acts on its own programme, an intervenant on the séances they facilitate."""

import pytest
from django.core import mail
from django.urls import reverse

from bilans.models import Bilan, Commentaire
from bilans.selectors import bilans_visible_to
from bilans.services.opening import due_date
from bilans.services.review import bilan_validate, comment_add
from bilans.services.writing import bilan_remettre
from mlhg_app.models import User
from mlhg_app.refusals import Refused
from seances.models import Seance
from seances.services import board as board_services
from tests.factories import BilanFactory, IntervenantProgrammeFactory, UserFactory
from tests.seances_world import build_programme
from tests.web import login

TEXTS = {
    "thematiques": "La charge émotionnelle revient souvent.",
    "attention": "Prévoir un temps d'échange après un incident.",
    "preconisations": "Garder le même rythme.",
}


@pytest.fixture
def programme(users):
    return build_programme(users)


@pytest.fixture
def other_responsable(reference):
    """A responsable de secteur who is not the programme's référent."""
    return UserFactory(email="autre.responsable@exemple.fr", role=User.Role.RESPONSABLE)


@pytest.fixture
def proposed(programme):
    seance = programme.seances.get()
    Seance.objects.filter(pk=seance.pk).update(status=Seance.Status.PROPOSEE)
    seance.refresh_from_db()
    return seance


@pytest.fixture
def remitted(programme, users):
    bilan = BilanFactory(programme=programme, echeance=due_date(programme), **TEXTS)
    bilan_remettre(bilan=bilan, user=users["prestataire"])
    bilan.refresh_from_db()
    mail.outbox.clear()
    return bilan


def _still(obj, status):
    """`obj`, read again from the database, is still in `status`."""
    obj.refresh_from_db()
    assert obj.status == status


@pytest.mark.django_db
def test_hole_07_another_responsable_cannot_validate_a_seance(proposed, other_responsable):
    response = login(other_responsable).post(reverse("seances:seance_validate", kwargs={"pk": proposed.pk}))
    assert response.status_code in (403, 404)
    _still(proposed, Seance.Status.PROPOSEE)
    assert mail.outbox == []


@pytest.mark.django_db
def test_hole_07_another_responsable_cannot_validate_the_whole_planning(proposed, other_responsable):
    url = reverse("seances:validate_all", kwargs={"pk": proposed.programme_id})
    assert login(other_responsable).post(url).status_code in (403, 404)
    _still(proposed, Seance.Status.PROPOSEE)


@pytest.mark.django_db
def test_hole_07_the_referent_validates_his_programmes_seance(proposed, users):
    response = login(users["responsable"]).post(reverse("seances:seance_validate", kwargs={"pk": proposed.pk}))
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status != Seance.Status.PROPOSEE


@pytest.mark.django_db
def test_hole_07_the_validation_service_refuses_another_responsable(proposed, other_responsable):
    with pytest.raises(Refused, match="responsable de secteur référent"):
        board_services.seance_validate(seance=proposed, user=other_responsable)
    _still(proposed, Seance.Status.PROPOSEE)


@pytest.mark.django_db
def test_hole_07_another_responsable_cannot_comment_the_bilan(remitted, other_responsable):
    response = login(other_responsable).post(
        reverse("bilans:comment", kwargs={"pk": remitted.pk}), {"section": "attention", "texte": "Précisez."}
    )
    assert response.status_code in (403, 404)
    assert Commentaire.objects.count() == 0
    _still(remitted, Bilan.Status.REMIS)
    assert mail.outbox == []


@pytest.mark.django_db
def test_hole_07_another_responsable_cannot_validate_the_bilan(remitted, other_responsable):
    response = login(other_responsable).post(reverse("bilans:validate", kwargs={"pk": remitted.pk}))
    assert response.status_code in (403, 404)
    _still(remitted, Bilan.Status.REMIS)
    assert remitted.valide_par is None


@pytest.mark.django_db
def test_hole_07_another_responsable_does_not_read_the_bilan(remitted, other_responsable):
    assert login(other_responsable).get(reverse("bilans:detail", kwargs={"pk": remitted.pk})).status_code in (403, 404)
    assert remitted not in bilans_visible_to(other_responsable)


@pytest.mark.django_db
def test_hole_07_the_bilan_services_refuse_another_responsable(remitted, other_responsable):
    with pytest.raises(Refused, match="responsable de secteur référent"):
        comment_add(bilan=remitted, user=other_responsable, section="attention", texte="Précisez.")
    with pytest.raises(Refused, match="responsable de secteur référent"):
        bilan_validate(bilan=remitted, user=other_responsable)
    _still(remitted, Bilan.Status.REMIS)


@pytest.mark.django_db
def test_hole_07_the_referent_comments_and_validates(remitted, users):
    client = login(users["responsable"])
    client.post(reverse("bilans:comment", kwargs={"pk": remitted.pk}), {"section": "attention", "texte": "Précisez."})
    assert Commentaire.objects.count() == 1
    client.post(reverse("bilans:validate", kwargs={"pk": remitted.pk}))
    remitted.refresh_from_db()
    assert remitted.status == Bilan.Status.VALIDE


@pytest.mark.django_db
def test_another_prestataire_cannot_cancel_or_record(programme, users):
    from tests.factories import MembreFactory

    stranger = UserFactory(email="autre.prestataire@exemple.fr", role=User.Role.PRESTATAIRE)
    MembreFactory(user=stranger)
    seance = programme.seances.get()
    client = login(stranger)
    assert client.post(reverse("seances:cancel", kwargs={"pk": seance.pk}), {"motif": "x"}).status_code in (403, 404)
    assert client.get(reverse("seances:attendance", kwargs={"pk": seance.pk})).status_code in (403, 404)
    seance.refresh_from_db()
    assert seance.status == Seance.Status.CONVOQUEE


@pytest.mark.django_db
def test_hole_07_another_responsable_does_not_see_the_programme(programme, other_responsable, users):
    client = login(other_responsable)
    assert client.get(reverse("seances:board", kwargs={"pk": programme.pk})).status_code == 403
    assert client.get(reverse("seances:dashboard", kwargs={"pk": programme.pk})).status_code == 403
    assert str(programme.prestataire.raison_sociale) not in client.get(reverse("seances:programme_list")).text
    referent = login(users["responsable"])
    assert referent.get(reverse("seances:board", kwargs={"pk": programme.pk})).status_code == 200


@pytest.mark.django_db
def test_an_intervenant_records_only_the_seances_they_facilitate(programme):
    from seances.services import attendance as attendance_services

    other = UserFactory(email="autre.intervenant@exemple.fr", role=User.Role.INTERVENANT)
    IntervenantProgrammeFactory(programme=programme, user=other, prenom="Paul", nom="Autre")
    seance = programme.seances.get()
    assert login(other).get(reverse("seances:compte_rendu", kwargs={"pk": seance.pk})).status_code == 403
    with pytest.raises(Refused, match="intervenant de la séance"):
        attendance_services.attendance_record(seance=seance, user=other, presents=[])
