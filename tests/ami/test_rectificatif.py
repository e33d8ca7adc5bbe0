"""Hole 3: a published deadline moves only later, by a dated rectificatif every candidate is told of."""

import datetime
import pathlib
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.core import mail
from django.urls import reverse

from ami.models import AMI, Rectificatif
from ami.services.rectificatif import ami_deadline_postpone, notify_rectificatif
from ami.services.states import ami_set_state
from ami.services.submission import dossier_submit
from mlhg_app.models import OutgoingMessage
from mlhg_app.refusals import Refused
from tests.dossiers import complete_dossier, horizons_with_two_accounts, member
from tests.factories import AMIFactory, PrestataireFactory
from tests.web import login

PARIS = ZoneInfo("Europe/Paris")
DEADLINE = datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS)
TODAY = datetime.datetime(2026, 5, 20, 10, 0, 0, tzinfo=PARIS)
LATER = datetime.datetime(2026, 6, 12, 12, 0, 0, tzinfo=PARIS)
ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def open_ami(reference):
    """A published AMI, open until 29 May, with a submitted candidate and a draft one (two accounts)."""
    ami = AMIFactory(reference="ami-ouvert", titre="AMI ouvert", date_limite=DEADLINE)
    deposant, claire = horizons_with_two_accounts()
    with time_machine.travel(TODAY, tick=False):
        dossier_submit(dossier=complete_dossier(ami=ami, prestataire=deposant), user=claire)
    brouillon = PrestataireFactory(raison_sociale="Atelier Parenthèse")
    member(brouillon, "vincent@parenthese.fr", first_name="Vincent")
    complete_dossier(ami=ami, prestataire=brouillon)
    member(PrestataireFactory(raison_sociale="Sans dossier"), "autre@ailleurs.fr")
    mail.outbox.clear()
    return ami


@pytest.mark.django_db
@pytest.mark.parametrize("new_deadline", [DEADLINE - datetime.timedelta(days=10), DEADLINE])
def test_hole_03_earlier_deadline_refused(open_ami, users, new_deadline):
    with time_machine.travel(TODAY, tick=False), pytest.raises(Refused) as refusal:
        ami_deadline_postpone(ami=open_ami, new_deadline=new_deadline, motif="Erreur", by=users["staff"])
    assert str(refusal.value) == (
        "La nouvelle date limite doit être postérieure à la date actuelle (vendredi 29 mai 2026 à 23\xa0h\xa059) : "
        "une date limite publiée ne peut qu'être reportée, jamais avancée."
    )
    open_ami.refresh_from_db()
    assert (open_ami.date_limite, Rectificatif.objects.count(), len(mail.outbox)) == (DEADLINE, 0, 0)


