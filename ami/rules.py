"""Permissions of the AMI app.

Role-level permissions open a page to a role (lists: the selectors scope them). Object permissions
are predicates over the object (pretalx style, `is_assigned_evaluator & has_declared_no_conflict`):
every view that handles a dossier, a file, a letter, a convention or an AMI checks one against the
object it loads, and the list selectors of `ami.selectors` return exactly the objects they allow
(tests/ami/test_rules_agreement.py). The seal: no content of a dossier before its AMI's deadline,
for anyone but its own organisation.
"""

import rules

from ami.models import AMI, Avenant, DepotCourriel, Dossier, Evaluation, Question
from ami.selectors import prestataire_of
from mlhg_app.rules import is_evaluateur, is_prestataire, is_staff_member

# -- predicates over the object ------------------------------------------------------------------


def _dossier(obj):
    """The dossier an object belongs to (a dossier, a file, a version, a grid, a letter, a convention)."""
    if obj is None:
        return None
    if isinstance(obj, Avenant):
        return obj.convention.dossier
    return obj if isinstance(obj, Dossier) else getattr(obj, "dossier", None)


def _ami(obj):
    if obj is None or isinstance(obj, AMI):
        return obj
    if isinstance(obj, DepotCourriel):
        return obj.ami
    dossier = _dossier(obj)
    return dossier.ami if dossier is not None else None


@rules.predicate
def is_own_organisation(user, obj) -> bool:
    """The object is of the user's own organisation's dossier."""
    dossier = _dossier(obj)
    prestataire = prestataire_of(user) if dossier is not None else None
    return bool(prestataire is not None and dossier.prestataire_id == prestataire.pk)


@rules.predicate
def deadline_passed(user, obj) -> bool:
    ami = _ami(obj)
    return bool(ami is not None and ami.is_past_deadline())


@rules.predicate
def is_submitted(user, obj) -> bool:
    """The dossier was submitted at least once (a never-submitted draft is its organisation's alone)."""
    dossier = _dossier(obj)
    return bool(dossier is not None and dossier.status != Dossier.Status.BROUILLON)


@rules.predicate
def is_recevable(user, obj) -> bool:
    dossier = _dossier(obj)
    return bool(dossier is not None and dossier.status == Dossier.Status.RECEVABLE)


@rules.predicate
def is_assigned_evaluator(user, obj) -> bool:
    """The user is an evaluator of the object's AMI."""
    ami = _ami(obj)
    return bool(ami is not None and is_evaluateur(user) and ami.evaluateurs.filter(pk=user.pk).exists())


def _declaration(user, obj):
    dossier = _dossier(obj)
    if dossier is None or not user.is_authenticated:
        return None
    return Evaluation.objects.filter(dossier=dossier, evaluateur=user).values_list("conflit", flat=True).first()


@rules.predicate
def has_declared_no_conflict(user, obj) -> bool:
    """The evaluator declared, for this dossier, that they have no conflict of interest."""
    return _declaration(user, obj) is False


@rules.predicate
def has_declared_conflict(user, obj) -> bool:
    return _declaration(user, obj) is True


@rules.predicate
def is_in_a_submitted_version(user, fichier) -> bool:
    return bool(fichier is not None and fichier.versions.exists())


@rules.predicate
def can_read_its_dossier(user, obj) -> bool:
    dossier = _dossier(obj)
    return bool(dossier is not None and user.has_perm("ami.read_dossier", dossier))


@rules.predicate
def is_own_grid(user, evaluation) -> bool:
    return bool(evaluation is not None and evaluation.evaluateur_id == user.pk)


@rules.predicate
def is_submitted_grid(user, evaluation) -> bool:
    return bool(evaluation is not None and evaluation.submitted_at is not None)


@rules.predicate
def is_grid_without_conflict(user, evaluation) -> bool:
    return bool(evaluation is not None and evaluation.conflit is False)


@rules.predicate
def has_submitted_own_grid(user, evaluation) -> bool:
    """The user submitted their own grid for the same dossier (then the others' submitted grids show)."""
    if evaluation is None:
        return False
    return Evaluation.objects.filter(
        dossier_id=evaluation.dossier_id, evaluateur=user, submitted_at__isnull=False
    ).exists()


@rules.predicate
def is_draft(user, obj) -> bool:
    """The AMI (or the question's AMI) is a draft, not yet published."""
    ami = obj.ami if isinstance(obj, Question) else _ami(obj)
    return bool(ami is not None and ami.status == AMI.Status.BROUILLON)


@rules.predicate
def is_unsealed_intake(user, depot) -> bool:
    """A dossier received by email still being typed (not sealed yet)."""
    return bool(isinstance(depot, DepotCourriel) and not depot.is_sealed)


@rules.predicate
def is_piece_of_an_intake_draft(user, fichier) -> bool:
    """A piece of a dossier received by email that staff are still typing (before its seal)."""
    dossier = _dossier(fichier)
    return bool(
        dossier is not None and dossier.canal == Dossier.Canal.COURRIEL and dossier.status == Dossier.Status.BROUILLON
    )


@rules.predicate
def is_sent(user, lettre) -> bool:
    return bool(lettre is not None and lettre.sent_at is not None)


# -- role-level permissions (pages and lists) -----------------------------------------------------

