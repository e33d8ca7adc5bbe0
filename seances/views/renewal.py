"""Staff renew a programme for the next year (preview, then confirm), or decide not to and start a new call."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from mlhg_app.access import PermissionRequiredView
from mlhg_app.french import counted, day_date
from mlhg_app.refusals import ActionView, refusal_as_form_error
from seances.forms.renewal import NotRenewForm, RenewalForm
from seances.selectors import renewal_decisions
from seances.services.renewal import programme_not_renew, programme_renew, renewal_plan
from seances.views.permission_objects import ProgrammeObject

PRICE_FIELDS = ("taux", "prix_seance_groupe", "prix_seance_sous_groupe")


class RenewalView(ProgrammeObject, PermissionRequiredView, View):
    """What « Reconduire pour l'année suivante » will create (GET: the form and its preview), then the
    confirmation (POST: everything created in one transaction)."""

    permission_required = "seances.renew_programme"
    template_name = "seances/renewal/renew.html"

    def render_page(self, request, form):
        values = {name: None for name in PRICE_FIELDS}
        if form.is_bound and form.is_valid():
            values = {name: form.cleaned_data[name] for name in PRICE_FIELDS}
        plan = renewal_plan(programme=self.programme, **values)
        return render(
            request,
            self.template_name,
            {
                "programme": self.programme,
                "form": form,
                "plan": plan,
                "values": values,
                "decisions": renewal_decisions(self.programme),
                "not_renew_form": NotRenewForm(),
            },
        )

    def get(self, request, pk):
        bound = any(name in request.GET for name in PRICE_FIELDS)
        return self.render_page(request, RenewalForm(request.GET if bound else None))

    def post(self, request, pk):
        form = RenewalForm(request.POST)
        if form.is_valid():
            with refusal_as_form_error(form):
                suivant, result = programme_renew(
                    programme=self.programme, by=request.user, **{n: form.cleaned_data[n] for n in PRICE_FIELDS}
                )
                messages.success(request, _created_message(suivant, result))
                return redirect("seances:board", pk=suivant.pk)
        return self.render_page(request, form)


def _created_message(suivant, result) -> str:
    decision = renewal_decisions(suivant)["from"]
    avenant = decision.avenant
    groups = suivant.groupes.count()
    text = (
        f"{suivant} créé depuis la convention {suivant.convention.numero} : avenant n° {avenant.numero} établi "
        f"(à envoyer pour signature ; ses prix s'appliquent aux séances tenues à partir du "
        f"{day_date(avenant.date_effet)} une fois signé), {counted(groups, 'groupe', 'groupes')}, "
        f"{counted(suivant.fenetres.count(), 'fenêtre', 'fenêtres')}. "
    )
    if result.ok:
        placed = sum(1 for a in result.assignments if not a.fixed)
        return text + f"Le planificateur propose {counted(placed, 'séance', 'séances')}, à valider par le responsable."
    return text + "Le planificateur n'a pas trouvé de planning : " + " ".join(result.reasons)


class NotRenewView(ProgrammeObject, ActionView):
    """« Ne pas reconduire »: the decision recorded, the next call's draft created from the previous one."""

    permission_required = "seances.renew_programme"

    def act(self, request):
        form = NotRenewForm(request.POST)
        motif = form.cleaned_data["motif"] if form.is_valid() else ""
        decision = programme_not_renew(programme=self.programme, by=request.user, motif=motif)
        self.ami = decision.ami
        return (
            f"Décision enregistrée : le {self.programme} n'est pas reconduit. Brouillon créé : « {self.ami.titre} », "
            "à partir de l'appel précédent ; relisez-le avant de le publier."
        )

    def redirect_url(self):
        return reverse("ami:authoring_edit", kwargs={"reference": self.ami.reference})

    def refused_url(self):
        return reverse("seances:renewal", args=[self.programme.pk])
