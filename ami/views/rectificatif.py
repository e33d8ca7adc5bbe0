"""Staff: postpone a published AMI's deadline by a dated rectificatif (never earlier)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from ami.forms.rectificatif import RectificatifForm
from ami.services.rectificatif import ami_deadline_postpone
from ami.views.objects import AMIObjectMixin
from mlhg_app.access import PermissionRequiredView
from mlhg_app.french import deadline_text
from mlhg_app.refusals import Refused, refusal_on_form


class DeadlinePostponeView(AMIObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.rectify_ami"
    template_name = "ami/selection/rectificatif.html"

    def render_page(self, request, form=None):
        ami = self.ami
        context = {
            "ami": ami,
            "deadline": deadline_text(ami.date_limite),
            "can_postpone": ami.is_open(),
            "rectificatifs": ami.rectificatifs.select_related("par").order_by("-publie_le"),
            "form": form or RectificatifForm(),
        }
        return render(request, self.template_name, context)

    def get(self, request, reference):
        return self.render_page(request)

    def post(self, request, reference):
        ami = self.ami
        form = RectificatifForm(request.POST)
        if form.is_valid():
            try:
                rectificatif = ami_deadline_postpone(
                    ami=ami,
                    new_deadline=form.cleaned_data["nouvelle_date_limite"],
                    motif=form.cleaned_data["motif"],
                    by=request.user,
                )
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(
                    request,
                    f"Rectificatif publié : la date limite est reportée au {deadline_text(rectificatif.ami.date_limite)}. "
                    "Les candidats en sont informés par courriel.",
                )
                return redirect("ami:deadline", reference=ami.reference)
        return self.render_page(request, form)
