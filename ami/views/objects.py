"""The object a view handles, loaded once for its permission check and its page (404 if it does not exist)."""

from django.shortcuts import get_object_or_404

from ami.rules import deadline_passed, has_declared_conflict, is_own_organisation
from ami.selectors import amis_addressable, dossier_for_page
from mlhg_app.access import permission_object


class AMIObjectMixin:
    """The URL's AMI (`reference`; a draft only where `include_drafts`), checked against the view's
    object permission."""

    include_drafts = False

    def get_permission_object(self):
        if not hasattr(self, "ami"):
            amis = amis_addressable(include_drafts=self.include_drafts)
            self.ami = get_object_or_404(amis, reference=self.kwargs["reference"])
        return self.ami


CONFLICT = "Vous avez déclaré un conflit d'intérêts pour ce dossier : son contenu ne vous est pas accessible."
SEALED = "Ce dossier est scellé jusqu'à la date limite : son contenu et ses pièces ne sont pas consultables avant."


def dossier_refusal(user, dossier) -> str:
    """Why a dossier's page is refused, in French, when the reason is the conflict or the seal."""
    if has_declared_conflict(user, dossier):
        return CONFLICT
    if not is_own_organisation(user, dossier) and not deadline_passed(user, dossier):
        return SEALED
    return ""


class DossierObjectMixin(permission_object("dossier", dossier_for_page)):
    """The URL's dossier (`pk`), checked against the view's object permission."""

    def get_permission_denied_message(self):
        return dossier_refusal(self.request.user, self.dossier) if self.request.user.is_authenticated else ""
