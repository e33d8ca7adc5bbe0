"""The decision, the letters to every candidate, and the convention with the retained one."""

import datetime
import hashlib

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ami.documents.letters import convention_pdf, letter_filename, letter_pdf
from ami.models import AMI, Convention, Decision, Dossier, Lettre
from ami.selectors import ami_results, dossier_recipients, grids_missing
from ami.services.states import ami_set_state
from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send
from mlhg_app.refusals import Refused

NOTIFIED = [Dossier.Status.DEPOSE, Dossier.Status.RECEVABLE, Dossier.Status.IRRECEVABLE]


def default_letter_text(kind: str, dossier: Dossier) -> str:
    if kind == Lettre.Kind.RETENU:
        return (
            "Nous avons le plaisir de vous informer que votre candidature est retenue. Nous prendrons contact avec "
            "vous pour établir la convention de prestation et organiser avec le responsable de secteur référent la "
            "planification des premières séances de septembre et octobre 2026."
        )
    if kind == Lettre.Kind.SANS_SUITE:
        return "La Mission Locale Haute-Garonne a décidé de ne pas donner suite à cet appel à manifestation d'intérêt."
    if dossier.status == Dossier.Status.IRRECEVABLE:
        detail = f" ({dossier.motif_detail})" if dossier.motif_detail else ""
        return (
            f"Votre dossier n'a pas été jugé recevable : {dossier.get_motif_irrecevabilite_display().lower()}{detail}."
        )
    return (
        "Votre proposition n'a pas obtenu le meilleur classement au regard des critères de sélection publiés "
        "dans l'AMI. Nous vous remercions de l'intérêt que vous portez à la Mission Locale Haute-Garonne."
    )


def decision_make(
    *,
    ami: AMI,
    user,
    dossier: Dossier | None = None,
    justification: str = "",
    justification_grilles: str = "",
    now=None,
) -> Decision:
    """Retain one recevable dossier, or close the AMI sans suite (dossier None) with a reason.

    A justification is required to retain a dossier that is not ranked first. Retaining is refused while a
    recevable dossier has no submitted grid at all, and, unless `justification_grilles` says why, while an
    evaluator without a conflict of interest has not submitted a recevable dossier's grid.
    Refused once the letters are sent. Side effects: the decision (history
    keeps every change), one draft letter per candidate, the AMI's status.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ami = AMI.objects.select_for_update().get(pk=ami.pk)
        existing = Decision.objects.filter(ami=ami).first()
        if existing is not None and existing.letters_sent_at is not None:
            raise Refused("Les lettres sont envoyées : la décision ne peut plus être modifiée.")
        if not ami.is_past_deadline(now):
            raise Refused("La décision se prend après la date limite de dépôt.")
        justification = justification.strip()
        if dossier is None:
            if not justification:
                raise Refused("Indiquez le motif de la clôture sans suite.", field="justification")
            kind = Decision.Kind.SANS_SUITE
        else:
            dossier = Dossier.objects.select_related("prestataire").get(pk=dossier.pk)
            if dossier.ami_id != ami.pk or dossier.status != Dossier.Status.RECEVABLE:
                raise Refused("Seul un dossier recevable de cet AMI peut être retenu.")
            justification_grilles = _grids_check(ami, justification_grilles.strip())
            ranking = ami_results(ami)
            first = ranking[0].dossier_id if ranking else None
            if dossier.pk != first and not justification:
                raise Refused(
                    "Ce dossier n'est pas classé premier : une justification est obligatoire pour le retenir.",
                    field="justification",
                )
            kind = Decision.Kind.ATTRIBUE
        decision = existing or Decision(ami=ami)
        decision.kind, decision.dossier, decision.justification = kind, dossier, justification
        decision.justification_grilles = justification_grilles if kind == Decision.Kind.ATTRIBUE else ""
        decision.decided_by, decision.decided_at = user, now
        decision._history_user = user
        decision.save()
        decision.lettres.all().delete()
        for candidate in ami.dossiers.filter(status__in=NOTIFIED).select_related("prestataire"):
            if kind == Decision.Kind.SANS_SUITE:
                letter_kind = Lettre.Kind.SANS_SUITE
            elif candidate.pk == dossier.pk:
                letter_kind = Lettre.Kind.RETENU
            else:
                letter_kind = Lettre.Kind.NON_RETENU
            Lettre.objects.create(
                decision=decision,
                dossier=candidate,
                kind=letter_kind,
                texte_libre=default_letter_text(letter_kind, candidate),
            )
        if ami.status == AMI.Status.PUBLIE:
            ami_set_state(ami=ami, status=AMI.Status.CLOS, by=user, now=now)
        if ami.status == AMI.Status.CLOS and kind == Decision.Kind.ATTRIBUE:
            ami_set_state(ami=ami, status=AMI.Status.EN_ANALYSE, by=user, now=now)
    return decision


def _grids_check(ami: AMI, justification_grilles: str) -> str:
    """Refuse a retention the committee's grids do not support yet; returns the justification kept (or "")."""
    missing = grids_missing(ami)
    for dossier, submitted, _lacking in missing:
        if not submitted:
            raise Refused(
                f"{dossier.prestataire} n'a aucune grille d'évaluation soumise : aucun candidat ne peut être retenu "
                "sans l'évaluation de chaque dossier recevable.",
                field="choix",
            )
    if missing and not justification_grilles:
        detail = " ; ".join(
            f"{dossier.prestataire} : "
            + (
                f"la grille de {lacking[0]} n'est pas soumise"
                if len(lacking) == 1
                else f"les grilles de {', '.join(lacking)} ne sont pas soumises"
            )
            for dossier, _submitted, lacking in missing
        )
        raise Refused(
            f"{detail}. Attendez les grilles ou indiquez pourquoi décider sans elles.", field="justification_grilles"
        )
    return justification_grilles if missing else ""


