"""Permissions of the séances.

Role-level permissions (`seances.view_board`, `seances.view_own`, ...) open the lists and the menu;
object permissions are predicates over the object (pretalx style): the programme's référent
responsable (`Programme.responsable`) alone validates its séances, a prestataire's account acts on
its organisation's programme only, an intervenant on the séances they facilitate, a conseiller reads
his group's séances. The selectors (`seances.selectors`) return exactly what the view permissions allow.
"""

import rules

from ami.selectors import prestataire_of
from mlhg_app.rules import is_conseiller, is_intervenant, is_prestataire, is_responsable, is_staff_member
from seances.feedback_tokens import is_addressee
from seances.models import Programme


def programme_of(obj):
    """The programme an object belongs to (a programme, a séance, a group, a statement, a bilan...)."""
    if obj is None or isinstance(obj, Programme):
        return obj
    for path in ("programme", "bilan", "version", "revue", "releve"):
        parent = getattr(obj, path, None)
        if parent is not None:
            return programme_of(parent)
    return None


@rules.predicate
def is_programme_responsable(user, obj):
    """The programme's référent responsable de secteur."""
    programme = programme_of(obj)
    return bool(programme is not None and programme.responsable_id and programme.responsable_id == user.pk)


@rules.predicate
def is_programme_prestataire(user, obj):
    """An account of the programme's prestataire organisation."""
    programme = programme_of(obj)
    prestataire = prestataire_of(user) if programme is not None else None
    return bool(prestataire is not None and programme.prestataire_id == prestataire.pk)


@rules.predicate
def is_seance_intervenant(user, seance):
    """The intervenant who facilitates this séance."""
    return bool(seance is not None and user.pk and seance.intervenant.user_id == user.pk)


@rules.predicate
def is_seance_member(user, seance):
    """A member of the séance's group."""
    return bool(seance is not None and user.pk and seance.groupe.membres.filter(pk=user.pk).exists())


@rules.predicate
def is_groupe_member(user, groupe):
    return bool(groupe is not None and user.pk and groupe.membres.filter(pk=user.pk).exists())


@rules.predicate
def is_seance_decided(user, seance):
    """Validated, convoked, held or cancelled: no longer a proposal that may still move."""
    return bool(seance is not None and seance.status in ("validee", "convoquee", "realisee", "annulee"))


@rules.predicate
def is_seance_movable(user, seance):
    """Proposed, validated or convoked: a séance that may still move (never once held, cancelled or postponed)."""
    return bool(seance is not None and seance.status in ("proposee", "validee", "convoquee"))


@rules.predicate
def is_feedback_addressee(user, link):
    """A feedback link made for this person (or a link with no live invitation: the page says it is refused)."""
    if link is None:
        return False
    return link.invitation is None or is_addressee(user, link.token, link.invitation.seance)


@rules.predicate
def is_revue_draft(user, revue):
    return bool(revue is not None and revue.status == "brouillon")


@rules.predicate
def is_revue_shared(user, revue):
    """Shared with the prestataire (then answered, or closed): no longer the MLHG's draft."""
    return bool(revue is not None and revue.status != "brouillon")


@rules.predicate
def is_revue_awaiting_answer(user, revue):
    return bool(revue is not None and revue.status == "partagee")


@rules.predicate
def is_revue_open(user, revue):
    """Shared, answered or not, and not yet closed."""
    return bool(revue is not None and revue.status in ("partagee", "repondue"))


@rules.predicate
def is_same_person(user, person):
    """The person the object is about is the user (a conseiller's own attestation)."""
    return bool(person is not None and user.pk and getattr(person, "pk", None) == user.pk)


@rules.predicate
def is_programme_participant(user, programme):
    """A member of one of the programme's groups, or present at one of its séances (a former member)."""
    return bool(
        programme is not None
        and user.pk
        and (
            programme.groupes.filter(membres=user).exists()
            or programme.seances.filter(emargement__presents=user).exists()
        )
    )


is_programme_reader = (
    is_staff_member | (is_responsable & is_programme_responsable) | (is_prestataire & is_programme_prestataire)
)
is_programme_planner = is_staff_member | (is_prestataire & is_programme_prestataire)
is_programme_referent = is_responsable & is_programme_responsable
is_seance_facilitator = is_intervenant & is_seance_intervenant
is_seance_participant = is_conseiller & is_seance_member

# -- Role level: lists and menus ------------------------------------------------------------------
# Staff create a programme from a convention.
rules.add_perm("seances.manage_programme", is_staff_member)
# The list of programmes (each then by `seances.view_programme`).
rules.add_perm("seances.view_board", is_staff_member | is_responsable | is_prestataire)
# One's own séances and convocations: conseillers and intervenants.
rules.add_perm("seances.view_own", is_conseiller | is_intervenant)
# One's séances are the ones one facilitates (the intervenant's wording of the pages).
rules.add_perm("seances.facilitate", is_intervenant)
# The group's confidentiality charter: the conseillers accept it.
rules.add_perm("seances.accept_charte", is_conseiller)

