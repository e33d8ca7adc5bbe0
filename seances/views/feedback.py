"""A participant's feedback on a séance held, from its personal link (email, own page, home « À faire »)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from mlhg_app.access import PermissionRequiredView, permission_object
from mlhg_app.refusals import refusal_as_form_error
from seances import calendar
from seances.forms.feedback import FeedbackForm
from seances.selectors import feedback_link
from seances.services import feedback as services

THANKS = "Merci : votre avis est enregistré, sans votre nom. Il ne sera lu que mêlé à ceux d'autres participants."


class FeedbackView(permission_object("link", feedback_link, kwarg="token"), PermissionRequiredView, View):
    permission_required = "seances.give_feedback"

    def _render(self, request, form, status=200):
        invitation = self.link.invitation
        seance = invitation.seance if invitation else None
        context = {
            "form": form,
            "seance": seance,
            "quand": calendar.seance_when_text(seance) if seance else "",
            "refusal": "" if invitation else services.INVALID_LINK,
        }
        return render(request, "seances/feedback/answer.html", context, status=status)

    def get(self, request, token):
        return self._render(request, FeedbackForm(), status=200 if self.link.invitation else 404)

    def post(self, request, token):
        if self.link.invitation is None:
            return self._render(request, FeedbackForm(), status=404)
        form = FeedbackForm(request.POST)
        if form.is_valid():
            with refusal_as_form_error(form):
                services.feedback_answer(user=request.user, token=token, **form.cleaned_data)
                messages.success(request, THANKS)
                return redirect("seances:my_seances")
        return self._render(request, form)
