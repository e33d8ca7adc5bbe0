"""One state function per stateful model (Seance, Bilan, Convention): its transition table, its refusals,
its no-op, the history it records, and no other code that changes a status behind it."""

import ast
import datetime
import pathlib
import re

import pytest
import time_machine
from django.core import mail

from ami.models import Convention
from ami.services.convention import TRANSITIONS as CONVENTION_TRANSITIONS
from ami.services.convention import convention_set_state
from bilans.models import Bilan, BilanVersion
from bilans.services.review import bilan_validate, comment_add
from bilans.services.state import TRANSITIONS as BILAN_TRANSITIONS
from bilans.services.state import bilan_set_state
from bilans.services.writing import bilan_remettre
from mlhg_app.refusals import Refused
from seances.models import Emargement, Seance
from seances.services.attendance import attendance_record
from seances.services.board import seance_set_state
from seances.services.state import TRANSITIONS as SEANCE_TRANSITIONS
from tests.factories import (
    AMIFactory,
    BilanFactory,
    BilanVersionFactory,
    CommentaireFactory,
    ConventionFactory,
    DecisionFactory,
    DossierFactory,
    EmargementFactory,
)
from tests.seances_world import build_programme

ROOT = pathlib.Path(__file__).resolve().parent.parent
S = Seance.Status
B = Bilan.Status
AFTER_SEANCE = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=datetime.UTC)  # a week after 13/10/2026
TEXTS = {
    "thematiques": "La charge émotionnelle revient dans la plupart des groupes.",
    "attention": "Prévoir un temps d'échange en équipe après un incident.",
    "preconisations": "Garder des séances de deux heures.",
}


@pytest.fixture
def programme(users):
    return build_programme(users)


def _seance(programme, status) -> Seance:
    """The programme's séance of Tuesday 13 October 2026, in `status`, with its attendance recorded."""
    seance = programme.seances.get()
    Seance.objects.filter(pk=seance.pk).update(status=status)  # test set-up only
    EmargementFactory(seance=seance)  # recorded by the séance's intervenant
    seance.refresh_from_db()
    return seance


def _history_rows(obj) -> int:
    return obj.history.count()


def _last(obj):
    """The latest history row (by id: frozen clocks make dates unreliable)."""
    return obj.history.order_by("-history_id").first()


def _assert_refused(capture, set_state, refusal, message, **kwargs):
    """`set_state(**kwargs)` raises `refusal` with `message`, and writes no history row and sends no email."""
    obj = next(iter(kwargs.values()))
    was, before = obj.status, _history_rows(obj)
    with capture(execute=True), pytest.raises(refusal) as refused:
        set_state(**kwargs)
    assert str(refused.value) == message
    obj.refresh_from_db()
    assert (obj.status, _history_rows(obj), mail.outbox) == (was, before, [])


def _assert_no_op(capture, set_state, **kwargs):
    """`set_state(**kwargs)` to the current status returns False: no history row, no callback, no email."""
    obj = next(iter(kwargs.values()))
    before = _history_rows(obj)
    with capture(execute=True) as callbacks:
        assert set_state(**kwargs) is False
    assert (_history_rows(obj), callbacks, mail.outbox) == (before, [], [])


# -- Seance ---------------------------------------------------------------------------------------

SEANCE_PAIRS = sorted((a, b) for a, targets in SEANCE_TRANSITIONS.items() for b in targets)


