"""Staff decide, preview and send the letters, then establish the convention."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from ami.documents.letters import letter_filename, letter_pdf
from ami.forms.decision import DecisionForm, LetterForm
from ami.models import Decision, Dossier
from ami.selectors import ami_results, convention_of_ami, decision_of, lettre_for_page, lettres_of
from ami.services.decision import convention_create, decision_make, letter_update, letters_send
from ami.views.objects import AMIObjectMixin
from mlhg_app.access import PermissionRequiredView, permission_object
from mlhg_app.downloads import file_response
from mlhg_app.french import counted
from mlhg_app.refusals import Refused, refusal_as_message, refusal_on_form


class DecisionView(AMIObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.manage_selection"
    template_name = "ami/selection/decision.html"

    def render_page(self, request, ami, form=None):
        results = ami_results(ami)
        decision = decision_of(ami)
        return render(
            request,
            self.template_name,
            {
                "ami": ami,
                "results": results,
                "decision": decision,
                "lettres": lettres_of(decision),
                "form": form or DecisionForm(results=results),
                "convention": getattr(decision, "convention", None) if decision else None,
            },
        )

    def get(self, request, reference):
        return self.render_page(request, self.ami)

    def post(self, request, reference):
        ami = self.ami
        form = DecisionForm(request.POST, results=ami_results(ami))
        if not form.is_valid():
            return self.render_page(request, ami, form)
        choix = form.cleaned_data["choix"]
        dossier = None if choix == "sans_suite" else get_object_or_404(Dossier, pk=int(choix), ami=ami)
        try:
            decision_make(
                ami=ami,
                user=request.user,
                dossier=dossier,
                justification=form.cleaned_data["justification"],
                justification_grilles=form.cleaned_data["justification_grilles"],
            )
        except Refused as refusal:
            refusal_on_form(form, refusal)
            return self.render_page(request, ami, form)
        messages.success(
            request, "Décision enregistrée. Relisez les lettres, modifiez leur texte si besoin, puis envoyez-les."
        )
        return redirect("ami:decision", reference=ami.reference)


LettreObjectMixin = permission_object("lettre", lettre_for_page)


class LetterEditView(LettreObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.change_lettre"
    template_name = "ami/selection/letter_edit.html"

    def get(self, request, pk):
        lettre = self.lettre
        form = LetterForm(initial={"texte_libre": lettre.texte_libre})
        return render(request, self.template_name, {"lettre": lettre, "form": form})

    def post(self, request, pk):
        lettre = self.lettre
        form = LetterForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"lettre": lettre, "form": form})
        with refusal_as_message(request):
            letter_update(lettre=lettre, texte_libre=form.cleaned_data["texte_libre"])
            messages.success(request, f"Lettre à {lettre.dossier.prestataire} enregistrée.")
        return redirect("ami:decision", reference=lettre.decision.ami.reference)


class LetterPdfView(LettreObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.view_lettre"

    def get(self, request, pk):
        lettre = self.lettre
        # the sent letter, or a preview before sending
        return file_response(lettre.fichier or letter_pdf(lettre), filename=letter_filename(lettre))


class DecisionStepView(AMIObjectMixin, PermissionRequiredView, View):
    """A step after the AMI's decision, one button: `act` calls its service and says what was done."""

    permission_required = "ami.manage_selection"
    http_method_names = ["post"]

    def post(self, request, reference):
        decision = get_object_or_404(Decision, ami=self.ami)
        with refusal_as_message(request):
            messages.success(request, self.act(decision, request.user))
        return redirect("ami:decision", reference=self.ami.reference)

    def act(self, decision, user) -> str:
        raise NotImplementedError


class LettersSendView(DecisionStepView):
    def act(self, decision, user):
        count = letters_send(decision=decision, user=user)
        return f"{counted(count, 'lettre envoyée', 'lettres envoyées')} aux candidats, en PDF joint."


class ConventionView(DecisionStepView):
    def act(self, decision, user):
        convention = convention_create(decision=decision, user=user)
        return f"Convention {convention.numero} établie."


class ConventionPdfView(
    permission_object("convention", convention_of_ami, kwarg="reference"), PermissionRequiredView, View
):
    permission_required = "ami.view_convention"

    def get(self, request, reference):
        convention = self.convention
        return file_response(convention.fichier, filename=f"{convention.numero}.pdf")
