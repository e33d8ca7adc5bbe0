"""Attendance (émargement): the sheet to print (PDF) and the attendance record.

Named attendance: the séance's intervenant, the prestataire's accounts and
staff (the sheet); the intervenant and the prestataire record it.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from mlhg_app.access import PermissionRequiredView
from mlhg_app.downloads import file_response
from mlhg_app.french import counted
from mlhg_app.refusals import Refused
from seances.documents import emargement
from seances.forms.attendance import AttendanceForm
from seances.selectors import emargement_of, group_members
from seances.services import attendance as services
from seances.views.permission_objects import SeanceObject
from seances.views.seance_page import seance_back_link, seance_facts

ATTENDANCE_SAVED = "L'émargement est enregistré : {presents} sur {total}."


class AttendancePdfView(SeanceObject, PermissionRequiredView, View):
    """The sheet to print and have signed (the séance's intervenant, the prestataire, staff)."""

    permission_required = "seances.view_attendance"

    def get(self, request, pk):
        seance = self.seance
        return file_response(
            emargement.attendance_sheet_pdf(seance), filename=emargement.attendance_sheet_filename(seance)
        )


class AttendanceView(SeanceObject, PermissionRequiredView, View):
    permission_required = "seances.record_seance"

    def _render(self, request, seance, form, refusal):
        emargement = emargement_of(seance)
        return render(
            request,
            "seances/attendance/record.html",
            {
                **seance_facts(seance),
                "form": form,
                "refusal": refusal,
                "emargement": emargement,
                **seance_back_link(request.user, seance),
            },
        )

    def get(self, request, pk):
        seance = self.seance
        emargement = emargement_of(seance)
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
        except Refused as exc:
            return self._render(request, seance, form, str(exc))
        total = group_members(seance).count()
        messages.success(
            request, ATTENDANCE_SAVED.format(presents=counted(len(presents), "présent", "présents"), total=total)
        )
        return redirect("seances:attendance", pk=seance.pk)
