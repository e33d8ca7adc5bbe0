"""Permissions of the bilans.

`bilans.view` opens the list; object permissions are predicates over the bilan (or its version,
comment, export): the programme's prestataire writes it and alone reads its draft; the programme's
référent responsable alone comments and validates it; staff read it once remitted.
`bilans.selectors.bilans_visible_to` returns exactly the bilans `bilans.view_bilan` allows.
"""

import rules

from bilans.models import EXPORT_VERSION, Bilan
from mlhg_app.rules import is_prestataire, is_responsable, is_staff_member
from seances.rules import is_programme_prestataire, is_programme_reader, is_programme_responsable


def bilan_of(obj):
    while obj is not None and not isinstance(obj, Bilan):
        obj = getattr(obj, "version", None) or getattr(obj, "bilan", None)
    return obj


@rules.predicate
def is_remitted(user, obj):
    """Remitted at least once: no longer a draft only its prestataire reads."""
    bilan = bilan_of(obj)
    return bool(bilan is not None and bilan.status != "brouillon")


@rules.predicate
def is_version_export(user, export):
    """An export of a remitted version (a draft's export is its prestataire's). The export is a
    StoredExport given its `.bilan` and `.version` by `bilans.selectors.bilan_export_get`."""
    return bool(export is not None and export.kind == EXPORT_VERSION)


is_writer = is_prestataire & is_programme_prestataire
is_referent = is_responsable & is_programme_responsable

# The list of bilans (each then by `bilans.view_bilan`).
rules.add_perm("bilans.view", is_prestataire | is_responsable | is_staff_member)
# Writing bilans is the prestataires' part (the list's wording, the bilan to open).
rules.add_perm("bilans.write", is_prestataire)
# A bilan's page, its charts and PDF exports: its prestataire (drafts only them), its référent and staff once remitted.
rules.add_perm("bilans.view_bilan", is_writer | ((is_referent | is_staff_member) & is_remitted))
# One remitted version of it: the same readers.
rules.add_perm("bilans.view_version", is_writer | ((is_referent | is_staff_member) & is_remitted))
# Open (on the programme), write, remettre the bilan, reply to comments: the programme's prestataire.
rules.add_perm("bilans.write_bilan", is_writer)
# Comment and validate: the programme's référent responsable de secteur, once remitted.
rules.add_perm("bilans.review_bilan", is_referent & is_remitted)
# The réunion de bilan (date, .ics, minutes): the prestataire, and the référent once remitted.
rules.add_perm("bilans.meet", is_writer | (is_referent & is_remitted))
# An export's status and file: who reads the bilan, a remitted version's (a draft's: its prestataire).
rules.add_perm("bilans.view_export", is_writer | ((is_referent | is_staff_member) & is_remitted & is_version_export))
# The anonymity threshold k (on a programme): MLHG staff.
rules.add_perm("bilans.set_threshold", is_staff_member)
# The participants' feedback figures of a programme (issue 20): staff, its référent and its prestataire, the same figures.
rules.add_perm("bilans.view_feedback", is_programme_reader)
