"""The user's own account page and the list of the antennes."""

from django.views.generic import ListView, TemplateView

from mlhg_app import twofactor
from mlhg_app.access import PermissionRequiredView
from mlhg_app.selectors import antennes_with_headcount


class AccountView(PermissionRequiredView, TemplateView):
    permission_required = "mlhg_app.use_account"
    template_name = "mlhg_app/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            can_use_two_factor=user.has_perm("mlhg_app.use_two_factor"),
            two_factor_device=twofactor.device_of(user),
            two_factor_required=twofactor.required_for(user),
            **kwargs,
        )


class AntenneListView(PermissionRequiredView, ListView):
    permission_required = "mlhg_app.view_antennes"
    template_name = "mlhg_app/antenne/list.html"
    context_object_name = "antennes"

    def get_queryset(self):
        return antennes_with_headcount()