def test_the_seance_table_is_the_design_life():
    assert SEANCE_TRANSITIONS == {
        S.PROPOSEE: {S.VALIDEE, S.ANNULEE},
        S.VALIDEE: {S.CONVOQUEE, S.PROPOSEE, S.REALISEE, S.ANNULEE, S.REPORTEE},
        S.CONVOQUEE: {S.PROPOSEE, S.REALISEE, S.ANNULEE, S.REPORTEE},
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("was", "becomes"), SEANCE_PAIRS)
def test_every_allowed_seance_transition_records_a_history_row_with_who(
    programme, users, was, becomes, django_capture_on_commit_callbacks
):
    seance = _seance(programme, was)
    before = _history_rows(seance)
    by = users["responsable"]
    with time_machine.travel(AFTER_SEANCE, tick=False), django_capture_on_commit_callbacks() as callbacks:
        assert seance_set_state(seance=seance, status=becomes, by=by, motif="Essai") is True
    seance.refresh_from_db()
    assert seance.status == becomes
    assert _history_rows(seance) == before + 1
    last = _last(seance)
    assert (last.status, last.history_user, last.history_change_reason) == (becomes, by, "Essai")
    if becomes == S.VALIDEE:
        assert (seance.validated_by, seance.validated_at) == (by, AFTER_SEANCE)
    with time_machine.travel(AFTER_SEANCE, tick=False):
        for callback in callbacks:
            callback()
    subjects = {m.subject for m in mail.outbox}
    if becomes == S.VALIDEE:  # the convocations leave after commit
        assert subjects == {
            "Convocation : analyse de pratiques professionnelles le mardi 13 octobre 2026 à 9\xa0h\xa030"
        }
    elif was == S.CONVOQUEE and becomes in (S.ANNULEE, S.REPORTEE):  # the calendars' cancellation
        assert subjects == {
            "Séance annulée : analyse de pratiques professionnelles du mardi 13 octobre 2026 à 9\xa0h\xa030"
        }
    else:
        assert subjects == set()


@pytest.mark.django_db
def test_validation_convokes_the_seance_after_commit(programme, users, django_capture_on_commit_callbacks):
    seance = _seance(programme, S.PROPOSEE)
    with django_capture_on_commit_callbacks(execute=True):
        seance_set_state(seance=seance, status=S.VALIDEE, by=users["responsable"])
    seance.refresh_from_db()
    assert seance.status == S.CONVOQUEE
    assert [h.status for h in seance.history.order_by("history_id")][-2:] == [S.VALIDEE, S.CONVOQUEE]
    assert len(mail.outbox) == 2  # the member of the group and the intervenant


# -- hole 11: réalisée only on a past weekday, outside summer and holidays, with its attendance --------


def _moved_to(seance, day):
    Seance.objects.filter(pk=seance.pk).update(date=day)  # test set-up only
    seance.refresh_from_db()


def _realisee_refused(seance, now) -> str:
    """Setting `seance` réalisée at `now` is refused: the refusal's message, the séance still convoquée."""
    with time_machine.travel(now, tick=False), pytest.raises(Refused) as refused:
        seance_set_state(seance=seance, status=S.REALISEE)
    seance.refresh_from_db()
    assert seance.status == S.CONVOQUEE
    return str(refused.value)


@pytest.mark.django_db
def test_hole_11_a_seance_becomes_realisee_only_on_a_past_weekday_with_its_attendance(programme, users):
    seance = programme.seances.get()
    # The admin's attack: Saturday 14 August, no attendance recorded.
    _moved_to(seance, datetime.date(2027, 8, 14))
    assert _realisee_refused(seance, datetime.datetime(2027, 9, 1, 10, 0, tzinfo=datetime.UTC)) == (
        "Cette séance ne peut pas être enregistrée comme réalisée : le samedi 14 août 2027 tombe un week-end ; "
        "aucune séance n'a lieu en juillet ni en août ; son émargement n'est pas saisi."
    )

    # A public holiday (Wednesday 11 November 2026) and a date still to come.
    _moved_to(seance, datetime.date(2026, 11, 11))
    EmargementFactory(seance=seance, recorded_by=users["intervenant"])
    assert _realisee_refused(seance, datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)) == (
        "Cette séance ne peut pas être enregistrée comme réalisée : elle est prévue le mercredi 11 novembre 2026, "
        "une date à venir ; le mercredi 11 novembre 2026 est un jour férié."
    )

    # A past weekday with its attendance: réalisée.
    _moved_to(seance, datetime.date(2026, 10, 13))
    with time_machine.travel(AFTER_SEANCE, tick=False):
        assert seance_set_state(seance=seance, status=S.REALISEE) is True
    seance.refresh_from_db()
    assert seance.status == S.REALISEE