# -- On the object ---------------------------------------------------------------------------------
# A programme, its board: staff, its référent responsable, its prestataire's accounts.
rules.add_perm("seances.view_programme", is_programme_reader)
# A group: who reads its programme, and its members.
rules.add_perm("seances.view_groupe", is_programme_reader | (is_conseiller & is_groupe_member))
# Renew a programme for the next year by an avenant, or decide not to and start a new call: staff.
rules.add_perm("seances.renew_programme", is_staff_member)
# A programme's sites, sub-groups and members: staff.
rules.add_perm("seances.manage_groupe", is_staff_member)
# A séance: who reads its programme, its intervenant, the members of its group.
rules.add_perm("seances.view_seance", is_programme_reader | is_seance_facilitator | is_seance_participant)
# The invitation (.ics) of a séance one attends: its intervenant, a member of its group once it is decided.
rules.add_perm("seances.attend_seance", (is_seance_participant & is_seance_decided) | is_seance_facilitator)
# Propose, move, run the planner (a programme or one of its séances): its prestataire, staff.
rules.add_perm("seances.plan_programme", is_programme_planner)
# Move one séance (the board's « Déplacer »): its programme's planners, while it may still move.
rules.add_perm("seances.move_seance", is_programme_planner & is_seance_movable)
# Validate a séance or the whole planning, ask for a change: the programme's référent responsable only.
rules.add_perm("seances.validate_seance", is_programme_referent)
# Attendance and the anonymous compte rendu of a séance: its intervenant, or its programme's prestataire.
rules.add_perm("seances.record_seance", is_seance_facilitator | (is_prestataire & is_programme_prestataire))
# Named attendance is billing proof: the séance's recorders and staff, never the responsable.
rules.add_perm(
    "seances.view_attendance", is_staff_member | is_seance_facilitator | (is_prestataire & is_programme_prestataire)
)
# Cancel a séance (with who and why): staff or its programme's prestataire.
rules.add_perm("seances.cancel_seance", is_programme_planner)
# Billing: staff issue statements, decide billable cancellations, mark paid.
rules.add_perm("seances.manage_billing", is_staff_member)
# A programme's statements and cancellations, one statement: staff and the programme's prestataire.
rules.add_perm("seances.view_statements", is_programme_planner)
rules.add_perm("seances.view_releve", is_programme_planner)
# Give feedback on a séance held, from one's own link (issue 20): the conseiller it was made for.
rules.add_perm("seances.give_feedback", is_conseiller & is_feedback_addressee)
# A programme's follow-up dashboard (counts and amounts, never comptes rendus): staff, its référent.
rules.add_perm("seances.view_dashboard", is_staff_member | is_programme_referent)

# -- The provider's review (issue 20): staff write it; the programme's prestataire reads it once shared -----
# Open a programme's review: staff.
rules.add_perm("seances.open_revue", is_staff_member)
# Read a review (its page, its PDF): staff; the programme's prestataire once it is shared, never another one.
rules.add_perm("seances.view_revue", is_staff_member | (is_prestataire & is_programme_prestataire & is_revue_shared))
# Write the assessment, share it: staff, while it is a draft (shared = frozen).
rules.add_perm("seances.change_revue", is_staff_member & is_revue_draft)
# Answer it, once: the programme's prestataire, while it is shared and not answered nor closed.
rules.add_perm("seances.answer_revue", is_prestataire & is_programme_prestataire & is_revue_awaiting_answer)
# Close it: staff, once shared (the service says when: answered, or the answer's delay over).
rules.add_perm("seances.close_revue", is_staff_member & is_revue_open)


# -- The statement as an invoice (issue 20) ----------------------------------------------------------
# Invoice an issued statement (generate or upload its Factur-X): the programme's prestataire only.
rules.add_perm("seances.invoice_releve", is_prestataire & is_programme_prestataire)
# A statement's invoice, beside the statement: staff and the programme's prestataire.
rules.add_perm("seances.view_facture", is_programme_planner)

# -- Participation certificates (issue 20) -----------------------------------------------------------
# A conseiller's yearly attestation (the object is the conseiller): the conseiller, staff; no one else.
rules.add_perm("seances.view_certificate", is_staff_member | (is_conseiller & is_same_person))
# One's own attestation of a programme year: a conseiller of its groups (or present at one of its séances).
rules.add_perm("seances.view_own_certificate", is_conseiller & is_programme_participant)
# Issue a programme's attestations in bulk for the HR training records: staff.
rules.add_perm("seances.issue_certificates", is_staff_member)