def letter_update(*, lettre: Lettre, texte_libre: str) -> Lettre:
    if lettre.sent_at is not None:
        raise Refused("Cette lettre est envoyée : elle ne peut plus être modifiée.")
    lettre.texte_libre = texte_libre.strip()
    lettre.save(update_fields=["texte_libre"])
    return lettre


def letters_send(*, decision: Decision, user, now=None) -> int:
    """Render every letter to PDF, keep it, and email it to the candidate's accounts.

    Side effects: letter PDFs stored with their SHA-256, emails (once each, via
    the outgoing-message log), `letters_sent_at`, the AMI attribué or sans suite.
    """
    now = now or timezone.now()
    with transaction.atomic():
        decision = Decision.objects.select_for_update(of=("self",)).select_related("ami").get(pk=decision.pk)
        if decision.letters_sent_at is not None:
            raise Refused("Les lettres ont déjà été envoyées.")
        lettres = list(decision.lettres.select_related("dossier__prestataire", "dossier__ami"))
        for lettre in lettres:
            pdf = letter_pdf(lettre, sent_on=timezone.localdate(now))
            lettre.fichier.save(letter_filename(lettre), ContentFile(pdf), save=False)
            lettre.sha256 = hashlib.sha256(pdf).hexdigest()
            lettre.sent_at = now
            lettre.save()
        decision.letters_sent_at = now
        decision.save(update_fields=["letters_sent_at"])
        target = AMI.Status.ATTRIBUE if decision.kind == Decision.Kind.ATTRIBUE else AMI.Status.SANS_SUITE
        if decision.ami.status == AMI.Status.PUBLIE:  # the closing job may not have run yet
            ami_set_state(ami=decision.ami, status=AMI.Status.CLOS, by=user, now=now)
        if decision.ami.status == AMI.Status.CLOS and target == AMI.Status.ATTRIBUE:
            ami_set_state(ami=decision.ami, status=AMI.Status.EN_ANALYSE, by=user, now=now)
        ami_set_state(ami=decision.ami, status=target, by=user, now=now)
        ids = [lettre.pk for lettre in lettres]
        transaction.on_commit(lambda: _queue_letters(ids))
    return len(lettres)


def _queue_letters(ids):
    for pk in ids:
        enqueue(send_letter, lettre_id=pk)


def letter_email(*, lettre: Lettre) -> int:
    """Email one sent letter (PDF attached) to each active account of the candidate, once each (and to the
    sender of a dossier received by email)."""
    sent = 0
    ami = lettre.decision.ami
    with lettre.fichier.open("rb") as handle:
        pdf = handle.read()
    for email, salutation, user in dossier_recipients(lettre.dossier):
        sent += message_send(
            kind="decision.letter",
            recipient=email,
            subject=f"Résultat de l'appel à manifestation d'intérêt « {ami.titre} »",
            template="decision_letter",
            context={"lettre": lettre, "ami": ami, "user": user, "salutation": salutation, "dossier": lettre.dossier},
            obj=lettre,
            attachments=[(lettre.fichier.name.rsplit("/", 1)[-1], pdf, "application/pdf")],
        )
    return sent


def convention_create(*, decision: Decision, user, now=None) -> Convention:
    """Establish the convention with the retained candidate once the letters are sent.

    Side effects: the convention (numbered, dates of the programme year) and its
    PDF; signable after the AMI's standstill period.
    """
    now = now or timezone.now()
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("ami", "dossier__prestataire")
            .get(pk=decision.pk)
        )
        if decision.kind != Decision.Kind.ATTRIBUE or decision.letters_sent_at is None:
            raise Refused("La convention s'établit avec le candidat retenu, une fois les lettres envoyées.")
        existing = Convention.objects.filter(decision=decision).first()
        if existing is not None:
            return existing
        year = decision.ami.annee
        convention = Convention.objects.create(
            decision=decision,
            dossier=decision.dossier,
            numero=f"CONV-APP-{year}-{decision.pk:03d}",
            date_debut=datetime.date(year, 9, 1),
            date_fin=datetime.date(year + 1, 8, 31),
            signable_from=decision.letters_sent_at + datetime.timedelta(days=decision.ami.standstill_jours),
        )
        convention.fichier.save(f"{convention.numero}.pdf", ContentFile(convention_pdf(convention)), save=True)
    return convention


# Beside the service it calls, so that the service queues it without importing ami.tasks; named as it was
# in ami/tasks.py: kept jobs (mlhg_app.PendingJob) and queued messages find a task by its name.
@shared_task(name="ami.tasks.send_letter")
def send_letter(*, lettre_id: int) -> int:
    lettre = Lettre.objects.select_related("decision__ami", "dossier__prestataire").filter(pk=lettre_id).first()
    if lettre is None or lettre.sent_at is None:
        return 0
    return letter_email(lettre=lettre)