@pytest.mark.django_db
def test_hole_11_attendance_on_a_weekend_seance_is_refused_and_nothing_is_recorded(programme, users):
    seance = programme.seances.get()
    _moved_to(seance, datetime.date(2026, 10, 17))  # a Saturday
    with time_machine.travel(AFTER_SEANCE, tick=False), pytest.raises(Refused) as refused:
        attendance_record(seance=seance, user=users["intervenant"], presents=[users["conseiller"]])
    assert str(refused.value) == (
        "Cette séance ne peut pas être enregistrée comme réalisée : le samedi 17 octobre 2026 tombe un week-end."
    )
    seance.refresh_from_db()
    assert seance.status == S.CONVOQUEE
    assert not Emargement.objects.filter(seance=seance).exists()


@pytest.mark.django_db
def test_recording_attendance_sets_realisee_with_the_recorder_in_the_history(programme, users):
    seance = programme.seances.get()
    with time_machine.travel(AFTER_SEANCE, tick=False):
        attendance_record(seance=seance, user=users["intervenant"], presents=[users["conseiller"]])
    seance.refresh_from_db()
    last = _last(seance)
    assert (seance.status, last.history_user, last.history_change_reason) == (
        S.REALISEE,
        users["intervenant"],
        "Émargement saisi",
    )


# -- Bilan ----------------------------------------------------------------------------------------


@pytest.fixture
def bilan(programme):
    return BilanFactory(programme=programme, echeance=datetime.date(2027, 6, 30), **TEXTS)


def _version(bilan, user, *, commented_by=None) -> BilanVersion:
    numero = bilan.versions.count() + 1
    version = BilanVersionFactory(bilan=bilan, numero=numero, remis_par=user, **TEXTS)
    if commented_by is not None:
        CommentaireFactory(version=version, section="attention", texte="À préciser.", auteur=commented_by)
    return version


def _bilan_in(bilan, status, users) -> Bilan:
    """Set `bilan` up in `status`, with the versions and comments that status implies (test set-up)."""
    if status != B.BROUILLON:
        _version(bilan, users["prestataire"], commented_by=users["responsable"] if status == B.COMMENTE else None)
    Bilan.objects.filter(pk=bilan.pk).update(status=status)
    bilan.refresh_from_db()
    return bilan


def test_the_bilan_table_is_the_design_life():
    assert BILAN_TRANSITIONS == {
        B.BROUILLON: {B.REMIS},
        B.REMIS: {B.COMMENTE, B.VALIDE},
        B.COMMENTE: {B.REMIS, B.VALIDE},
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("was", "becomes", "emailed"),
    [
        (B.BROUILLON, B.REMIS, "responsable"),
        (B.REMIS, B.COMMENTE, None),
        (B.REMIS, B.VALIDE, "prestataire"),
        (B.COMMENTE, B.REMIS, "responsable"),
        (B.COMMENTE, B.VALIDE, "prestataire"),
    ],
)
def test_every_allowed_bilan_transition_records_a_history_row_with_who(
    bilan, users, was, becomes, emailed, django_capture_on_commit_callbacks
):
    bilan = _bilan_in(bilan, was, users)
    by = users["responsable"] if becomes in (B.COMMENTE, B.VALIDE) else users["prestataire"]
    if was == B.BROUILLON or (was, becomes) == (B.COMMENTE, B.REMIS):
        _version(bilan, users["prestataire"])  # the remise froze a new version
    if (was, becomes) == (B.REMIS, B.COMMENTE):
        CommentaireFactory(version=bilan.versions.get(), auteur=users["responsable"])
    before = _history_rows(bilan)
    with django_capture_on_commit_callbacks(execute=True):
        assert bilan_set_state(bilan=bilan, status=becomes, by=by) is True
    bilan.refresh_from_db()
    assert bilan.status == becomes
    assert _history_rows(bilan) == before + 1
    assert (_last(bilan).status, _last(bilan).history_user) == (becomes, by)
    assert [m.to for m in mail.outbox] == ([[users[emailed].email]] if emailed else [])
    if becomes == B.VALIDE:
        assert bilan.valide_par == by and bilan.valide_le is not None


