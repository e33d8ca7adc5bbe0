"""The bilan's workflow: open, write, remettre, comment, reply, validate; réunion; PDF exports; reminders.

brouillon → remis (a frozen version; the responsable is emailed) → commenté
(comments per section; the prestataire replies and revises, then remits a new
version) → validé. Who may do what is checked here, on the server: the views
only call these functions.
"""

import base64
import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from ami.uploads import MAX_FILE_SIZE, PDF, content_refusal, describe_content, detect_type, display_name, format_mo
from bilans import aggregation, charts, differences
from bilans.models import K_MINIMUM, Bilan, BilanVersion, Commentaire, ExportPdf, Section
from bilans.states import bilan_set_state
from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send
from mlhg_app.models import User
from mlhg_app.pdf import render_pdf
from mlhg_app.refusals import Refused
from mlhg_app.rules import is_prestataire, is_responsable, is_staff_member
from seances import calendar
from seances.anonymisation import identifying_terms, names_for_programme
from seances.models import Programme
from seances.rules import prestataire_id_of

logger = logging.getLogger(__name__)


SECTIONS = [(section.value, section.label) for section in Section]
WRITABLE = (Bilan.Status.BROUILLON, Bilan.Status.COMMENTE)
REVIEWABLE = (Bilan.Status.REMIS, Bilan.Status.COMMENTE)
REMINDER_KIND = "bilan.rappel"

# ---------------------------------------------------------------------------
# Reads: who reaches which bilan (others answer 404)
# ---------------------------------------------------------------------------


def _base():
    return Bilan.objects.select_related("programme__prestataire", "programme__responsable", "valide_par")


def bilans_visible_to(user):
    """Exactly the bilans `bilans.view_bilan` allows: the prestataire its programmes' bilans, drafts
    included; the programme's référent responsable and staff only bilans remitted at least once (they
    read the remitted versions, never the draft)."""
    prestataire_id = prestataire_id_of(user)
    q = Q(pk__in=[])
    if is_prestataire(user) and prestataire_id:
        q |= Q(programme__prestataire_id=prestataire_id)
    if is_staff_member(user):
        q |= ~Q(status=Bilan.Status.BROUILLON)
    elif is_responsable(user):
        q |= Q(programme__responsable=user) & ~Q(status=Bilan.Status.BROUILLON)
    return _base().filter(q)


def bilan_get(pk) -> Bilan:
    """One bilan for a view's permission check (404 if it does not exist)."""
    return get_object_or_404(_base(), pk=pk)


def programmes_without_bilan(user):
    """The programmes whose bilan the prestataire can open (no bilan yet)."""
    if not is_prestataire(user) or not prestataire_id_of(user):
        return Programme.objects.none()
    return Programme.objects.filter(prestataire_id=prestataire_id_of(user), bilan__isnull=True).order_by("-annee_debut")


def is_writer(user, bilan) -> bool:
    return user.has_perm("bilans.write_bilan", bilan)


def latest_version(bilan) -> BilanVersion | None:
    return bilan.versions.order_by("-numero").first()


def due_date(programme) -> datetime.date:
    """The bilan is due at the end of June of the programme year (seed §8: first bilan June 2027)."""
    return datetime.date(programme.annee_debut + 1, 6, 30)


# ---------------------------------------------------------------------------
# The figures and the anonymity filter
# ---------------------------------------------------------------------------


def synthese_live(bilan) -> dict:
    return aggregation.synthese(bilan.programme, bilan.seuil_k)


def version_figures(bilan) -> dict:
    """The figures a new version freezes: today's, unless subtracting an earlier version's from them would
    show what fewer than k groups contributed; then the previous version's (bilans/differences.py)."""
    earlier = [
        {"numero": v.numero, "synthese": v.synthese, "empreintes": v.empreintes}
        for v in bilan.versions.order_by("numero")
    ]
    for _attempt in range(3):  # the figures and the séances' fingerprints must describe the same data
        shares = aggregation.shares(bilan.programme)
        live = synthese_live(bilan)
        if aggregation.shares(bilan.programme) == shares:
            synthese, empreintes = differences.protect_against_differences(earlier, live, shares, bilan.seuil_k)
            return {"synthese": synthese, "empreintes": empreintes}
    raise Refused("Des comptes rendus sont en cours d'enregistrement : remettez le bilan dans un instant.")