@pytest.mark.django_db
def test_hole_03_earlier_deadline_refused_on_the_staff_page_keeping_the_input(open_ami, users):
    client = login(users["staff"])
    url = reverse("ami:deadline", kwargs={"reference": open_ami.reference})
    with time_machine.travel(TODAY, tick=False):
        page = client.post(url, {"nouvelle_date_limite": "2026-05-01T12:00:00", "motif": "Avancer"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "une date limite publiée ne peut qu&#x27;être reportée, jamais avancée." in html
    assert 'value="2026-05-01T12:00:00"' in html and "Avancer</textarea>" in html
    open_ami.refresh_from_db()
    assert open_ami.date_limite == DEADLINE


@pytest.mark.django_db
def test_hole_03_postpone_refused_once_closed_or_not_published(open_ami, users):
    with time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(Refused, match="est passée : les dépôts sont clos"):
            ami_deadline_postpone(ami=open_ami, new_deadline=LATER, motif="Trop tard", by=users["staff"])
    brouillon = AMIFactory(reference="ami-brouillon", status=AMI.Status.BROUILLON, date_limite=DEADLINE)
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(Refused, match="^L'AMI est « Brouillon » : seule la date limite d'un AMI"):
            ami_deadline_postpone(ami=brouillon, new_deadline=LATER, motif="Brouillon", by=users["staff"])
    assert Rectificatif.objects.count() == 0


@pytest.mark.django_db
def test_hole_03_candidates_notified_once(open_ami, users, django_capture_on_commit_callbacks):
    client = login(users["staff"])
    url = reverse("ami:deadline", kwargs={"reference": open_ami.reference})
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"nouvelle_date_limite": "2026-06-12T12:00:00", "motif": "Jour férié ajouté."})
    assert response.status_code == 302

    open_ami.refresh_from_db()
    assert open_ami.date_limite == LATER
    rectificatif = Rectificatif.objects.get()
    assert (rectificatif.publie_le, rectificatif.ancienne_date_limite, rectificatif.par) == (
        TODAY,
        DEADLINE,
        users["staff"],
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["claire@horizons.fr", "paul@horizons.fr", "vincent@parenthese.fr"]
    message = next(m for m in mail.outbox if m.to == ["vincent@parenthese.fr"])
    assert message.subject == "Rectificatif : date limite reportée – AMI ouvert"
    assert (
        "La date limite de dépôt est reportée : elle était fixée au vendredi 29 mai 2026 à 23\xa0h\xa059 ; "
        "elle est désormais fixée au vendredi 12 juin 2026 à 12\xa0h\xa000 (heure de Paris)."
    ) in message.body
    assert "Motif : Jour férié ajouté." in message.body
    last = open_ami.history.order_by("-history_id").first()
    assert (last.history_user, last.history_change_reason) == (
        users["staff"],
        "Rectificatif : date limite reportée au vendredi 12 juin 2026 à 12\xa0h\xa000",
    )

    assert notify_rectificatif.apply(kwargs={"rectificatif_id": rectificatif.pk}).get() == 0
    assert len(mail.outbox) == 3
    assert OutgoingMessage.objects.filter(kind="ami.rectificatif").count() == 3

    public = client.get(reverse("ami:detail", kwargs={"reference": open_ami.reference})).content.decode()
    assert (
        "Rectificatif du mercredi 20 mai 2026 : date limite reportée du vendredi 29 mai 2026 à 23 h 59 "
        "au vendredi 12 juin 2026 à 12 h 00. "
        "Motif : Jour férié ajouté."
    ) in re.sub(r"\s+", " ", public)


@pytest.mark.django_db
def test_hole_03_status_cannot_go_back(open_ami, users):
    """Neither the state function nor a model form (the admin's) moves a published AMI back or its deadline."""
    with pytest.raises(Refused, match="^L'AMI ne peut pas passer de « Publié » à « Brouillon ».$"):
        ami_set_state(ami=open_ami, status=AMI.Status.BROUILLON)

    AMIForm = forms.modelform_factory(AMI, fields=["titre", "status", "date_limite"])
    back = AMIForm(
        {"titre": open_ami.titre, "status": "brouillon", "date_limite": "2026-05-01 12:00:00"}, instance=open_ami
    )
    assert back.errors == {
        "status": ["Le statut d'un AMI change par ses étapes (publication, clôture, décision) seulement."],
        "date_limite": [
            "La date limite d'un AMI publié ne se déplace que par un rectificatif, et seulement plus tard."
        ],
    }
    open_ami.refresh_from_db()
    assert (open_ami.status, open_ami.date_limite) == (AMI.Status.PUBLIE, DEADLINE)


@pytest.mark.django_db
def test_hole_03_cannot_publish_with_a_past_deadline(reference):
    ami = AMIFactory(reference="ami-passe", status=AMI.Status.BROUILLON, date_limite=DEADLINE)
    with time_machine.travel(DEADLINE + datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(Refused, match=r"^La date limite \(vendredi 29 mai 2026 à 23\xa0h\xa059\) est déjà passée"):
            ami_set_state(ami=ami, status=AMI.Status.PUBLIE)
    ami.refresh_from_db()
    assert ami.status == AMI.Status.BROUILLON


# Writes of a status outside the state functions: `x.status = ...` or `.update(status=...)`.
STATUS_WRITE = re.compile(r"\.status\s*=[^=]|\.update\([^)]*\bstatus\s*=")
STATEFUL = re.compile(r"\b(ami|dossier|locked|AMI|Dossier)\b")
# The one write outside them: the benchmark's synthetic AMI, reopened to grow between two measures.
KNOWN = {
    ("bench/data.py", "ami.status = ami.Status.PUBLIE  # bench only: the synthetic AMI grows between two measures")
}


def test_hole_03_status_changes_only_in_the_state_functions():
    """No code of the product (services, tasks, demo, commands, bench) writes an AMI's or a dossier's status."""
    found = []
    for folder in ["ami", "mlhg_app", "bench", "seances", "bilans"]:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts or path.name == "states.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                where = (str(path.relative_to(ROOT)), line.strip())
                if STATUS_WRITE.search(line) and STATEFUL.search(line.split("status")[0]) and where not in KNOWN:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def _sections_post(ami, **changes):
    sections = list(ami.sections.order_by("ordre"))
    data = {
        "form-TOTAL_FORMS": str(len(sections) + 1),
        "form-INITIAL_FORMS": str(len(sections)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, s in enumerate(sections):
        data |= {
            f"form-{i}-code": s.code,
            f"form-{i}-titre": s.titre,
            f"form-{i}-texte": s.texte,
            f"form-{i}-ordre": i + 1,
        }
    return data | changes


@pytest.mark.django_db
def test_text_rectificatif_previewed_confirmed_versioned_emailed_and_older_version_readable(
    open_ami, users, django_capture_on_commit_callbacks
):
    from ami.models import SectionAMI, VersionAMI

    SectionAMI.objects.create(ami=open_ami, ordre=0, code="objet", titre="Objet", texte="Sept sites.")
    SectionAMI.objects.create(ami=open_ami, ordre=1, code="volume", titre="Volume", texte="21 séances.")
    client = login(users["staff"])
    url = reverse("ami:rectificatif", kwargs={"reference": open_ami.reference})
    data = _sections_post(open_ami, **{"form-1-texte": "24 séances.", "motif": "Volume corrigé.", "action": "apercu"})
    with time_machine.travel(TODAY, tick=False):
        preview = client.post(url, data)
        html = re.sub(r"\s+", " ", preview.content.decode())
        assert "Volume — section modifiée" in html
        assert '<del class="d-block">− 21 séances.</del>' in html and '<ins class="d-block">+ 24 séances.</ins>' in html
        assert "3 comptes de candidats inscrits recevront le rectificatif par courriel" in html
        assert (Rectificatif.objects.count(), len(mail.outbox)) == (0, 0)  # nothing before confirmation
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {**data, "action": "confirmer"})
    assert response.status_code == 302
    assert list(open_ami.sections.values_list("texte", flat=True)) == ["Sept sites.", "24 séances."]
    assert [(v.numero, v.sections[1]["texte"]) for v in VersionAMI.objects.filter(ami=open_ami)] == [
        (1, "21 séances."),
        (2, "24 séances."),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["claire@horizons.fr", "paul@horizons.fr", "vincent@parenthese.fr"]
    assert mail.outbox[0].subject == "Rectificatif : texte de l'appel modifié – AMI ouvert"
    assert (
        "- Volume (modifiée)" in mail.outbox[0].body and "date limite de dépôt est reportée" not in mail.outbox[0].body
    )
    public_url = reverse("ami:detail", kwargs={"reference": open_ami.reference})
    public = re.sub(r"\s+", " ", client.get(public_url).content.decode())
    assert "Version 2 du mercredi 20 mai 2026</strong> (en vigueur) — motif : Volume corrigé." in public
    assert "24 séances." in public and "21 séances." not in public
    old = re.sub(r"\s+", " ", client.get(public_url + "?version=1").content.decode())
    assert "21 séances." in old and "24 séances." not in old
    assert "Vous lisez la <strong>version 1 du" in old
    assert client.get(public_url + "?version=9").status_code == 404


@pytest.mark.django_db
def test_text_rectificatif_refuses_an_earlier_deadline_and_keeps_the_input(open_ami, users):
    from ami.models import SectionAMI

    SectionAMI.objects.create(ami=open_ami, ordre=0, code="objet", titre="Objet", texte="Sept sites.")
    client = login(users["staff"])
    url = reverse("ami:rectificatif", kwargs={"reference": open_ami.reference})
    data = _sections_post(
        open_ami,
        **{"form-0-texte": "Huit sites.", "nouvelle_date_limite": "2026-05-25T12:00:00", "motif": "Plus tôt"},
    )
    with time_machine.travel(TODAY, tick=False):
        for action in ["apercu", "confirmer"]:
            page = client.post(url, {**data, "action": action})
            html = page.content.decode()
            assert "une date limite publiée ne peut qu&#x27;être reportée, jamais avancée." in html
            assert "Huit sites.</textarea>" in html
    assert (Rectificatif.objects.count(), open_ami.sections.get().texte) == (0, "Sept sites.")


@pytest.mark.django_db
def test_existing_rectificatifs_become_versions_in_the_migration(reference):
    """The data migration's rule: version 1 at the old deadline, one more version per rectificatif."""
    import importlib

    from django.apps import apps

    from ami.models import VersionAMI
    from mlhg_app.models import User

    ami = AMIFactory(reference="ami-migre", date_limite=LATER)
    by = User.objects.create_user(email="s@exemple.fr", password="x", role="staff")
    Rectificatif.objects.create(
        ami=ami, publie_le=TODAY, ancienne_date_limite=DEADLINE, nouvelle_date_limite=LATER, motif="Report", par=by
    )
    migration = importlib.import_module("ami.migrations.0005_authoring_questions")
    migration._versions_from_rectificatifs(apps, None)
    assert [(v.numero, v.date_limite, v.rectificatif_id is not None) for v in VersionAMI.objects.filter(ami=ami)] == [
        (1, DEADLINE, False),
        (2, LATER, True),
    ]


@pytest.mark.django_db
def test_postponing_the_deadline_moves_the_question_deadline_by_as_much(open_ami, users):
    AMI.objects.filter(pk=open_ami.pk).update(date_limite_questions=DEADLINE - datetime.timedelta(days=7))
    open_ami.refresh_from_db()
    with time_machine.travel(TODAY, tick=False):
        ami_deadline_postpone(ami=open_ami, new_deadline=LATER, motif="Report", by=users["staff"])
    open_ami.refresh_from_db()
    assert open_ami.questions_deadline == LATER - datetime.timedelta(days=7)