@pytest.mark.django_db
def test_the_bilan_workflow_goes_through_the_state_function(bilan, users, django_capture_on_commit_callbacks):
    prestataire, responsable = users["prestataire"], users["responsable"]
    with django_capture_on_commit_callbacks(execute=True):
        bilan_remettre(bilan=bilan, user=prestataire)
        comment_add(bilan=bilan, user=responsable, section="attention", texte="À préciser.")
        comment_add(bilan=bilan, user=responsable, section="thematiques", texte="Et ceci.")
        bilan_remettre(bilan=bilan, user=prestataire)
        bilan_validate(bilan=bilan, user=responsable)
    changes = [(h.status, h.history_user) for h in bilan.history.order_by("history_id")][1:]
    # The second comment leaves the bilan « commenté »: no history row for it.
    assert changes == [
        (B.REMIS, prestataire),
        (B.COMMENTE, responsable),
        (B.REMIS, prestataire),
        (B.VALIDE, responsable),
    ]
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count(f"Bilan annuel {bilan.annee} remis par {bilan.programme.prestataire}") == 2
    assert subjects.count(f"Bilan annuel {bilan.annee} validé") == 1


# -- Seance and Bilan: refusals and no-ops ----------------------------------------------------------

FORBIDDEN = [
    ("seance", S.REALISEE, S.ANNULEE, "Une séance « réalisée » ne peut pas devenir « annulée »."),
    ("seance", S.PROPOSEE, S.REALISEE, "Une séance « proposée » ne peut pas devenir « réalisée »."),
    ("seance", S.ANNULEE, S.CONVOQUEE, "Une séance « annulée » ne peut pas devenir « convoquée »."),
    ("seance", S.REPORTEE, S.VALIDEE, "Une séance « reportée » ne peut pas devenir « validée »."),
    ("bilan", B.VALIDE, B.BROUILLON, "Le bilan est validé : il ne peut pas devenir brouillon."),
    ("bilan", B.BROUILLON, B.VALIDE, "Le bilan est brouillon : il ne peut pas devenir validé."),
    ("bilan", B.COMMENTE, B.REMIS, "Remettre le bilan, c'est en remettre une nouvelle version : la dernière est déjà commentée."),
    ("bilan", B.REMIS, B.COMMENTE, "La dernière version remise n'a aucun commentaire."),
]  # fmt: skip


def _in_status(request, kind, status, users):
    """The programme's séance (asked by staff) or its bilan (asked by the responsable) in `status`: the object,
    its state function and who asks."""
    if kind == "seance":
        return _seance(request.getfixturevalue("programme"), status), seance_set_state, users["staff"]
    return _bilan_in(request.getfixturevalue("bilan"), status, users), bilan_set_state, users["responsable"]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "was", "becomes", "message"), FORBIDDEN)
def test_a_forbidden_transition_is_refused_in_french_and_changes_nothing(
    request, users, kind, was, becomes, message, django_capture_on_commit_callbacks
):
    obj, set_state, by = _in_status(request, kind, was, users)
    _assert_refused(
        django_capture_on_commit_callbacks, set_state, Refused, message, **{kind: obj}, status=becomes, by=by
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "status"), [("seance", s) for s in S] + [("bilan", b) for b in B])
def test_a_seance_or_a_bilan_set_to_its_own_status_is_a_no_op(
    request, users, kind, status, django_capture_on_commit_callbacks
):
    obj, set_state, by = _in_status(request, kind, status, users)
    _assert_no_op(django_capture_on_commit_callbacks, set_state, **{kind: obj}, status=status, by=by)


# -- Convention -----------------------------------------------------------------------------------


@pytest.fixture
def convention(users):
    ami = AMIFactory(reference="ami-etats", titre="AMI des états")
    dossier = DossierFactory(ami=ami)
    sent = datetime.datetime(2026, 6, 20, 10, 0, tzinfo=datetime.UTC)
    decision = DecisionFactory(
        ami=ami, dossier=dossier, decided_by=users["staff"], decided_at=sent, letters_sent_at=sent
    )
    return ConventionFactory(
        decision=decision, numero="CONV-APP-2026-ETATS", signable_from=sent + datetime.timedelta(days=11)
    )


