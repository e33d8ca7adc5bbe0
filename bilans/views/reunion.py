"""The réunion de bilan: its page, its invitation (.ics) and its minutes."""

from functools import partial

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from bilans import selectors
from bilans.forms.reunion import MinutesForm, ReunionForm
from bilans.services import reunion
from bilans.services.notifications import reunion_ics
from bilans.views.objects import BilanObject
from mlhg_app.downloads import file_response
from mlhg_app.refusals import FormPageView

REUNION_SET = "La réunion de bilan est fixée : le responsable et le prestataire reçoivent l'invitation (.ics)."


class ReunionView(BilanObject, FormPageView):
    permission_required = "bilans.meet"
    template_name = "bilans/reunion.html"

    def page_context(self):
        return {"bilan": self.bilan, "reunion": selectors.reunion_text(self.bilan)}

    def get(self, request, pk):
        bilan = self.bilan
        initial = {}
        if bilan.reunion_le:
            local = timezone.localtime(bilan.reunion_le)
            initial = {"date": local.date(), "heure": local.time(), "lieu": bilan.reunion_lieu}
        return self.page(request, form=ReunionForm(initial=initial), minutes_form=MinutesForm())

    def post(self, request, pk):
        bilan = self.bilan
        if "fichier" in request.FILES or request.POST.get("action") == "compte_rendu":
            form = MinutesForm(request.POST, request.FILES)
            attach = partial(reunion.reunion_minutes_attach, bilan=bilan, user=request.user)
            if self.sent(form, lambda data: attach(data=data["fichier"])):
                messages.success(request, "Le compte rendu de la réunion de bilan est joint.")
                return redirect("bilans:reunion", pk=bilan.pk)
            return self.page(request, form=ReunionForm(), minutes_form=form)
        form = ReunionForm(request.POST)
        meet = partial(reunion.reunion_set, bilan=bilan, user=request.user)
        if self.sent(form, lambda data: meet(when=data["when"], lieu=data["lieu"])):
            messages.success(request, REUNION_SET)
            return redirect("bilans:reunion", pk=bilan.pk)
        return self.page(request, form=form, minutes_form=MinutesForm())


class ReunionIcsView(ReunionView):
    def get(self, request, pk):
        bilan = self.bilan
        if bilan.reunion_le is None:
            raise Http404("Aucune réunion fixée")
        return file_response(
            reunion_ics(bilan),
            filename=f"reunion-bilan-{bilan.programme.annee_debut}.ics",
            content_type="text/calendar; charset=utf-8",
            attachment=True,
        )

    def post(self, request, pk):
        return HttpResponse(status=405)


class MinutesDownloadView(ReunionView):
    def get(self, request, pk):
        bilan = self.bilan
        if not bilan.reunion_compte_rendu:
            raise Http404("Aucun compte rendu joint")
        return FileResponse(
            bilan.reunion_compte_rendu.open("rb"),
            content_type="application/pdf",
            filename=f"reunion-bilan-{bilan.programme.annee_debut}.pdf",
        )

    def post(self, request, pk):
        return HttpResponse(status=405)
