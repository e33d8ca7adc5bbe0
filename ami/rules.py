"""Permissions of the AMI app (role-level; selectors scope objects and answer 404)."""

import rules

from mlhg_app.rules import is_evaluateur, is_prestataire, is_staff_member

# A prestataire's portal: its organisation, its dossiers, its files and receipts.
rules.add_perm("ami.use_portal", is_prestataire)
# MLHG staff: the dossiers that arrived, their PDF and ZIP once the deadline has passed.
rules.add_perm("ami.manage_dossiers", is_staff_member)
# Reading a dossier's content (staff; evaluators assigned to the AMI) — sealed until the deadline.
rules.add_perm("ami.read_dossiers", is_staff_member | is_evaluateur)
# Downloading a dossier's file: its organisation, staff, assigned evaluators after the deadline.
rules.add_perm("ami.download_fichier", is_prestataire | is_staff_member | is_evaluateur)
# The committee: an evaluator's own grids (assignment, conflicts: selectors answer 404).
rules.add_perm("ami.evaluate", is_evaluateur)
# MLHG staff run the selection: eligibility, committee, results, decision, letters, convention, archive.
rules.add_perm("ami.manage_selection", is_staff_member)
# A letter or the convention: staff, or the candidate's own organisation once sent (selectors scope).
rules.add_perm("ami.view_notification", is_staff_member | is_prestataire)
