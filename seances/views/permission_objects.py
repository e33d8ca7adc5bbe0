"""The object each séances view checks its permission against, loaded once from the URL's `pk`.

The view's `permission_required` is an object permission (`seances.rules`); the mixin
(`mlhg_app.access.permission_object`) answers 404 when the object does not exist, the permission 403
when the user may not use it. The view then uses `self.programme`, `self.seance`, `self.releve` or
`self.revue`.
"""

from django.urls import reverse

from mlhg_app.access import permission_object
from mlhg_app.refusals import ActionView
from seances import selectors

ProgrammeObject = permission_object("programme", selectors.programme_get)
SeanceObject = permission_object("seance", selectors.seance_get)
ReleveObject = permission_object("releve", selectors.releve_get)
RevueObject = permission_object("revue", selectors.revue_get)


class ProgrammePageAction(ActionView):
    """A POST from one of the programme's pages (`page`, its URL name), which it goes back to."""

    page = ""

    def redirect_url(self):
        return reverse(self.page, args=[self.get_permission_object().programme_id])
