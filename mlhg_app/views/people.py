"""The directory of people for MLHG staff: list, create and invite, edit, deactivate, and the HR import."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from mlhg_app.access import PermissionRequiredView, permission_object
from mlhg_app.forms.people import PeopleFilterForm, PeopleImportForm, PersonForm
from mlhg_app.models import PeopleImport, User
from mlhg_app.refusals import Refused, refusal_as_message, refusal_on_form
from mlhg_app.selectors import people_directory, people_imports_of
from mlhg_app.services import people_import as importing
from mlhg_app.services.people import (
    headcount_warnings,
    person_deactivate,
    person_invite,
    person_reactivate,
    person_twofactor_reset,
    person_update,
)
from mlhg_app.services.users import users_invitation_send
from mlhg_app.spreadsheets import XLSX_CONTENT_TYPE, xlsx_bytes
from mlhg_app.twofactor import device_of

PAGE_SIZE = 50


def _warn(request):
    for warning in headcount_warnings():
        messages.warning(request, warning)


class PeopleListView(PermissionRequiredView, View):
    permission_required = "mlhg_app.manage_people"

    def get(self, request):
        form = PeopleFilterForm(request.GET or None)
        page = Paginator(people_directory(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "mlhg_app/people/list.html",
            {"form": form, "page": page, "people": page.object_list, "query": query.urlencode()},
        )


class PeopleExportView(PermissionRequiredView, View):
    """The directory as filtered, as an XLSX (texts are string cells, never formulas: mlhg_app/spreadsheets.py)."""

    permission_required = "mlhg_app.manage_people"

    def get(self, request):
        form = PeopleFilterForm(request.GET or None)
        rows = [
            [
                p.last_name,
                p.first_name,
                p.email,
                p.get_role_display(),
                p.antenne.nom if p.antenne else "",
                "oui" if p.is_manager else "non",
                "actif" if p.is_active else "désactivé",
                p.last_login,
            ]
            for p in people_directory(**form.filters())
        ]
        header = ["Nom", "Prénom", "Courriel", "Rôle", "Site", "Encadrant", "Compte", "Dernière connexion"]
        response = HttpResponse(xlsx_bytes(title="Personnes", header=header, rows=rows), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="annuaire-mlhg.xlsx"'
        return response


class PersonCreateView(PermissionRequiredView, View):
    permission_required = "mlhg_app.manage_people"

    def get(self, request):
        return render(request, "mlhg_app/people/form.html", {"form": PersonForm()})

    def post(self, request):
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                user = person_invite(by=request.user, email=form.cleaned_data["email"], **form.person())
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, f"{user} est créé·e ; son invitation lui est envoyée à {user.email}.")
                _warn(request)
                return HttpResponseRedirect(reverse("people_edit", args=[user.pk]))
        return render(request, "mlhg_app/people/form.html", {"form": form})


def _person(pk):
    return get_object_or_404(User.objects.in_structure().select_related("antenne"), pk=pk)


class PersonView(permission_object("person", _person), PermissionRequiredView, View):
    """One person: edit, (re)send the invitation, deactivate or reactivate."""

    permission_required = "mlhg_app.manage_people"

    def _page(self, request, form):
        history = self.person.history.select_related("history_user", "antenne").order_by("-history_date")[:20]
        context = {"form": form, "person": self.person, "history": history, "two_factor": device_of(self.person)}
        return render(request, "mlhg_app/people/form.html", context)

    def get(self, request, pk):
        return self._page(request, PersonForm(instance=self.get_permission_object()))

    def post(self, request, pk):
        person = self.get_permission_object()
        action = request.POST.get("action", "enregistrer")
        done = reverse("people_edit", args=[person.pk])
        if action == "desactiver":
            with refusal_as_message(request):
                left = person_deactivate(user=person, by=request.user)
                messages.success(
                    request,
                    f"{person} est désactivé·e : son compte ne permet plus de se connecter."
                    + (f" Groupes quittés : {', '.join(left)}." if left else ""),
                )
            return HttpResponseRedirect(done)
        if action == "reactiver":
            with refusal_as_message(request):
                person_reactivate(user=person, by=request.user)
                messages.success(request, f"{person} est réactivé·e.")
                _warn(request)
            return HttpResponseRedirect(done)
        if action == "double_authentification":
            with refusal_as_message(request):
                if person_twofactor_reset(user=person, by=request.user):
                    messages.success(
                        request,
                        f"La double authentification de {person} est réinitialisée : "
                        "elle l'active de nouveau à sa prochaine connexion.",
                    )
                else:
                    messages.info(request, f"{person} n'a pas de double authentification active.")
            return HttpResponseRedirect(done)
        if action == "inviter":
            sent = users_invitation_send(users=User.objects.filter(pk=person.pk))
            if sent:
                messages.success(request, f"Une invitation est envoyée à {person.email}.")
            else:
                messages.error(request, "Ce compte est désactivé : réactivez-le avant de l'inviter.")
            return HttpResponseRedirect(done)
        form = PersonForm(request.POST, instance=person)
        if form.is_valid():
            try:
                person_update(user=person, by=request.user, **form.person())
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, f"Les informations de {person} sont enregistrées.")
                _warn(request)
                return HttpResponseRedirect(done)
        return self._page(request, form)


class PeopleImportView(PermissionRequiredView, View):
    """Upload the HR export: it is kept, and its preview shown; nothing is written yet."""

    permission_required = "mlhg_app.manage_people"

    def _page(self, request, form, status=200):
        return render(
            request,
            "mlhg_app/people/import.html",
            {
                "form": form,
                "fonctions": [(User.Role(role).label, labels) for role, labels in importing.FONCTIONS],
                "max_rows": importing.MAX_ROWS,
                "imports": people_imports_of(request.user)[:5],
            },
            status=status,
        )

    def get(self, request):
        return self._page(request, PeopleImportForm())

    def post(self, request):
        form = PeopleImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                kept = importing.people_import_upload(
                    by=request.user,
                    fichier=form.cleaned_data["fichier"],
                    deactivate_missing=form.cleaned_data["desactiver_absents"],
                )
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                return HttpResponseRedirect(reverse("people_import_preview", args=[kept.pk]))
        return self._page(request, form)


class PeopleImportTemplateView(PermissionRequiredView, View):
    """« Télécharger un modèle »: the six columns and two example lines, as an XLSX."""

    permission_required = "mlhg_app.manage_people"

    def get(self, request):
        response = HttpResponse(importing.people_import_template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="modele-import-personnel.xlsx"'
        return response


def _people_import(pk):
    return get_object_or_404(PeopleImport, pk=pk)


class _ImportView(permission_object("people_import", _people_import), PermissionRequiredView, View):
    permission_required = "mlhg_app.import_people"


class PeopleImportPreviewView(_ImportView):
    """What the kept file would change, line by line; the confirmation button when there is no error."""

    def get(self, request, pk):
        people_import = self.get_permission_object()
        if people_import.status == PeopleImport.Status.APPLIQUE:
            return HttpResponseRedirect(reverse("people_import_result", args=[pk]))
        plan = importing.people_import_preview(people_import=people_import)
        return render(request, "mlhg_app/people/import_preview.html", {"people_import": people_import, "plan": plan})


class PeopleImportConfirmView(_ImportView):
    http_method_names = ["post"]

    def post(self, request, pk):
        people_import = self.get_permission_object()
        try:
            importing.people_import_confirm(people_import=people_import, by=request.user)
        except Refused as refusal:
            messages.error(request, refusal.message)
            return HttpResponseRedirect(reverse("people_import_preview", args=[pk]))
        messages.success(request, "L'import est appliqué.")
        return HttpResponseRedirect(reverse("people_import_result", args=[pk]))


class PeopleImportResultView(_ImportView):
    def get(self, request, pk):
        people_import = self.get_permission_object()
        if people_import.status != PeopleImport.Status.APPLIQUE:
            return HttpResponseRedirect(reverse("people_import_preview", args=[pk]))
        result = people_import.resultat
        by_kind = {kind: [c for c in result.get("changes", []) if c["kind"] == kind] for kind in KINDS}
        return render(
            request,
            "mlhg_app/people/import_result.html",
            {"people_import": people_import, "result": result, "by_kind": by_kind},
        )


KINDS = ["created", "updated", "reactivated", "deactivated"]
