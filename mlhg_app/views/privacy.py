"""The privacy notice and the user's own data."""

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from mlhg_app import personal_data
from mlhg_app.access import PermissionRequiredView, PublicView


class PrivacyView(PublicView, TemplateView):
    """The privacy page: what is kept, why, and how long (the periods are the settings in force)."""

    template_name = "mlhg_app/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            non_retenu_years=settings.RETENTION_DOSSIER_NON_RETENU_YEARS,
            retenu_years=settings.RETENTION_DOSSIER_RETENU_YEARS,
            emargement_years=settings.RETENTION_EMARGEMENT_YEARS,
            compte_rendu_days=settings.RETENTION_COMPTE_RENDU_GRACE_DAYS,
            export_days=settings.RETENTION_EXPORT_DAYS,
            **kwargs,
        )


class PersonalDataView(PermissionRequiredView, View):
    """The logged-in person's own data, as a JSON download (RGPD, right of access)."""

    permission_required = "mlhg_app.use_account"

    def get(self, request):
        data = personal_data.personal_data_of(request.user)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="mes-donnees-mlhg-app-{stamp}.json"'
        return response
