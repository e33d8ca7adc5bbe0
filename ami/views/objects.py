"""The object a view handles, loaded once for its permission check and its page (404 if it does not exist)."""

from django.shortcuts import get_object_or_404

from ami.models import AMI, Dossier


class AMIObjectMixin:
    """The URL's AMI (`reference`, never a draft), checked against the view's object permission."""

    def get_permission_object(self):
        if not hasattr(self, "ami"):
            self.ami = get_object_or_404(
                AMI.objects.exclude(status=AMI.Status.BROUILLON), reference=self.kwargs["reference"]
            )
        return self.ami


class DossierObjectMixin:
    """The URL's dossier (`pk`), checked against the view's object permission."""

    def get_permission_object(self):
        if not hasattr(self, "dossier"):
            self.dossier = get_object_or_404(Dossier.objects.select_related("ami", "prestataire"), pk=self.kwargs["pk"])
        return self.dossier

    def last_version(self):
        return self.dossier.versions.order_by("-numero").select_related("submitted_by").first()
