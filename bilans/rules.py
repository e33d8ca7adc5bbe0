"""Permissions of the bilans (role-level; `bilans.services.bilans_visible_to` scopes to the user's bilans,
and keeps drafts from everyone but their prestataire)."""

import rules

from mlhg_app.rules import is_prestataire, is_responsable, is_staff_member

# The list of bilans, a bilan's page, its versions and charts, its PDF exports.
rules.add_perm("bilans.view", is_prestataire | is_responsable | is_staff_member)
# Open, write, remettre the bilan, reply to comments: the prestataire.
rules.add_perm("bilans.write", is_prestataire)
# Comment and validate: the responsable de secteur.
rules.add_perm("bilans.review", is_responsable)
# The réunion de bilan (date, .ics, minutes): the prestataire and the responsable.
rules.add_perm("bilans.meet", is_prestataire | is_responsable)
# The anonymity threshold k: MLHG staff.
rules.add_perm("bilans.set_threshold", is_staff_member)
