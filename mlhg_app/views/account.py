"""The user's own account page, the list of the antennes and a site's edit page (staff)."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.generic import ListView, TemplateView

from mlhg_app import twofactor
from mlhg_app.access import PermissionRequiredView, permission_object
from mlhg_app.forms.antennes import AntenneForm
from mlhg_app.refusals import Refused, refusal_on_form
from mlhg_app.selectors import antenne_history, antenne_with_headcount, antennes_with_headcount
from mlhg_app.services.antennes import antenne_update


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

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_edit=self.request.user.has_perm("mlhg_app.edit_antennes"), **kwargs)


class AntenneEditView(permission_object("antenne", antenne_with_headcount), PermissionRequiredView, View):
    """A site: its name, address, display order and unavailable days; its headcount read from the directory."""

    permission_required = "mlhg_app.edit_antennes"

    def _page(self, request, form):
        antenne = self.get_permission_object()
        directory = reverse("people_list") + f"?antenne={antenne.pk}&role=conseiller&actif=oui"
        return render(
            request,
            "mlhg_app/antenne/edit.html",
            {"form": form, "antenne": antenne, "directory_url": directory, "history": antenne_history(antenne)},
        )

    def get(self, request, pk):
        return self._page(request, AntenneForm(instance=self.get_permission_object()))

    def post(self, request, pk):
        antenne = self.get_permission_object()
        form = AntenneForm(request.POST, instance=antenne)
        if form.is_valid():
            try:
                saved = antenne_update(antenne=antenne, by=request.user, **form.antenne())
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, f"Le site « {saved.nom} » est enregistré.")
                return HttpResponseRedirect(reverse("antenne_edit", args=[saved.pk]))
        return self._page(request, form)
