"""The object each séances view checks its permission against, loaded once from the URL's `pk`.

The view's `permission_required` is an object permission (`seances.rules`); the mixin answers 404
when the object does not exist, the permission 403 when the user may not use it. The view then uses
`self.programme`, `self.seance`, `self.releve` or `self.revue`.
"""

from django.urls import reverse

from mlhg_app.refusals import ActionView
from seances import selectors


class ProgrammeObject:
    def get_permission_object(self):
        if not hasattr(self, "programme"):
            self.programme = selectors.programme_get(self.kwargs["pk"])
        return self.programme


class SeanceObject:
    def get_permission_object(self):
        if not hasattr(self, "seance"):
            self.seance = selectors.seance_get(self.kwargs["pk"])
        return self.seance


class ReleveObject:
    def get_permission_object(self):
        if not hasattr(self, "releve"):
            self.releve = selectors.releve_get(self.kwargs["pk"])
        return self.releve


class RevueObject:
    def get_permission_object(self):
        if not hasattr(self, "revue"):
            self.revue = selectors.revue_get(self.kwargs["pk"])
        return self.revue


class ProgrammePageAction(ActionView):
    """A POST from one of the programme's pages (`page`, its URL name), which it goes back to."""

    page = ""

    def redirect_url(self):
        return reverse(self.page, args=[self.get_permission_object().programme_id])
