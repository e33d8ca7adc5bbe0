"""A published AMI changes only by a dated rectificatif: a new version of its text and/or its deadline moved
later (never earlier); every registered candidate is told. Every version is kept (`VersionAMI`)."""

import datetime
import difflib
from zoneinfo import ZoneInfo

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ami.models import AMI, Rectificatif, SectionAMI, VersionAMI
from ami.selectors import candidats_inscrits
from mlhg_app.french import date_at, deadline_text, long_date
from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send
from mlhg_app.refusals import Refused

PARIS = ZoneInfo("Europe/Paris")


def sections_of(ami: AMI) -> list[dict]:
    """The AMI's current text as a version stores it: [{code, titre, texte}] in order."""
    return [{"code": s.code, "titre": s.titre, "texte": s.texte} for s in ami.sections.order_by("ordre", "pk")]


def ami_version_record(*, ami: AMI, now, rectificatif: Rectificatif | None = None) -> VersionAMI:
    """Store the AMI's current text and deadlines as its next version (1 at publication)."""
    last = ami.versions.order_by("-numero").values_list("numero", flat=True).first() or 0
    return VersionAMI.objects.create(
        ami=ami,
        numero=last + 1,
        publiee_le=now,
        date_limite=ami.date_limite,
        date_limite_questions=ami.questions_deadline,
        sections=sections_of(ami),
        rectificatif=rectificatif,
    )


def _first_version_ensure(ami: AMI, now):
    """An AMI published before versions existed (or by the state function alone): its text as published."""
    if ami.versions.exists():
        return
    published = now
    if ami.date_publication:
        published = min(now, datetime.datetime.combine(ami.date_publication, datetime.time(9), tzinfo=PARIS))
    ami_version_record(ami=ami, now=published)


def sections_diff(old: list[dict], new: list[dict]) -> list[dict]:
    """What a rectificatif changes in the text, section by section (matched by code), for the preview and
    the email: each {titre, etat: ajoutée | supprimée | modifiée | inchangée, lignes: [(+|-| , ligne)]}."""
    before = {s["code"]: s for s in old if s.get("code")}
    out, seen = [], set()
    for section in new:
        previous = before.get(section.get("code") or "")
        if previous is None:
            lignes = [("+", line) for line in section["texte"].splitlines()]
            out.append({"titre": section["titre"], "etat": "ajoutée", "lignes": lignes})
            continue
        seen.add(previous["code"])
        changed = (previous["titre"], previous["texte"].strip()) != (section["titre"], section["texte"].strip())
        lignes = []
        if changed:
            if previous["titre"] != section["titre"]:
                lignes += [("-", f"Titre : {previous['titre']}"), ("+", f"Titre : {section['titre']}")]
            for line in difflib.ndiff(previous["texte"].splitlines(), section["texte"].splitlines()):
                if line[:1] in "+- ":
                    lignes.append((line[:1], line[2:]))
        out.append({"titre": section["titre"], "etat": "modifiée" if changed else "inchangée", "lignes": lignes})
    for section in old:
        if section.get("code") not in seen:
            lignes = [("-", line) for line in section["texte"].splitlines()]
            out.append({"titre": section["titre"], "etat": "supprimée", "lignes": lignes})
    return out


def unique_code(wanted: str, taken: set[str]) -> str:
    """A code for a new row (section, criterion) from its title, not among `taken` (which it joins)."""
    base = (slugify(wanted) or "section")[:34]
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


def sections_apply(ami: AMI, rows: list[dict]):
    existing = {s.code: s for s in ami.sections.all()}
    kept = {row["code"] for row in rows if row.get("code") in existing}
    ami.sections.exclude(code__in=kept).delete()
    taken = set(kept)
    for ordre, row in enumerate(rows):
        section = existing.get(row.get("code") or "")
        if section is None or section.code not in kept:
            section = SectionAMI(ami=ami, code=unique_code(row["titre"], taken))
        section.titre, section.texte, section.ordre = row["titre"], row["texte"], ordre
        section.save()


def deadline_move_check(*, ami: AMI, new_deadline, require_later: bool = False) -> None:
    """Refuse (Refused, on « nouvelle_date_limite ») a published deadline moved earlier (or not later, with
    `require_later`): the rule of `ami_rectify`, also asked by its preview before anything is written."""
    if new_deadline is not None and (
        new_deadline < ami.date_limite or (require_later and new_deadline == ami.date_limite)
    ):
        raise Refused(
            f"La nouvelle date limite doit être postérieure à la date actuelle ({deadline_text(ami.date_limite)}) : "
            "une date limite publiée ne peut qu'être reportée, jamais avancée.",
            field="nouvelle_date_limite",
        )