def section_refusals(bilan, texts: dict | None = None) -> dict[str, list[str]]:
    """The identifying terms (names, emails, phone numbers) of each section; {} when all are anonymous."""
    texts = texts if texts is not None else {key: bilan.section_text(key) for key, _label in SECTIONS}
    names = names_for_programme(bilan.programme)
    refusals = {}
    for key, _label in SECTIONS:
        terms = identifying_terms(texts.get(key, ""), names)
        if terms:
            refusals[key] = terms
    return refusals


def remise_refusal(bilan) -> str:
    """Why the bilan cannot be remitted now ('' when it can)."""
    if bilan.status not in WRITABLE:
        return f"Le bilan est {bilan.get_status_display()} : il ne peut pas être remis à nouveau."
    empty = [str(label) for key, label in SECTIONS if not bilan.section_text(key).strip()]
    if empty:
        return "Complétez avant de remettre le bilan : " + " ; ".join(empty) + "."
    refusals = section_refusals(bilan)
    if refusals:
        terms = ", ".join(f"« {term} »" for terms in refusals.values() for term in terms)
        return f"Le bilan contient des éléments identifiants : {terms}. Retirez-les : le bilan est anonyme."
    return ""


# ---------------------------------------------------------------------------
# Recipients and emails
# ---------------------------------------------------------------------------


def prestataire_recipients(bilan) -> list[User]:
    membres = bilan.programme.prestataire.membres.select_related("user").filter(user__is_active=True)
    return [m.user for m in membres]


def responsable_recipients(bilan) -> list[User]:
    """The programme's référent responsable (the only one who may open the bilan)."""
    if bilan.programme.responsable and bilan.programme.responsable.is_active:
        return [bilan.programme.responsable]
    return []


def bilan_url(bilan) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("bilans:detail", kwargs={"pk": bilan.pk})


def _notify(bilan, users, *, kind, subject, template, occurrence, context=None, attachments=None):
    for user in users:
        message_send(
            kind=kind,
            recipient=user.email,
            subject=subject,
            template=template,
            context={"bilan": bilan, "user": user, "url": bilan_url(bilan), **(context or {})},
            obj=bilan,
            occurrence=occurrence,
            attachments=attachments,
        )


# ---------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------


def bilan_open(*, programme: Programme, user) -> Bilan:
    """The prestataire opens the year's bilan (once; opening again returns it)."""
    if not user.has_perm("bilans.write_bilan", programme):
        raise Refused("Seul le prestataire du programme ouvre son bilan.")
    bilan, _created = Bilan.objects.get_or_create(programme=programme, defaults={"echeance": due_date(programme)})
    return bilan


def bilan_write(*, bilan: Bilan, user, texts: dict) -> dict[str, list[str]]:
    """Save the three sections (a draft, or a revision after comments). Saved even with an identifying
    term, so that nothing typed is lost; such a bilan cannot be remitted. Returns the refusals."""
    if not is_writer(user, bilan):
        raise Refused("Seul le prestataire rédige le bilan.")
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update().get(pk=bilan.pk)
        if bilan.status not in WRITABLE:
            raise Refused(f"Le bilan est {bilan.get_status_display()} : il n'est plus modifiable.")
        for key, _label in SECTIONS:
            setattr(bilan, key, (texts.get(key) or "").strip())
        bilan.save()
    return section_refusals(bilan)


def bilan_remettre(*, bilan: Bilan, user) -> BilanVersion:
    """Freeze a new version (texts and figures) and email the responsable."""
    if not is_writer(user, bilan):
        raise Refused("Seul le prestataire remet le bilan.")
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update().select_related("programme").get(pk=bilan.pk)
        refusal = remise_refusal(bilan)
        if refusal:
            raise Refused(refusal)
        previous = latest_version(bilan)
        numero = (previous.numero if previous else 0) + 1
        version = BilanVersion.objects.create(
            bilan=bilan,
            numero=numero,
            thematiques=bilan.thematiques,
            attention=bilan.attention,
            preconisations=bilan.preconisations,
            **version_figures(bilan),
            remis_par=user,
        )
        bilan_set_state(bilan=bilan, status=Bilan.Status.REMIS, by=user)  # the responsable emailed on commit
    return version


