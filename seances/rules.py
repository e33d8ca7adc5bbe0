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
# After the séance: attendance and the anonymous compte rendu (an intervenant: only their own séances).
rules.add_perm("seances.record", is_intervenant | is_prestataire)
# Named attendance is billing proof: the prestataire's side and staff, never the responsable.
rules.add_perm("seances.view_attendance", is_staff_member | is_prestataire | is_intervenant)
# Cancelling a séance: MLHG staff or the prestataire (with who and why).
rules.add_perm("seances.cancel", is_staff_member | is_prestataire)
# Billing: staff issue statements, decide billable cancellations, mark paid; the prestataire reads its own.
rules.add_perm("seances.manage_billing", is_staff_member)
rules.add_perm("seances.view_statements", is_staff_member | is_prestataire)
# The follow-up dashboard (counts and amounts, never comptes rendus).
rules.add_perm("seances.view_dashboard", is_staff_member | is_responsable)
