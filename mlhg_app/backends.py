"""The permission backend: the permissions declared with django-rules are answered by their rules alone.

Django asks each backend in turn until one says yes. With rules' ObjectPermissionBackend first, a rule's
« no » fell through to ModelBackend, which reads the user's and groups' permissions (two queries per user
and request) for permissions nobody grants in the database. Here a declared rule's answer is final
(`PermissionDenied` stops Django's loop); any other permission (Django's own model permissions) still goes
on to ModelBackend. Active superusers pass before any backend is asked (`User.has_perm`): the admin
console is unchanged.
"""

import rules
from django.core.exceptions import PermissionDenied


class RulesPermissionBackend:
    """Answers only permissions that a `rules.add_perm` declares; authenticates nobody."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        if not rules.perm_exists(perm):
            return False  # not ours: the next backend answers
        if rules.has_perm(perm, user, obj):
            return True
        raise PermissionDenied  # the rule said no: no other backend is asked

    def has_module_perms(self, user, app_label):
        return False