def notify_remise(*, bilan_id: int, numero: int) -> int:
    bilan = _base().filter(pk=bilan_id).first()
    if bilan is None:
        return 0
    users = responsable_recipients(bilan)
    _notify(
        bilan,
        users,
        kind="bilan.remis",
        subject=f"Bilan annuel {bilan.annee} remis par {bilan.programme.prestataire}",
        template="bilan_remis",
        occurrence=f"version-{numero}",
        context={"numero": numero},
    )
    return len(users)


def comment_add(*, bilan: Bilan, user, section: str, texte: str) -> Commentaire:
    """The responsable comments one section of the latest remitted version; the prestataire is emailed."""
    texte = (texte or "").strip()
    if section not in Section.values:
        raise Refused("Choisissez la section commentée.")
    if not texte:
        raise Refused("Écrivez votre commentaire.")
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update(of=("self",)).select_related("programme").get(pk=bilan.pk)
        if not user.has_perm("bilans.review_bilan", bilan):
            raise Refused("Seul le responsable de secteur référent du programme commente le bilan remis.")
        if bilan.status not in REVIEWABLE:
            raise Refused(f"Le bilan est {bilan.get_status_display()} : il ne peut pas être commenté.")
        version = latest_version(bilan)
        commentaire = Commentaire.objects.create(version=version, section=section, texte=texte, auteur=user)
        bilan_set_state(bilan=bilan, status=Bilan.Status.COMMENTE, by=user)
        transaction.on_commit(lambda: _queue("bilans.tasks.notify_comment", commentaire_id=commentaire.pk))
    return commentaire


def notify_comment(*, commentaire_id: int) -> int:
    commentaire = Commentaire.objects.select_related("version__bilan").filter(pk=commentaire_id).first()
    if commentaire is None:
        return 0
    bilan = _base().get(pk=commentaire.version.bilan_id)
    users = prestataire_recipients(bilan)
    _notify(
        bilan,
        users,
        kind="bilan.commentaire",
        subject=f"Bilan annuel {bilan.annee} : un commentaire du responsable de secteur",
        template="bilan_commentaire",
        occurrence=f"commentaire-{commentaire.pk}",
        context={"commentaire": commentaire},
    )
    return len(users)


def comment_reply(*, commentaire: Commentaire, user, reponse: str) -> Commentaire:
    bilan = commentaire.version.bilan
    if not is_writer(user, bilan):
        raise Refused("Seul le prestataire répond aux commentaires.")
    reponse = (reponse or "").strip()
    if not reponse:
        raise Refused("Écrivez votre réponse.")
    if bilan.status != Bilan.Status.COMMENTE or commentaire.version_id != latest_version(bilan).pk:
        raise Refused("On répond aux commentaires de la dernière version, tant que le bilan n'est pas validé.")
    commentaire.reponse = reponse
    commentaire.repondu_par = user
    commentaire.repondu_le = timezone.now()
    commentaire.save()
    return commentaire


def bilan_validate(*, bilan: Bilan, user) -> Bilan:
    """The responsable accepts the latest remitted version; the prestataire is emailed."""
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update(of=("self",)).select_related("programme").get(pk=bilan.pk)
        if not user.has_perm("bilans.review_bilan", bilan):
            raise Refused("Seul le responsable de secteur référent du programme valide le bilan remis.")
        if bilan.status not in REVIEWABLE:
            raise Refused(f"Le bilan est {bilan.get_status_display()} : il ne peut pas être validé.")
        bilan_set_state(bilan=bilan, status=Bilan.Status.VALIDE, by=user)  # the prestataire emailed on commit
    return bilan


def notify_validation(*, bilan_id: int) -> int:
    bilan = _base().filter(pk=bilan_id).first()
    if bilan is None:
        return 0
    users = prestataire_recipients(bilan)
    _notify(
        bilan,
        users,
        kind="bilan.valide",
        subject=f"Bilan annuel {bilan.annee} validé",
        template="bilan_valide",
        occurrence="validation",
    )
    return len(users)


def k_set(*, bilan: Bilan, user, k: int) -> Bilan:
    """Staff set the anonymity threshold; it applies to the figures and to the next remitted version."""
    if not user.has_perm("bilans.set_threshold", bilan):
        raise Refused("Seule l'administration de la MLHG fixe le seuil d'anonymat.")
    if k < K_MINIMUM:
        raise Refused(f"Le seuil k vaut au moins {K_MINIMUM} : en dessous, un thème pourrait désigner un groupe.")
    if bilan.status == Bilan.Status.VALIDE:
        raise Refused("Le bilan est validé : son seuil ne change plus.")
    bilan.seuil_k = k
    bilan.save(update_fields=["seuil_k", "updated_at"])
    return bilan


