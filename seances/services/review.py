"""The provider's review of a programme (« revue de la prestation », issue 20): its life and its writing.

brouillon (staff write it; the prestataire sees nothing) → partagée (shared with the prestataire: the
assessment and the figures are frozen, nothing of it changes any more) → répondue (the prestataire's one
answer, sent once, final) → close. Staff may close a shared review the prestataire has not answered once
`REVUE_ANSWER_DAYS` have passed since sharing (till then the prestataire may still answer); a closed review
is kept with the programme and read when the next AMI is written. Every status change goes through
`revue_set_state`, so the history (django-simple-history) records who, when and why.
"""

from django.db import transaction
from django.utils import timezone

from ami.models import AMI
from ami.reference import CRITERES
from mlhg_app import french
from mlhg_app.refusals import Refused
from seances.models import Programme, RevueCritere, RevuePrestation
from seances.selectors import revue_answer_closable_from, revue_chiffres_now

S = RevuePrestation.Status

# The only table of allowed transitions: {from: {to, ...}}. « close » is final.
TRANSITIONS: dict[str, set[str]] = {
    S.BROUILLON: {S.PARTAGEE},
    S.PARTAGEE: {S.REPONDUE, S.CLOSE},
    S.REPONDUE: {S.CLOSE},
}
REASONS = {
    S.PARTAGEE: "Revue partagée avec le prestataire",
    S.REPONDUE: "Réponse du prestataire",
    S.CLOSE: "Revue close",
}
TEXT_MAX = 2000
ANSWER_MAX = 5000


def programme_criteria(programme: Programme) -> list[tuple[str, str, int]]:
    """The weighted criteria of the programme's AMI, (code, label, weight) in their order: the AMI of its
    convention's dossier, else the AMI of its year, else the reference AMI's (40 / 30 / 15 / 15)."""
    ami = None
    if programme.convention_id is not None:
        ami = programme.convention.dossier.ami
    if ami is None:
        ami = AMI.objects.filter(annee=programme.annee_debut).order_by("-date_limite").first()
    criteres = list(ami.criteres.order_by("ordre")) if ami is not None else []
    if criteres:
        return [(c.code, c.libelle, c.poids) for c in criteres]
    return [(code, libelle, poids) for code, libelle, poids, _mode in CRITERES]


def revue_open(*, programme: Programme, by) -> RevuePrestation:
    """The programme's review: opened as a draft with one assessment row per criterion of its AMI (label and
    weight copied), or the one already open. Side effects: the review and its rows, recorded as `by`'s."""
    existing = RevuePrestation.objects.filter(programme=programme).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        revue = RevuePrestation(programme=programme, created_by=by)
        revue._history_user = by
        revue._change_reason = "Revue ouverte"
        revue.save()
        for ordre, (code, libelle, poids) in enumerate(programme_criteria(programme)):
            row = RevueCritere(revue=revue, code=code, libelle=libelle, poids=poids, ordre=ordre)
            row._history_user = by
            row.save()
    return revue


def _refuse_unless_draft(revue: RevuePrestation) -> None:
    if revue.status != S.BROUILLON:
        raise Refused(f"La revue est {revue.get_status_display()} : partagée avec le prestataire, elle ne change plus.")


def revue_write(*, revue: RevuePrestation, by, appreciation_generale: str, criteres: dict[str, dict]) -> None:
    """Save the draft: the overall assessment and, per criterion code, ``{"niveau", "texte"}``. Refuses
    (Refused, French) once shared, an unknown level, a text longer than TEXT_MAX. Side effects: the rows
    that changed are saved (their history records `by`)."""
    _refuse_unless_draft(revue)
    levels = set(RevueCritere.Niveau.values) | {""}
    rows = {row.code: row for row in revue.criteres.all()}
    for code, values in criteres.items():
        row = rows.get(code)
        if row is None:
            raise Refused("Ce critère n'est pas celui de l'AMI du programme.")
        if values.get("niveau", "") not in levels:
            raise Refused(f"Appréciation inconnue pour « {row.libelle} ».", field=f"niveau_{code}")
        if len(values.get("texte", "")) > TEXT_MAX:
            raise Refused(f"Le commentaire de « {row.libelle} » dépasse {TEXT_MAX} caractères.", field=f"texte_{code}")
    with transaction.atomic():
        for code, values in criteres.items():
            row = rows[code]
            niveau, texte = values.get("niveau", ""), values.get("texte", "").strip()
            if (row.niveau, row.texte) != (niveau, texte):
                row.niveau, row.texte = niveau, texte
                row._history_user = by
                row.save(update_fields=["niveau", "texte"])
        appreciation = (appreciation_generale or "").strip()
        if appreciation != revue.appreciation_generale:
            revue.appreciation_generale = appreciation
            revue._history_user = by
            revue._change_reason = "Appréciation générale modifiée"
            revue.save(update_fields=["appreciation_generale", "updated_at"])


