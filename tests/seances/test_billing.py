"""Cancellations and billing statements: arithmetic with sub-groups, VAT or exemption, numbering,
overlap refusal, a séance billed once, the PDF's mandatory mentions, who may do what."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from mlhg_app.refusals import Refused
from seances.models import Annulation, LigneReleve, Releve, Seance
from seances.services.billing import annulation_set_billable, seance_cancel, statement_create, statement_lines
from tests.factories import MembreFactory, ReleveFactory, UserFactory
from tests.pdfs import pdf_words
from tests.seances_world import build_programme, groupe_of, make_seance, split_site

D = datetime.date
NOW = datetime.datetime(2027, 1, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def programme(users):
    return build_programme(users)


def cancel(seance, user, facturable=None):
    annulation = seance_cancel(seance=seance, user=user, motif="Intervenant malade")
    if facturable is not None:
        annulation_set_billable(annulation=annulation, facturable=facturable, user=user)
    return annulation


@pytest.fixture
def autumn(programme, users):
    """Window 1: 3 full-group séances held (480 €), 2 sub-group séances held (430 €), one billable
    cancellation (full group), one non-billable, one undecided, one still planned."""
    sub1, sub2 = split_site(programme, "comminges")
    held = [
        make_seance(programme, groupe_of(programme, "nord-est"), D(2026, 10, 5)),
        make_seance(programme, groupe_of(programme, "nord-ouest"), D(2026, 10, 6)),
        make_seance(programme, groupe_of(programme, "ouest"), D(2026, 11, 9)),
        make_seance(programme, sub1, D(2026, 11, 16)),
        make_seance(programme, sub2, D(2026, 11, 17)),
    ]
    billable = make_seance(programme, groupe_of(programme, "sud-garonne"), D(2026, 12, 1), Seance.Status.VALIDEE)
    cancel(billable, users["staff"], facturable=True)
    not_billable = make_seance(programme, groupe_of(programme, "sud-garonne"), D(2026, 12, 8), Seance.Status.VALIDEE)
    cancel(not_billable, users["staff"], facturable=False)
    # the world's convoked séance (Muretain, 13/10/2026) is still planned: never billed
    undecided = programme.seances.get(groupe__antenne__code="muretain")
    Seance.objects.filter(pk=undecided.pk).update(status=Seance.Status.VALIDEE)
    cancel(undecided, users["staff"])
    return {"held": held, "billable": billable, "not_billable": not_billable, "undecided": undecided}


# -- arithmetic -----------------------------------------------------------------------------------


def test_statement_arithmetic_with_sub_groups_and_a_billable_cancellation(programme, autumn, users):
    lines = statement_lines(programme, D(2026, 9, 1), D(2026, 12, 31))
    assert [(line["prix_ht"], line["sous_groupe"], line["annulee_facturable"]) for line in lines] == [
        (Decimal("480.00"), False, False),
        (Decimal("480.00"), False, False),
        (Decimal("480.00"), False, False),
        (Decimal("430.00"), True, False),
        (Decimal("430.00"), True, False),
        (Decimal("480.00"), False, True),
    ]
    assert lines[3]["libelle"] == "Séance du lundi 16 novembre 2026 – Antenne Comminges – sous-groupe 1/2"
    assert lines[5]["libelle"] == "Séance du mardi 1er décembre 2026 – Antenne Sud Garonne (annulation facturable)"

    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    assert (releve.total_ht, releve.total_tva, releve.total_ttc) == (
        Decimal("2780.00"),
        Decimal("556.00"),
        Decimal("3336.00"),
    )
    assert releve.lignes.count() == 6
    billed = set(releve.lignes.values_list("seance_id", flat=True))
    assert autumn["not_billable"].pk not in billed and autumn["undecided"].pk not in billed


def test_vat_is_rounded_half_up_to_the_cent(programme, users):
    programme.prix_seance_groupe = Decimal("483.00")
    programme.taux_tva = Decimal("5.50")
    programme.save()
    make_seance(programme, groupe_of(programme, "ouest"), D(2026, 10, 5))
    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    # 483 × 5.5 % = 26.565: half-up gives 26.57 (banker's rounding would give 26.56)
    assert (releve.total_ht, releve.total_tva, releve.total_ttc) == (
        Decimal("483.00"),
        Decimal("26.57"),
        Decimal("509.57"),
    )


def test_exempt_programme_has_no_vat_and_shows_its_mention(programme, users):
    programme.regime_tva = "exonere"
    programme.taux_tva = None
    programme.mention_exoneration = "Exonération de TVA, article 261-4-4° a du CGI"
    programme.save()
    make_seance(programme, groupe_of(programme, "ouest"), D(2026, 10, 5))
    sub1, _sub2 = split_site(programme, "comminges")
    make_seance(programme, sub1, D(2026, 10, 12))
    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    assert (releve.total_ht, releve.total_tva, releve.total_ttc) == (
        Decimal("910.00"),
        Decimal("0.00"),
        Decimal("910.00"),
    )
    text = pdf_words(releve.fichier.read())
    assert "Exonération de TVA, article 261-4-4° a du CGI" in text
    assert "TVA 20" not in text


# -- numbering, overlap, never twice ------------------------------------------------------------------


def test_numbering_is_continuous_across_statements_and_programmes(programme, users):
    make_seance(programme, groupe_of(programme, "ouest"), D(2026, 10, 5))
    make_seance(programme, groupe_of(programme, "ouest"), D(2027, 2, 1), fenetre=2)
    first = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    second = statement_create(programme=programme, debut=D(2027, 1, 1), fin=D(2027, 3, 31), user=users["staff"])
    assert (first.numero, first.sequence) == ("REL-2026-001", 1)
    assert (second.numero, second.sequence) == ("REL-2026-002", 2)

    other = build_programme(users, annee=2027)
    make_seance(other, groupe_of(other, "ouest"), D(2027, 10, 4))
    third = statement_create(programme=other, debut=D(2027, 9, 1), fin=D(2027, 12, 31), user=users["staff"])
    assert (third.numero, third.sequence) == ("REL-2027-003", 3)


def test_a_refused_statement_consumes_no_number(programme, users):
    with pytest.raises(Refused, match="Aucune séance réalisée ni annulation facturable"):
        statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    make_seance(programme, groupe_of(programme, "ouest"), D(2026, 10, 5))
    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    assert releve.numero == "REL-2026-001"


def test_an_overlapping_period_is_refused(programme, users):
    make_seance(programme, groupe_of(programme, "ouest"), D(2026, 10, 5))
    make_seance(programme, groupe_of(programme, "ouest"), D(2027, 1, 12), fenetre=2)
    statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    with pytest.raises(Refused) as refusal:
        statement_create(programme=programme, debut=D(2026, 12, 15), fin=D(2027, 1, 31), user=users["staff"])
    assert str(refusal.value) == (
        "La période du mardi 15 décembre 2026 au dimanche 31 janvier 2027 chevauche le relevé REL-2026-001 (du mardi 1er septembre 2026 au jeudi 31 décembre 2026) : "
        "une séance n'est jamais facturée deux fois."
    )
    assert Releve.objects.count() == 1


def test_a_seance_is_never_billed_twice(programme, users):
    seance = make_seance(programme, groupe_of(programme, "ouest"), D(2026, 10, 5))
    releve = statement_create(programme=programme, debut=D(2026, 10, 1), fin=D(2026, 10, 31), user=users["staff"])
    assert statement_lines(programme, D(2026, 9, 1), D(2027, 6, 30)) == []
    assert LigneReleve.objects.filter(seance=seance).get().releve == releve
    # The billable decision of a cancellation already on a statement is frozen.
    cancelled = make_seance(programme, groupe_of(programme, "nord-est"), D(2026, 11, 3), Seance.Status.VALIDEE)
    annulation = cancel(cancelled, users["staff"], facturable=True)
    statement_create(programme=programme, debut=D(2026, 11, 1), fin=D(2026, 11, 30), user=users["staff"])
    with pytest.raises(Refused, match="figure sur le relevé REL-2026-002"):
        annulation_set_billable(annulation=annulation, facturable=False, user=users["staff"])


# -- the PDF ----------------------------------------------------------------------------------------------


def test_statement_pdf_has_the_mandatory_mentions(programme, autumn, users, client_for):
    prestataire = programme.prestataire
    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    assert releve.fichier.name.endswith(".pdf")
    response = client_for("prestataire").get(reverse("seances:statement_pdf", args=[releve.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_words(b"".join(response.streaming_content))
    for expected in [
        "Relevé de prestations n° REL-2026-001",
        f"{prestataire.raison_sociale} (SARL)",
        "12 rue des Lois",
        "31000 Toulouse",
        f"SIRET : {prestataire.siret}",
        "Mission Locale Haute-Garonne",
        "6-8 boulevard Florence Arthaud",
        "31200 Toulouse",
        "Date d'émission : vendredi 15 janvier 2027",
        "Échéance : dimanche 14 février 2027 (paiement à 30 jours)",
        "Période : du mardi 1er septembre 2026 au jeudi 31 décembre 2026",
        "Séances d'analyse de pratiques professionnelles (APP)",
        "séance en groupe complet 480,00 € ; séance en sous-groupe 430,00 €",
        "Séance du lundi 16 novembre 2026",  # the rest of the label wraps in its cell
        "annulation facturable",
        "Total HT 2 780,00 €",
        "TVA 20 % 556,00 €",
        "Total TTC 3 336,00 €",
        "Paiement à 30 jours à compter de la réception du relevé, par virement bancaire.",
        "pénalités de retard",
        "trois fois le taux d'intérêt légal",
        "indemnité forfaitaire pour frais de recouvrement de 40 €",
        "Aucun escompte n'est accordé pour paiement anticipé.",
    ]:
        assert expected in text, expected


def test_payment_terms_come_from_the_dossier(programme, users, monkeypatch):
    from seances.documents import releve

    monkeypatch.setattr(releve, "payment_terms", lambda p: "Facturation trimestrielle, paiement à 45 jours.")
    make_seance(programme, groupe_of(programme, "ouest"), D(2026, 10, 5))
    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    text = pdf_words(releve.fichier.read())
    assert "Facturation trimestrielle, paiement à 45 jours." in text
    assert "Échéance : lundi 1er mars 2027 (paiement à 45 jours)" in text


def test_terms_without_a_delay_fall_due_at_30_days(programme, users, monkeypatch):
    from seances.documents import releve

    monkeypatch.setattr(releve, "payment_terms", lambda p: "Facture après chaque séance, par virement.")
    make_seance(programme, groupe_of(programme, "ouest"), D(2026, 10, 5))
    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    assert "Échéance : dimanche 14 février 2027 (paiement à 30 jours)" in pdf_words(releve.fichier.read())


# -- the pages ---------------------------------------------------------------------------------------------


def test_staff_issue_a_statement_from_the_page(programme, autumn, client_for):
    client = client_for("staff")
    url = reverse("seances:statements", args=[programme.pk])
    page = client.get(url)
    assert "Émettre un relevé" in page.content.decode()
    response = client.post(url, {"debut": "2026-09-01", "fin": "2026-12-31"}, follow=True)
    content = response.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "Relevé REL-2026-001 émis : 6 lignes, 3 336,00 € TTC." in content
    assert "REL-2026-001.pdf" in content
    again = client.post(url, {"debut": "2026-12-01", "fin": "2027-01-31"})
    assert "chevauche le relevé REL-2026-001" in again.content.decode()
    inverted = client.post(url, {"debut": "2027-03-01", "fin": "2027-01-31"})
    assert "La fin de la période doit être postérieure ou égale à son début." in inverted.content.decode()


def test_prestataire_reads_its_statements_but_cannot_issue(programme, autumn, users, client_for):
    statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    client = client_for("prestataire")
    url = reverse("seances:statements", args=[programme.pk])
    page = client.get(url).content.decode()
    assert "REL-2026-001" in page and "Émettre un relevé" not in page
    assert client.post(url, {"debut": "2027-01-01", "fin": "2027-03-31"}).status_code == 403
    assert Releve.objects.count() == 1


def test_responsable_gets_403_on_statements(programme, client_for, users):
    releve = ReleveFactory(
        programme=programme, numero="REL-2026-001", sequence=1, periode_fin=D(2026, 12, 31), emis_par=users["staff"]
    )
    client = client_for("responsable")
    assert client.get(reverse("seances:statements", args=[programme.pk])).status_code == 403
    assert client.get(reverse("seances:statement_pdf", args=[releve.pk])).status_code == 403
    assert client.get(reverse("seances:dashboard", args=[programme.pk])).status_code == 200


def other_prestataire_client(client_for):
    from django.test import Client

    user = UserFactory(email="autre@exemple.fr", role="prestataire")
    MembreFactory(user=user, email_verified_at=None)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_another_prestataire_gets_404(programme, autumn, users, client_for):
    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    client = other_prestataire_client(client_for)
    planned = make_seance(programme, groupe_of(programme, "ouest"), D(2027, 2, 2), Seance.Status.PROPOSEE, 2)
    assert client.get(reverse("seances:statements", args=[programme.pk])).status_code in (403, 404)
    assert client.get(reverse("seances:statement_pdf", args=[releve.pk])).status_code in (403, 404)
    assert client.get(reverse("seances:cancel", args=[planned.pk])).status_code in (403, 404)
    assert client.post(reverse("seances:cancel", args=[planned.pk]), {"motif": "x"}).status_code in (403, 404)
    planned.refresh_from_db()
    assert planned.status == Seance.Status.PROPOSEE


def test_staff_mark_a_statement_paid(programme, autumn, users, client_for):
    releve = statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    url = reverse("seances:statement_paid", args=[releve.pk])
    client = client_for("staff")
    future = client.post(url, {"paye_le": "2027-02-01"}, follow=True)
    assert "La date de paiement ne peut pas être dans le futur." in future.content.decode()
    missing = client.post(url, {}, follow=True)
    assert "Indiquez la date du paiement." in missing.content.decode()
    response = client.post(url, {"paye_le": "2027-01-15"}, follow=True)
    assert "Relevé REL-2026-001 marqué payé le vendredi 15 janvier 2027." in response.content.decode()
    releve.refresh_from_db()
    assert releve.paye_le == D(2027, 1, 15)
    assert client_for("prestataire").post(url, {"paye_le": "2027-01-15"}).status_code == 403


# -- cancellations -----------------------------------------------------------------------------------------


def test_cancel_requires_a_reason(programme, client_for):
    seance = programme.seances.get()
    url = reverse("seances:cancel", args=[seance.pk])
    client = client_for("prestataire")
    assert "Motif de l&#x27;annulation" in client.get(url).content.decode()
    response = client.post(url, {"motif": "  "})
    assert response.status_code == 200
    assert "Indiquez le motif de l&#x27;annulation." in response.content.decode()
    seance.refresh_from_db()
    assert seance.status == Seance.Status.CONVOQUEE
    assert not Annulation.objects.exists()


def test_prestataire_cancels_a_convoked_seance_and_everyone_gets_the_cancel(
    programme, users, client_for, django_capture_on_commit_callbacks
):
    seance = programme.seances.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("prestataire").post(
            reverse("seances:cancel", args=[seance.pk]), {"motif": "Intervenant indisponible"}, follow=True
        )
    assert "annulée. Les participants sont prévenus" in response.content.decode()
    seance.refresh_from_db()
    assert seance.status == Seance.Status.ANNULEE
    annulation = seance.annulation
    assert (annulation.par, annulation.motif, annulation.annulee_par, annulation.facturable) == (
        Annulation.Par.PRESTATAIRE,
        "Intervenant indisponible",
        users["prestataire"],
        None,
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["conseiller@exemple.fr", "intervenant@exemple.fr"]
    for message in mail.outbox:
        ((filename, content, mimetype),) = message.attachments
        content = content.decode() if isinstance(content, bytes) else content
        assert filename == "annulation.ics"
        assert mimetype == "text/calendar; method=CANCEL"
        assert "METHOD:CANCEL" in content
        assert "STATUS:CANCELLED" in content


def test_staff_cancel_a_validated_seance_without_invitation_emails(
    programme, users, django_capture_on_commit_callbacks
):
    seance = make_seance(programme, groupe_of(programme, "ouest"), D(2027, 2, 2), Seance.Status.VALIDEE, 2)
    with django_capture_on_commit_callbacks(execute=True):
        annulation = seance_cancel(seance=seance, user=users["staff"], motif="Fermeture du site")
    assert annulation.par == Annulation.Par.MLHG
    assert mail.outbox == []
    history = seance.history.first()
    assert history.history_user == users["staff"]
    staff = users["staff"]
    assert history.history_change_reason == f"Annulée par {staff.get_full_name()} (administration) : Fermeture du site"


def test_a_realised_seance_cannot_be_cancelled(programme, client_for):
    seance = make_seance(programme, groupe_of(programme, "ouest"), D(2026, 11, 2))
    url = reverse("seances:cancel", args=[seance.pk])
    assert "Une séance réalisée ne peut pas être annulée." in client_for("staff").get(url).content.decode()
    response = client_for("staff").post(url, {"motif": "Erreur"})
    assert "Une séance réalisée ne peut pas être annulée." in response.content.decode()
    seance.refresh_from_db()
    assert seance.status == Seance.Status.REALISEE
    assert not Annulation.objects.exists()


def test_responsable_cannot_cancel(programme, client_for):
    seance = programme.seances.get()
    assert (
        client_for("responsable").post(reverse("seances:cancel", args=[seance.pk]), {"motif": "x"}).status_code == 403
    )


def test_staff_decide_whether_a_cancellation_is_billable(programme, users, client_for):
    seance = programme.seances.get()
    cancel(seance, users["prestataire"])
    url = reverse("seances:billable", args=[seance.pk])
    page = client_for("staff").get(reverse("seances:statements", args=[programme.pk])).content.decode()
    assert "Intervenant malade" in page and "À décider" in page
    response = client_for("staff").post(url, {"facturable": "oui"}, follow=True)
    assert "Annulation du mardi 13 octobre 2026 (Antenne Muretain) : facturable." in response.content.decode()
    annulation = Annulation.objects.get()
    assert (annulation.facturable, annulation.facturable_decide_par) == (True, users["staff"])
    assert client_for("prestataire").post(url, {"facturable": "non"}).status_code == 403
    client_for("staff").post(url, {"facturable": "non"})
    annulation.refresh_from_db()
    assert annulation.facturable is False
    assert statement_lines(programme, D(2026, 9, 1), D(2026, 12, 31)) == []


def test_board_links_and_cancel_action_by_role(programme, client_for):
    seance = programme.seances.get()
    url = reverse("seances:board", args=[programme.pk])
    cancel_url = reverse("seances:cancel", args=[seance.pk])
    staff = client_for("staff").get(url).content.decode()
    assert cancel_url in staff
    assert reverse("seances:dashboard", args=[programme.pk]) in staff
    assert reverse("seances:statements", args=[programme.pk]) in staff
    prestataire = client_for("prestataire").get(url).content.decode()
    assert cancel_url in prestataire and reverse("seances:dashboard", args=[programme.pk]) not in prestataire
    responsable = client_for("responsable").get(url).content.decode()
    assert cancel_url not in responsable and reverse("seances:statements", args=[programme.pk]) not in responsable


@pytest.mark.django_db
def test_a_seance_held_but_recorded_after_its_statement_is_billed_on_the_next_one(programme, autumn, users):
    statement_create(programme=programme, debut=D(2026, 9, 1), fin=D(2026, 12, 31), user=users["staff"])
    late = make_seance(programme, groupe_of(programme, "ouest"), D(2027, 2, 9), Seance.Status.CONVOQUEE, fenetre=2)
    make_seance(programme, groupe_of(programme, "lauragais"), D(2027, 2, 11), fenetre=2)
    statement_create(programme=programme, debut=D(2027, 1, 1), fin=D(2027, 2, 15), user=users["staff"])
    Seance.objects.filter(pk=late.pk).update(status=Seance.Status.REALISEE)  # its compte rendu came late
    third = statement_create(programme=programme, debut=D(2027, 2, 16), fin=D(2027, 3, 31), user=users["staff"])
    lines = list(third.lignes.values_list("libelle", flat=True))
    assert lines == ["Séance du mardi 9 février 2027 – Antenne Ouest (rattrapage d'une période précédente)"]
    # billed once: the next statement finds nothing left
    with pytest.raises(Refused, match="Aucune séance"):
        statement_create(programme=programme, debut=D(2027, 4, 1), fin=D(2027, 6, 30), user=users["staff"])


@pytest.mark.django_db
def test_a_seance_held_at_the_group_price_keeps_it_after_the_site_is_re_split(programme, users):
    """Held in one group (480 € HT), then the site is split in 2 sub-groups: the statement still says 480 €."""
    from seances.services.programme import site_set_groups
    from seances.services.state import seance_set_state
    from tests.factories import EmargementFactory

    groupe = groupe_of(programme, "ouest")
    seance = make_seance(programme, groupe, D(2026, 11, 9), Seance.Status.CONVOQUEE)
    EmargementFactory(seance=seance, presents=[])
    seance_set_state(seance=seance, status=Seance.Status.REALISEE, by=users["staff"])
    seance.refresh_from_db()
    assert (seance.prix_ht, seance.en_sous_groupe) == (Decimal("480.00"), False)
    site_set_groups(site=programme.sites.get(antenne__code="ouest"), nb_groupes=2, justification="Deux équipes.")
    groupe.refresh_from_db()
    assert groupe.est_sous_groupe
    [line] = [line for line in statement_lines(programme, D(2026, 9, 1), D(2026, 12, 31)) if line["seance"] == seance]
    assert (line["prix_ht"], line["sous_groupe"]) == (Decimal("480.00"), False)