def k_default_set(*, programme: Programme, user, k: int):
    """Staff set k before the bilan is opened: it is opened (as a draft) with it."""
    if not user.has_perm("bilans.set_threshold", programme):
        raise Refused("Seule l'administration de la MLHG fixe le seuil d'anonymat.")
    bilan, _ = Bilan.objects.get_or_create(programme=programme, defaults={"echeance": due_date(programme)})
    return k_set(bilan=bilan, user=user, k=k)


# ---------------------------------------------------------------------------
# The réunion de bilan
# ---------------------------------------------------------------------------


def can_meet(user, bilan) -> bool:
    return user.has_perm("bilans.meet", bilan)


def reunion_set(*, bilan: Bilan, user, when: datetime.datetime, lieu: str) -> Bilan:
    """Set (or move) the réunion de bilan; both sides get the invitation (.ics, a higher SEQUENCE on a move)."""
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update().select_related("programme").get(pk=bilan.pk)
        if not can_meet(user, bilan):
            raise Refused("La réunion de bilan se fixe entre le prestataire et le responsable de secteur.")
        if bilan.status == Bilan.Status.BROUILLON:
            raise Refused("La réunion de bilan se tient à la remise du bilan : remettez-le d'abord.")
        if when <= timezone.now():
            raise Refused("Choisissez une date à venir pour la réunion de bilan.")
        if bilan.reunion_le is not None:
            bilan.reunion_sequence += 1
        bilan.reunion_le = when
        bilan.reunion_lieu = lieu.strip()
        bilan.save(update_fields=["reunion_le", "reunion_lieu", "reunion_sequence", "updated_at"])
        sequence = bilan.reunion_sequence
        transaction.on_commit(lambda: _queue("bilans.tasks.notify_reunion", bilan_id=bilan.pk, sequence=sequence))
    return bilan


def reunion_ics(bilan) -> bytes:
    from icalendar import Event, vCalAddress, vText

    cal = calendar.ics_calendar("REQUEST")
    event = Event()
    start = timezone.localtime(bilan.reunion_le)
    event.add("uid", f"bilan-{bilan.reunion_uid}@mlhg-app")
    event.add("sequence", bilan.reunion_sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(hours=2))
    event.add("summary", f"Réunion de bilan APP {bilan.annee}")
    event.add("location", bilan.reunion_lieu or "À préciser")
    event.add(
        "description", f"Réunion de bilan annuel entre le prestataire et le responsable de secteur.\n{bilan_url(bilan)}"
    )
    event.add("status", "CONFIRMED")
    event.add("organizer", calendar.ics_organizer())
    for user in responsable_recipients(bilan) + prestataire_recipients(bilan):
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params["cn"] = vText(user.get_full_name() or user.email)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def reunion_text(bilan) -> str:
    if not bilan.reunion_le:
        return ""
    local = timezone.localtime(bilan.reunion_le)
    return f"{calendar.date_text(local.date())} à {calendar.time_text(local.time())}"


def notify_reunion(*, bilan_id: int, sequence: int) -> int:
    bilan = _base().filter(pk=bilan_id).first()
    if bilan is None or bilan.reunion_le is None:
        return 0
    users = responsable_recipients(bilan) + prestataire_recipients(bilan)
    ics = reunion_ics(bilan)
    _notify(
        bilan,
        users,
        kind="bilan.reunion",
        subject=f"Réunion de bilan APP {bilan.annee} : {reunion_text(bilan)}",
        template="bilan_reunion",
        occurrence=f"reunion-{sequence}",
        context={"quand": reunion_text(bilan), "sequence": sequence},
        attachments=[("reunion-bilan.ics", ics, "text/calendar; method=REQUEST")],
    )
    return len(users)


def check_minutes(uploaded) -> bytes:
    """The réunion's minutes: a PDF (checked by its content), 10 Mo at most, else a French ValidationError."""
    shown = display_name(uploaded.name)
    if uploaded.size > MAX_FILE_SIZE:
        raise ValidationError(
            f"Le fichier « {shown} » pèse {format_mo(uploaded.size)} : la limite est de 10 Mo par fichier."
        )
    if detect_type(uploaded) != PDF:
        raise ValidationError(
            f"Le fichier « {shown} » n'est pas un PDF (contenu reconnu : {describe_content(uploaded)})."
        )
    refusal = content_refusal(uploaded, PDF, shown)
    if refusal is not None:
        raise refusal
    uploaded.seek(0)
    return uploaded.read()