def ami_rectify(
    *, ami: AMI, motif: str, by, sections: list[dict] | None = None, new_deadline=None, now=None, require_later=False
) -> Rectificatif:
    """Publish a rectificatif of a published, still open AMI: a new version of its text and/or its deadline
    moved later.

    `sections`: the new text [{code (empty for a new section), titre, texte}] in order, None to keep it;
    `new_deadline`: None to keep it. Refused: an AMI not published or past its deadline, a deadline
    earlier than the current one (or not later, with `require_later`), an empty motif, a section without
    title or text, no section left, nothing that changes. Side effects, in one transaction: the
    sections, the deadline (the question deadline moves by as much), the rectificatif, the new version
    (version 1, the text as published, first stored if missing), one history entry by `by`; after
    commit, one email per account of every registered candidate, once each.
    """
    now = now or timezone.now()
    motif = (motif or "").strip()
    with transaction.atomic():
        ami = AMI.objects.select_for_update().get(pk=ami.pk)
        if ami.status != AMI.Status.PUBLIE:
            raise Refused(
                f"L'AMI est « {ami.get_status_display()} » : "
                + (
                    "seule la date limite d'un AMI publié peut être reportée."
                    if require_later
                    else "seul un AMI publié reçoit un rectificatif."
                )
            )
        if ami.is_past_deadline(now):
            raise Refused(
                f"La date limite ({deadline_text(ami.date_limite)}) est passée : les dépôts sont clos, elle ne peut plus être "
                "reportée ni le texte rectifié."
            )
        deadline_move_check(ami=ami, new_deadline=new_deadline, require_later=require_later)
        if not motif:
            raise Refused("Indiquez le motif du rectificatif : il est communiqué aux candidats.", "motif")
        current = sections_of(ami)
        if sections is not None:
            sections = [
                {"code": row.get("code") or "", "titre": row["titre"].strip(), "texte": row["texte"].strip()}
                for row in sections
            ]
            if not sections:
                raise Refused("Le texte de l'AMI doit garder au moins une section.")
            for number, row in enumerate(sections, start=1):
                if not row["titre"] or not row["texte"]:
                    raise Refused(f"La section {number} doit avoir un titre et un texte.")
        text_changed = sections is not None and any(d["etat"] != "inchangée" for d in sections_diff(current, sections))
        moved = new_deadline is not None and new_deadline != ami.date_limite
        if not (text_changed or moved):
            raise Refused("Ce rectificatif ne change rien : modifiez au moins une section ou reportez la date limite.")
        _first_version_ensure(ami, now)
        if text_changed:
            sections_apply(ami, sections)
        old_deadline = ami.date_limite
        if moved:
            if ami.date_limite_questions:
                ami.date_limite_questions += new_deadline - old_deadline
            ami.date_limite = new_deadline
        rectificatif = Rectificatif.objects.create(
            ami=ami,
            publie_le=now,
            ancienne_date_limite=old_deadline,
            nouvelle_date_limite=ami.date_limite,
            motif=motif,
            par=by,
        )
        reasons = []
        if text_changed:
            reasons.append("texte modifié")
        if moved:
            reasons.append(f"date limite reportée au {deadline_text(ami.date_limite)}")
        ami._change_reason = "Rectificatif : " + " et ".join(reasons)
        ami._history_user = by
        ami.save(update_fields=["date_limite", "date_limite_questions"])
        ami_version_record(ami=ami, now=now, rectificatif=rectificatif)
        transaction.on_commit(lambda: _queue_notification(rectificatif.pk))
    return rectificatif


def ami_deadline_postpone(*, ami: AMI, new_deadline, motif: str, by, now=None) -> Rectificatif:
    """Move a published, still open AMI's deadline later, with a dated rectificatif (its text unchanged).

    Refused: as `ami_rectify`, and a new deadline not later than the current one. Side effects: those of
    `ami_rectify` (a new version with the same text and the new deadline; every registered candidate told).
    """
    return ami_rectify(ami=ami, motif=motif, by=by, new_deadline=new_deadline, now=now, require_later=True)


def _queue_notification(rectificatif_id: int):
    enqueue(notify_rectificatif, rectificatif_id=rectificatif_id)


def rectificatif_subject(rectificatif: Rectificatif, text_changed: bool) -> str:
    ami = rectificatif.ami
    if text_changed and rectificatif.deadline_moved:
        return f"Rectificatif : texte modifié et date limite reportée – {ami.titre}"
    if text_changed:
        return f"Rectificatif : texte de l'appel modifié – {ami.titre}"
    return f"Rectificatif : date limite reportée – {ami.titre}"


def rectificatif_notify(*, rectificatif: Rectificatif) -> int:
    """Email the rectificatif to every active account of every registered candidate, once each."""
    ami = rectificatif.ami
    version = VersionAMI.objects.filter(rectificatif=rectificatif).first()
    previous = (
        VersionAMI.objects.filter(ami=ami, numero__lt=version.numero).order_by("-numero").first() if version else None
    )
    changes = (
        [d for d in sections_diff(previous.sections, version.sections) if d["etat"] != "inchangée"]
        if (version and previous)
        else []
    )
    context = {
        "ami": ami,
        "rectificatif": rectificatif,
        "version": version,
        "changes": changes,
        "ancienne": deadline_text(rectificatif.ancienne_date_limite),
        "nouvelle": deadline_text(rectificatif.nouvelle_date_limite),
        "publie_le": date_at(rectificatif.publie_le),
        "publie_le_jour": long_date(rectificatif.publie_le),
    }
    subject = rectificatif_subject(rectificatif, bool(changes))
    sent = 0
    for membre in candidats_inscrits(ami):
        sent += message_send(
            kind="ami.rectificatif",
            recipient=membre.user.email,
            subject=subject,
            template="ami_rectificatif",
            context={**context, "user": membre.user, "prestataire": membre.prestataire},
            obj=rectificatif,
        )
    return sent


# Beside the service it calls, so that the service queues it without importing ami.tasks; named as it was
# in ami/tasks.py: kept jobs (mlhg_app.PendingJob) and queued messages find a task by its name.
@shared_task(name="ami.tasks.notify_rectificatif")
def notify_rectificatif(*, rectificatif_id: int) -> int:
    rectificatif = Rectificatif.objects.select_related("ami").filter(pk=rectificatif_id).first()
    if rectificatif is None:
        return 0
    return rectificatif_notify(rectificatif=rectificatif)
