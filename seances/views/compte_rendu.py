"""The anonymous compte rendu of a séance: written by its intervenant or its programme's prestataire.

The compte rendu is the prestataire's alone: no staff or responsable page shows it.
"""

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect

from mlhg_app.refusals import FormPageView
from seances.forms.compte_rendu import CompteRenduForm
from seances.selectors import compte_rendu_of
from seances.services import compte_rendu as services
from seances.views.permission_objects import SeanceObject
from seances.views.seance_page import seance_back_link, seance_facts

COMPTE_RENDU_SAVED = "Le compte rendu anonyme est enregistré."


class CompteRenduView(SeanceObject, FormPageView):
    permission_required = "seances.record_seance"
    template_name = "seances/compte_rendu/edit.html"

    def page_context(self):
        return {**seance_facts(self.seance), **seance_back_link(self.request.user, self.seance)}

    def get(self, request, pk):
        seance = self.seance
        compte_rendu = compte_rendu_of(seance)
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
        return self.page(request, form=form, refusal=services.compte_rendu_refusal(seance))

    def post(self, request, pk):
        seance = self.seance
        compte_rendu = compte_rendu_of(seance)
        form = CompteRenduForm(request.POST, seance=seance, compte_rendu=compte_rendu)
        refusal = services.compte_rendu_refusal(seance)
        save = partial(services.compte_rendu_save, seance=seance, user=request.user)
        if not refusal and self.sent(form, lambda data: save(**data)):
            messages.success(request, COMPTE_RENDU_SAVED)
            return redirect("seances:compte_rendu", pk=seance.pk)
        return self.page(request, form=form, refusal=refusal)
