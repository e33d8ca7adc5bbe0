"""The accessibility statement (RGAA 4.1): public, linked in the footer of every page."""

from django.conf import settings
from django.views.generic import TemplateView

from mlhg_app.access import PublicView
from mlhg_app.identity import structure_of


class AccessibilityView(PublicView, TemplateView):
    """The statement: conformity state, the checks the CI runs, what is not accessible, contact, recourse."""

    template_name = "mlhg_app/accessibility.html"

    def get_context_data(self, **kwargs):
        structure = structure_of(self.request)
        contact = structure.courriel_contact if structure else settings.MLHG_CONTACT_EMAIL
        return super().get_context_data(contact_email=contact, **kwargs)
