"""After the séance: the attendance sheet (PDF), the attendance record, the anonymous compte rendu.

Named attendance: the séance's intervenant, the prestataire's accounts and
staff (the sheet); the intervenant and the prestataire record it. The compte
rendu is the prestataire's alone: no staff or responsable page shows it.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from mlhg_app.access import PermissionRequiredView
from seances import calendar
from seances.forms_after import AttendanceForm, CompteRenduForm
from seances.models import CompteRendu, Emargement
from seances.services import after as services
from seances.views.permission_objects import SeanceObject

ATTENDANCE_SAVED = "L'émargement est enregistré : {n} présent(s) sur {total}."
COMPTE_RENDU_SAVED = "Le compte rendu anonyme est enregistré."


def _back(user, seance) -> dict:
    """The breadcrumb: the programme's board for who reads it, otherwise one's own séances."""
    if user.has_perm("seances.view_programme", seance.programme):
        return {
            "back_url": reverse("seances:board", kwargs={"pk": seance.programme_id}),
            "back_label": seance.programme,
        }
    return {"back_url": reverse("seances:my_seances"), "back_label": "Mes séances"}


def _page(seance) -> dict:
    return {
        "seance": seance,
        "date": calendar.date_text(seance.date),
        "horaire": calendar.time_text(seance.heure_debut),
        "intervenant": calendar.intervenant_name(seance),
    }


class AttendancePdfView(SeanceObject, PermissionRequiredView, View):
    """The sheet to print and have signed (the séance's intervenant, the prestataire, staff)."""

    permission_required = "seances.view_attendance"

    def get(self, request, pk):
        seance = self.seance
        response = HttpResponse(services.attendance_sheet_pdf(seance), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{services.attendance_sheet_filename(seance)}"'
        return response


class AttendanceView(SeanceObject, PermissionRequiredView, View):
    permission_required = "seances.record_seance"

    def _render(self, request, seance, form, refusal):
        emargement = Emargement.objects.filter(seance=seance).first()
        return render(
            request,
            "seances/after/attendance.html",
            {
                **_page(seance),
                "form": form,
                "refusal": refusal,
                "emargement": emargement,
                **_back(request.user, seance),
            },
        )

    def get(self, request, pk):
        seance = self.seance
        emargement = Emargement.objects.filter(seance=seance).first()
        initial = {"presents": list(emargement.presents.all())} if emargement else {}
        form = AttendanceForm(seance=seance, initial=initial)
        return self._render(request, seance, form, services.attendance_refusal(seance))

    def post(self, request, pk):
        seance = self.seance
        form = AttendanceForm(request.POST, request.FILES, seance=seance)
        refusal = services.attendance_refusal(seance)
        if refusal or not form.is_valid():
            return self._render(request, seance, form, refusal)
        presents = list(form.cleaned_data["presents"])
        try:
            services.attendance_record(
                seance=seance, user=request.user, presents=presents, sheet=form.cleaned_data["feuille"]
            )
        except services.Refused as exc:
            return self._render(request, seance, form, str(exc))
        total = services.group_members(seance).count()
        messages.success(request, ATTENDANCE_SAVED.format(n=len(presents), total=total))
        return redirect("seances:attendance", pk=seance.pk)


class CompteRenduView(SeanceObject, PermissionRequiredView, View):
    permission_required = "seances.record_seance"

    def _render(self, request, seance, form, refusal):
        return render(
            request,
            "seances/after/compte_rendu.html",
            {**_page(seance), "form": form, "refusal": refusal, **_back(request.user, seance)},
        )

    def get(self, request, pk):
        seance = self.seance
        compte_rendu = CompteRendu.objects.filter(seance=seance).first()
        if compte_rendu:
            initial = {
                "tenue": "1" if compte_rendu.tenue else "0",
                "methode": compte_rendu.methode,
                "themes": list(compte_rendu.themes.all()),
                "observations": compte_rendu.observations,
            }
        else:
            initial = {"tenue": "1", "methode": seance.programme.methode}
        form = CompteRenduForm(seance=seance, compte_rendu=compte_rendu, initial=initial)
        return self._render(request, seance, form, services.compte_rendu_refusal(seance))

    def post(self, request, pk):
        seance = self.seance
        compte_rendu = CompteRendu.objects.filter(seance=seance).first()
        form = CompteRenduForm(request.POST, seance=seance, compte_rendu=compte_rendu)
        refusal = services.compte_rendu_refusal(seance)
        if refusal or not form.is_valid():
            return self._render(request, seance, form, refusal)
        try:
            services.compte_rendu_save(seance=seance, user=request.user, **form.cleaned_data)
        except services.Refused as exc:
            form.add_error(None, str(exc))
            return self._render(request, seance, form, "")
        messages.success(request, COMPTE_RENDU_SAVED)
        return redirect("seances:compte_rendu", pk=seance.pk)