def revue_share_problems(revue: RevuePrestation) -> list[str]:
    """What is missing before the review may be shared (French sentences; [] when nothing is)."""
    problems = [
        f"Donnez une appréciation et un commentaire pour « {row.libelle} »."
        for row in revue.criteres.all()
        if not row.niveau or not row.texte.strip()
    ]
    if not revue.appreciation_generale.strip():
        problems.append("Rédigez l'appréciation générale.")
    return problems


def revue_set_state(*, revue: RevuePrestation, status: str, by, fields: tuple[str, ...] = ()) -> bool:
    """Move `revue` to `status`: the only place its status changes. Returns False (nothing written) when it is
    already `status`; refuses a transition absent from TRANSITIONS. Saves `fields` with it, the history
    recording `by` and the reason."""
    if revue.status == status:
        return False
    if status not in TRANSITIONS.get(revue.status, set()):
        raise Refused(f"La revue est {revue.get_status_display()} : elle ne peut pas devenir {S(status).label}.")
    revue.status = status
    revue._history_user = by
    revue._change_reason = REASONS[status]
    revue.save(update_fields=["status", "updated_at", *fields])
    return True


def revue_share(*, revue: RevuePrestation, by) -> None:
    """Share the draft with the prestataire: refused (the missing parts listed) unless every criterion has a
    level and a comment and the overall assessment is written. Side effects: the figures computed now are
    frozen in `chiffres`; who and when; the status « partagée »."""
    _refuse_unless_draft(revue)
    problems = revue_share_problems(revue)
    if problems:
        raise Refused("La revue ne peut pas encore être partagée : " + " ".join(problems))
    with transaction.atomic():
        revue.chiffres = revue_chiffres_now(revue.programme)
        revue.partagee_le, revue.partagee_par = timezone.now(), by
        revue_set_state(revue=revue, status=S.PARTAGEE, by=by, fields=("chiffres", "partagee_le", "partagee_par"))


def revue_answer(*, revue: RevuePrestation, by, reponse: str) -> None:
    """The prestataire's answer: once, final, while the review is shared and not closed. Refuses an empty or
    too long answer, a second answer, an answer to a closed review."""
    text = (reponse or "").strip()
    if revue.status == S.REPONDUE:
        raise Refused("Vous avez déjà répondu à cette revue : la réponse est envoyée une seule fois.")
    if revue.status != S.PARTAGEE:
        raise Refused(f"La revue est {revue.get_status_display()} : il n'est plus possible d'y répondre.")
    if not text:
        raise Refused("Écrivez votre réponse avant de l'envoyer.", field="reponse")
    if len(text) > ANSWER_MAX:
        raise Refused(f"La réponse dépasse {ANSWER_MAX} caractères ({len(text)}).", field="reponse")
    with transaction.atomic():
        revue.reponse, revue.repondue_le, revue.repondue_par = text, timezone.now(), by
        revue_set_state(revue=revue, status=S.REPONDUE, by=by, fields=("reponse", "repondue_le", "repondue_par"))


def revue_close(*, revue: RevuePrestation, by) -> None:
    """Close a shared review: at once when the prestataire has answered, else from REVUE_ANSWER_DAYS after
    sharing (before that, refused with the date: the prestataire may still answer)."""
    if revue.status == S.PARTAGEE:
        closable = revue_answer_closable_from(revue)
        if closable is not None and timezone.localdate() < closable:
            raise Refused(
                "Le prestataire n'a pas encore répondu : il peut le faire jusqu'à la clôture, qui n'est possible "
                f"sans sa réponse qu'à partir du {french.day_date(closable)}."
            )
    with transaction.atomic():
        revue.close_le, revue.close_par = timezone.now(), by
        revue_set_state(revue=revue, status=S.CLOSE, by=by, fields=("close_le", "close_par"))
