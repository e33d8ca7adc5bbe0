"""The participants' feedback figures of a programme (issue 20): one page, the same for staff, the programme's
référent responsable and its prestataire (`bilans.view_feedback` on the programme)."""

from django.shortcuts import render
from django.views import View

from bilans.feedback import feedback_published
from mlhg_app.access import PermissionRequiredView
from seances.views.permission_objects import ProgrammeObject


class FeedbackResultsView(ProgrammeObject, PermissionRequiredView, View):
    permission_required = "bilans.view_feedback"

    def get(self, request, pk):
        return render(
            request,
            "bilans/feedback/results.html",
            {"programme": self.programme, "avis": feedback_published(self.programme)},
        )
