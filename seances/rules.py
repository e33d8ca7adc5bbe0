"""Permissions of the séances (role-level; selectors scope to the user's programme, group or site)."""

import rules

from mlhg_app.rules import is_conseiller, is_intervenant, is_prestataire, is_responsable, is_staff_member

# Staff set up the programme: intervenants, windows, sites and sub-groups, members.
rules.add_perm("seances.manage_programme", is_staff_member)
# The planning board: sites × windows and the calendar.
rules.add_perm("seances.view_board", is_staff_member | is_responsable | is_prestataire)
# Propose, move, run the planner: the prestataire (and staff).
rules.add_perm("seances.plan", is_prestataire | is_staff_member)
# Validate the planning, or ask for a change: the responsable de secteur.
rules.add_perm("seances.validate", is_responsable)
# One's own séances and convocations: conseillers and intervenants.
rules.add_perm("seances.view_own", is_conseiller | is_intervenant)