def reunion_minutes_attach(*, bilan: Bilan, user, data: bytes) -> Bilan:
    if not can_meet(user, bilan):
        raise Refused("Le compte rendu de la réunion est joint par le prestataire ou le responsable de secteur.")
    if bilan.reunion_le is None:
        raise Refused("Fixez d'abord la date de la réunion de bilan.")
    if bilan.reunion_compte_rendu:
        bilan.reunion_compte_rendu.delete(save=False)
    bilan.reunion_compte_rendu.save(f"reunion-bilan-{bilan.programme.annee_debut}.pdf", ContentFile(data), save=False)
    bilan.save(update_fields=["reunion_compte_rendu", "updated_at"])
    return bilan


# ---------------------------------------------------------------------------
# What each reader sees, the PDF, its export job
# ---------------------------------------------------------------------------


def bilan_shown(bilan, user, *, numero: int | None = None) -> dict:
    """The texts and figures a user reads: the writer the live bilan while it can be written, the others
    (and the writer once it is remitted or validated) a remitted version, the latest by default.
    Raises Http404 for a version that does not exist."""
    if numero is None and is_writer(user, bilan) and (bilan.status in WRITABLE or not bilan.versions.exists()):
        return shown_live(bilan)
    version = bilan.versions.filter(numero=numero).first() if numero else latest_version(bilan)
    if version is None:
        raise Http404("Version introuvable")
    return {"version": version, "texts": _texts(version), "synthese": version.synthese}


def shown_live(bilan) -> dict:
    """The bilan as it is being written: its live texts and today's figures."""
    return {"version": None, "texts": _texts(bilan), "synthese": synthese_live(bilan)}


def _texts(source) -> list[dict]:
    return [{"key": key, "titre": label, "texte": source.section_text(key)} for key, label in SECTIONS]


def theme_trends(bilan) -> list[dict]:
    """The latest remitted version's themes beside the previous year's (their own suppressed counts)."""
    current = latest_version(bilan)
    previous_bilan = (
        Bilan.objects.filter(programme__annee_debut=bilan.programme.annee_debut - 1)
        .exclude(status=Bilan.Status.BROUILLON)
        .first()
    )
    previous = latest_version(previous_bilan) if previous_bilan else None
    now = {t["libelle"]: t["seances"] for t in (current.synthese["themes"] if current else [])}
    before = {t["libelle"]: t["seances"] for t in (previous.synthese["themes"] if previous else [])}
    rows = []
    for libelle in sorted(set(now) | set(before), key=lambda name: (-now.get(name, 0), name)):
        rows.append({"libelle": libelle, "avant": before.get(libelle), "maintenant": now.get(libelle)})
    return rows


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def pdf_context(bilan, shown: dict) -> dict:
    synthese = shown["synthese"]
    return {
        "bilan": bilan,
        "version": shown["version"],
        "texts": shown["texts"],
        "synthese": synthese,
        "chart_themes": _data_uri(charts.themes_svg(synthese)),
        "chart_sites": _data_uri(charts.sites_svg(synthese)),
        "k": synthese["k"],
        "reunion": reunion_text(bilan),
    }


def bilan_pdf(bilan, shown: dict) -> bytes:
    return render_pdf("pdf/bilan.html", pdf_context(bilan, shown))


def export_request(*, bilan: Bilan, user) -> ExportPdf:
    """Queue a PDF export of what the user reads (see `bilan_shown`); the page polls its status."""
    shown = bilan_shown(bilan, user)
    export = ExportPdf.objects.create(bilan=bilan, version=shown["version"], demande_par=user)
    transaction.on_commit(lambda: _queue("bilans.tasks.export_pdf", export_id=export.pk))
    return export


def exports_visible_to(user):
    """The exports of the bilans a user reads: a remitted version's for everyone who reads the bilan,
    a draft's (no version) for the prestataire only."""
    prestataire_id = prestataire_id_of(user) if is_prestataire(user) else None
    exports = ExportPdf.objects.filter(bilan__in=bilans_visible_to(user)).filter(
        Q(version__isnull=False) | Q(bilan__programme__prestataire_id=prestataire_id or 0)
    )
    return exports.select_related("bilan__programme", "version")