# A prestataire's portal: its organisation, its dossiers, its files and receipts.
rules.add_perm("ami.use_portal", is_prestataire)
# The menu's entry to the dossiers that arrived (staff; evaluators: those of their AMIs).
rules.add_perm("ami.read_dossiers", is_staff_member | is_evaluateur)
# The committee: an evaluator's own grids.
rules.add_perm("ami.evaluate", is_evaluateur)
# MLHG staff run the selection: eligibility, committee, results, decision, letters, convention, archive.
rules.add_perm("ami.manage_selection", is_staff_member)

# -- object permissions ---------------------------------------------------------------------------

# A dossier's existence and status: its organisation; staff once submitted; the AMI's evaluators once
# submitted, unless they declared a conflict of interest on it.
rules.add_perm(
    "ami.view_dossier",
    is_own_organisation
    | (is_staff_member & is_submitted)
    | (is_assigned_evaluator & is_submitted & ~has_declared_conflict),
)
# A dossier's content (its versions, PDF, files): its organisation; staff after the deadline, submitted
# dossiers only; an evaluator of the AMI after the deadline, once recevable and no conflict declared.
rules.add_perm(
    "ami.read_dossier",
    is_own_organisation
    | (is_staff_member & deadline_passed & is_submitted)
    | (is_assigned_evaluator & deadline_passed & is_recevable & has_declared_no_conflict),
)
# The organisation edits, submits, withdraws its own dossier and reads its receipts.
rules.add_perm("ami.change_dossier", is_own_organisation)
# An evaluator declares on, then scores, a dossier: assigned, after the deadline, recevable, no conflict.
rules.add_perm("ami.evaluate_dossier", is_assigned_evaluator & deadline_passed & is_recevable & ~has_declared_conflict)
# A file: its organisation's; for the others, a file of a submitted version of a dossier they may read.
rules.add_perm(
    "ami.view_fichier",
    is_own_organisation
    | (can_read_its_dossier & is_in_a_submitted_version)
    | (is_staff_member & is_piece_of_an_intake_draft),
)
# A grid: its evaluator's own; staff; the other evaluators once they submitted theirs (no conflict).
rules.add_perm(
    "ami.view_evaluation",
    is_own_grid | is_staff_member | (is_submitted_grid & is_grid_without_conflict & has_submitted_own_grid),
)
# An evaluator's own grid, while not submitted, once no conflict is declared.
rules.add_perm("ami.change_evaluation", is_own_grid & ~is_submitted_grid & is_grid_without_conflict)
# A letter: staff (drafts included); the candidate's own organisation once sent.
rules.add_perm("ami.view_lettre", is_staff_member | (is_own_organisation & is_sent))
rules.add_perm("ami.change_lettre", is_staff_member)  # a sent letter: the service refuses in French
# The convention and its avenants: staff; the retained candidate's organisation.
rules.add_perm("ami.view_convention", is_staff_member | is_own_organisation)
# Staff send the convention (or an avenant) for signature, and establish avenants.
rules.add_perm("ami.send_convention", is_staff_member)
rules.add_perm("ami.amend_convention", is_staff_member)
# The signed copy is uploaded by either side: staff, or the retained organisation's accounts.
rules.add_perm("ami.sign_convention", is_staff_member | is_own_organisation)
# The dossiers received by email (seed §7.3): staff record them, see the message (.eml, evidence), and type
# them until sealed.
rules.add_perm("ami.record_intake", is_staff_member)
rules.add_perm("ami.view_intake", is_staff_member)
rules.add_perm("ami.change_intake", is_staff_member & is_unsealed_intake)
# The AMI's decision and its history: staff.
rules.add_perm("ami.view_decision", is_staff_member)
# The dossiers received for an AMI (existence and status): staff; the AMI's evaluators.
rules.add_perm("ami.list_dossiers", is_staff_member | is_assigned_evaluator)
# An AMI's own page for staff (its history): staff.
rules.add_perm("ami.view_ami", is_staff_member)
# Correct a published AMI (a rectificatif postpones its deadline; the service refuses an earlier one).
rules.add_perm("ami.rectify_ami", is_staff_member)
# Start or reopen the organisation's candidature to a public AMI (the page says when it is closed).
rules.add_perm("ami.apply_ami", is_prestataire)
# The archive of an AMI (every dossier's content): staff, after the deadline only.
rules.add_perm("ami.archive_ami", is_staff_member & deadline_passed)

# -- authoring, rectificatifs, questions ------------------------------------------------------------

# The AMIs' authoring pages (drafts included) and creating an AMI: staff.
rules.add_perm("ami.author_ami", is_staff_member)
# Edit a draft's fields, text, criteria and calendar; publish it: staff, while it is a draft.
rules.add_perm("ami.change_ami", is_staff_member & is_draft)
rules.add_perm("ami.publish_ami", is_staff_member & is_draft)
# See an AMI (a draft too) as a visitor will see it: staff.
rules.add_perm("ami.preview_ami", is_staff_member)
# Ask a question on an AMI: a candidate organisation's account (the service refuses after the question deadline).
rules.add_perm("ami.ask_question", is_prestataire)
# The questions with who asked, their answers and their publication: staff.
rules.add_perm("ami.manage_questions", is_staff_member)
rules.add_perm("ami.answer_question", is_staff_member)
