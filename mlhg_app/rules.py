"""Role predicates shared by every app, and the foundation's permissions.

Each view declares one permission (see `mlhg_app.access`); the permissions
are built here from role predicates. Permissions on an object (a dossier, a
séance) are declared in each app's `rules.py` as predicates over the object.
"""

import rules

from mlhg_app.models import STRUCTURE_ROLES, User
from mlhg_app.structures import current_structure


def _has_role(role):
    """The role; for a staff-side role (STRUCTURE_ROLES), in the structure the request works for too: a
    structure's people act only in their own (outside any structure's scope, the role alone)."""
    own_structure_only = role in STRUCTURE_ROLES

    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        if not (user and user.is_authenticated and user.is_active and user.role == role):
            return False
        if own_structure_only:
            structure = current_structure()
            return structure is None or user.structure_id == structure.pk
        return True

    return predicate


is_staff_member = _has_role(User.Role.STAFF)
is_evaluateur = _has_role(User.Role.EVALUATEUR)
is_responsable = _has_role(User.Role.RESPONSABLE)
is_prestataire = _has_role(User.Role.PRESTATAIRE)
is_intervenant = _has_role(User.Role.INTERVENANT)
is_conseiller = _has_role(User.Role.CONSEILLER)


@rules.predicate
def is_logged_in(user):
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_technical_superuser(user):
    """The Django admin's only users (mlhg_app/admin_site.py): active superusers."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff and user.is_superuser)


# The account pages (password change, personal home).
rules.add_perm("mlhg_app.use_account", is_logged_in)
# The MLHG's reference data (sites) as a read-only page for MLHG people.
rules.add_perm("mlhg_app.view_antennes", is_staff_member | is_responsable | is_evaluateur)
# Two-factor authentication (TOTP): staff and evaluators may enable it.
rules.add_perm("mlhg_app.use_two_factor", is_staff_member | is_evaluateur)
# The history of an object (who changed what, when): MLHG staff, read-only.
rules.add_perm("mlhg_app.view_history", is_staff_member)
# The link to the technical console (the Django admin) in the menu: superusers only, never staff's navigation
# (the admin site decides who gets in: mlhg_app/admin_site.py).
rules.add_perm("mlhg_app.open_admin", is_technical_superuser)
# Slow exports made by a job (the rapport d'analyse, the AMI's archive): staff, each their own.
rules.add_perm("mlhg_app.view_exports", is_staff_member)


@rules.predicate
def uploaded_the_import(user, people_import):
    return people_import is not None and people_import.importe_par_id == user.pk


# A site's edit page (name, address, display order, days without séances): MLHG staff only; the list is
# `view_antennes`.
rules.add_perm("mlhg_app.edit_antennes", is_staff_member)
# The directory of people and its HR import (DESIGN.md §1: staff run the people): MLHG staff only.
rules.add_perm("mlhg_app.manage_people", is_staff_member)
# An uploaded HR file, its preview and its result: the staff member who uploaded it.
rules.add_perm("mlhg_app.import_people", is_staff_member & uploaded_the_import)