def export_run(*, export_id: int) -> str:
    """Render and store one export. Safe to run twice: a ready export is left as it is."""
    export = ExportPdf.objects.select_related("bilan__programme__prestataire", "version").filter(pk=export_id).first()
    if export is None:
        return "absent"
    if export.status == ExportPdf.Status.PRET and export.fichier:
        return export.status
    ExportPdf.objects.filter(pk=export.pk).update(status=ExportPdf.Status.EN_COURS)
    bilan = export.bilan
    if export.version:
        shown = {"version": export.version, "texts": _texts(export.version), "synthese": export.version.synthese}
    else:
        shown = shown_live(bilan)
    try:
        data = bilan_pdf(bilan, shown)
    except Exception as exc:  # the job's status tells the user; the task logs and may retry
        ExportPdf.objects.filter(pk=export.pk).update(
            status=ExportPdf.Status.ECHEC, erreur=f"La mise en page du PDF a échoué ({type(exc).__name__}).",
            termine_le=timezone.now(),
        )  # fmt: skip
        raise
    export.fichier.save(export_filename(export), ContentFile(data), save=False)
    export.status = ExportPdf.Status.PRET
    export.termine_le = timezone.now()
    export.erreur = ""
    export.save(update_fields=["fichier", "status", "termine_le", "erreur"])
    return export.status


def export_filename(export) -> str:
    suffix = f"-v{export.version.numero}" if export.version else "-brouillon"
    return f"bilan-app-{export.bilan.programme.annee_debut}{suffix}.pdf"


def _queue(task_name: str, **kwargs):
    """Queue a job of bilans/tasks.py by name (the tasks import this module)."""
    from bilans import tasks

    enqueue(getattr(tasks, task_name.rsplit(".", 1)[-1]), **kwargs)


# ---------------------------------------------------------------------------
# Reminders: 30 and 7 days before the due date, then weekly, each once
# ---------------------------------------------------------------------------


def reminder_occurrence(echeance: datetime.date, today: datetime.date) -> str:
    """Which reminder is due today ('' for none): « j-30 » from 30 days before, « j-7 » from 7 days before,
    then « retard-1 », « retard-2 »… one per week after the due date."""
    days = (echeance - today).days
    if days > 30:
        return ""
    if days > 7:
        return "j-30"
    if days >= 0:
        return "j-7"
    return f"retard-{(-days - 1) // 7 + 1}"


def reminders_due(today: datetime.date) -> list[tuple[int, str]]:
    """(programme id, occurrence) for each programme whose bilan is not yet remitted and has a reminder due."""
    due = []
    year = today.year
    programmes = Programme.objects.filter(annee_debut__in=[year - 2, year - 1, year]).exclude(
        bilan__status__in=[Bilan.Status.REMIS, Bilan.Status.COMMENTE, Bilan.Status.VALIDE]
    )
    for programme in programmes.select_related("bilan"):
        bilan = getattr(programme, "bilan", None)
        echeance = bilan.echeance if bilan else due_date(programme)
        occurrence = reminder_occurrence(echeance, today)
        if occurrence:
            due.append((programme.pk, occurrence))
    return due


def bilan_remind(*, programme_id: int, occurrence: str) -> int:
    """Email the prestataire's accounts once per occurrence; opens the bilan if it is not yet."""
    programme = Programme.objects.select_related("prestataire").filter(pk=programme_id).first()
    if programme is None:
        return 0
    bilan, _ = Bilan.objects.get_or_create(programme=programme, defaults={"echeance": due_date(programme)})
    if bilan.status != Bilan.Status.BROUILLON:
        return 0
    late = occurrence.startswith("retard")
    subject = (
        f"Bilan annuel {bilan.annee} : la date de remise ({calendar.date_text(bilan.echeance)}) est passée"
        if late
        else f"Bilan annuel {bilan.annee} à remettre avant le {calendar.date_text(bilan.echeance)}"
    )
    sent = 0
    for user in prestataire_recipients(bilan):
        sent += message_send(
            kind=REMINDER_KIND,
            recipient=user.email,
            subject=subject,
            template="bilan_rappel",
            context={"bilan": bilan, "user": user, "url": bilan_url(bilan), "late": late,
                     "echeance": calendar.date_text(bilan.echeance)},
            obj=bilan,
            occurrence=occurrence,
        )  # fmt: skip
    return sent