def test_the_convention_table_is_its_life():
    assert CONVENTION_TRANSITIONS == {
        Convention.Status.ETABLIE: {Convention.Status.ENVOYEE},
        Convention.Status.ENVOYEE: {Convention.Status.SIGNEE},
    }


@pytest.mark.django_db
def test_a_convention_is_signed_once_with_who_and_when_after_the_standstill(convention, users):
    staff = users["staff"]
    assert convention.status == Convention.Status.ETABLIE
    with pytest.raises(Refused) as refused:
        convention_set_state(convention=convention, status=Convention.Status.SIGNEE, by=staff)
    assert str(refused.value) == "La convention est établie : elle ne peut pas devenir signée."
    sent = datetime.datetime(2026, 6, 24, 10, 0, tzinfo=datetime.UTC)
    assert convention_set_state(convention=convention, status=Convention.Status.ENVOYEE, by=staff, now=sent)
    assert (convention.status, convention.sent_at, convention.sent_by) == (Convention.Status.ENVOYEE, sent, staff)
    before = _history_rows(convention)
    early = datetime.datetime(2026, 6, 25, 10, 0, tzinfo=datetime.UTC)
    with pytest.raises(Refused) as refused:
        convention_set_state(convention=convention, status=Convention.Status.SIGNEE, by=staff, now=early)
    assert str(refused.value) == (
        "La convention ne peut être signée qu'à partir du 1er juillet 2026 à 12\xa0h\xa000, à la fin du délai de suspension."
    )
    assert _history_rows(convention) == before

    signed = datetime.datetime(2026, 7, 2, 9, 0, tzinfo=datetime.UTC)
    assert convention_set_state(convention=convention, status=Convention.Status.SIGNEE, by=staff, now=signed)
    convention.refresh_from_db()
    assert (convention.status, convention.signed_at) == (Convention.Status.SIGNEE, signed)
    assert _history_rows(convention) == before + 1
    assert _last(convention).history_user == staff

    # Signing again is a no-op; a signed convention cannot go back.
    assert convention_set_state(convention=convention, status=Convention.Status.SIGNEE, by=staff) is False
    assert _history_rows(convention) == before + 1
    with pytest.raises(Refused) as refused:
        convention_set_state(convention=convention, status=Convention.Status.ETABLIE, by=staff)
    assert str(refused.value) == "La convention est signée : elle ne peut pas devenir établie."
    assert mail.outbox == []


# -- nothing else changes these statuses ------------------------------------------------------------

CODE_DIRS = ["ami", "seances", "bilans", "mlhg_app", "bench"]
# Other models' statuses (stored exports' progress; the AMI and the dossier have their own state functions).
OTHER_STATUS_MODELS = {"StoredExport", "AMI", "Dossier"}
STATE_MODULES = {"seances/services/state.py", "bilans/services/state.py", "ami/services/convention.py"}


def _code_files():
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _root_name(node) -> str:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def test_no_code_updates_a_seance_bilan_or_convention_status_behind_its_state_function():
    """`.update(status=…)` and `bulk_update(…, ["status"])` skip the history and the rules."""
    found = []
    for path in _code_files():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if node.func.attr == "update" and any(k.arg and "status" in k.arg for k in node.keywords):
                if _root_name(node.func.value) not in OTHER_STATUS_MODELS:
                    found.append(where)
            if node.func.attr == "bulk_update" and "status" in ast.unparse(node):
                found.append(where)
    assert found == []


def test_only_the_state_functions_assign_a_seance_or_bilan_status():
    assignment = re.compile(r"\b(\w+)\.status\s*=[^=]")
    found = []
    for path in _code_files():
        relative = str(path.relative_to(ROOT))
        if relative in STATE_MODULES:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = assignment.search(line)
            if match and match.group(1) in {"seance", "bilan", "convention", "s", "b"}:
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []
