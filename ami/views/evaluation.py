"""The evaluator's side: assigned dossiers, conflict declaration, the scoring grid."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from ami.forms.evaluation import DeclarationForm, GridForm
from ami.selectors import evaluation_notes, evaluation_of, evaluations_to_do, last_version, other_submitted_grids
from ami.services.evaluation import (
    evaluation_declare,
    evaluation_get_or_create,
    evaluation_save,
    evaluation_submit,
    scored_criteria,
)
from ami.views.objects import DossierObjectMixin
from mlhg_app.access import PermissionRequiredView
from mlhg_app.links import pk_url
from mlhg_app.refusals import refusal_as_message

GRID_SUBMITTED = "Votre grille est soumise. Vous pouvez désormais voir les grilles soumises par les autres évaluateurs."


class MyEvaluationsView(PermissionRequiredView, TemplateView):
    permission_required = "ami.evaluate"
    template_name = "ami/evaluation/list.html"

    def get_context_data(self, **kwargs):
        rows = evaluations_to_do(self.request.user)
        url = pk_url("ami:evaluation")
        for row in rows:
            row["url"] = url(row["pk"])
        return {**super().get_context_data(**kwargs), "rows": rows}


class EvaluationView(DossierObjectMixin, PermissionRequiredView, View):
    """GET: the declaration, then the dossier beside the grid. POST: save or submit the grid."""

    permission_required = "ami.evaluate_dossier"
    template_name = "ami/evaluation/grid.html"

    def render_page(self, request, dossier, evaluation, form=None, declaration=None, status=200):
        criteres = scored_criteria(dossier.ami)
        notes = evaluation_notes(evaluation)
        if form is None and evaluation and evaluation.conflit is False:
            form = GridForm(criteres=criteres, notes=notes)
        # The dossier's content only once readable (`ami.read_dossier`: declared no conflict).
        version = last_version(dossier) if request.user.has_perm("ami.read_dossier", dossier) else None
        context = {
            "dossier": dossier,
            "evaluation": evaluation,
            "declaration": declaration or DeclarationForm(),
            "form": form,
            "version": version,
            "contenu": version.contenu if version else None,
            "notes": notes,
            "others": list(other_submitted_grids(evaluation)),
            "criteres": criteres,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        dossier = self.dossier
        evaluation = evaluation_of(dossier, request.user)
        return self.render_page(request, dossier, evaluation)

    def post(self, request, pk):
        dossier = self.dossier
        evaluation = evaluation_get_or_create(dossier=dossier, user=request.user)
        if evaluation.submitted_at is not None:
            messages.error(request, "Votre grille est déjà soumise : elle ne peut plus être modifiée.")
            return redirect("ami:evaluation", pk=dossier.pk)
        submitting = "soumettre" in request.POST
        form = GridForm(request.POST, criteres=scored_criteria(dossier.ami), submitting=submitting)
        if not form.is_valid():
            messages.error(request, "La grille contient des erreurs : corrigez les champs signalés.")
            return self.render_page(request, dossier, evaluation, form=form)
        with refusal_as_message(request):
            evaluation_save(evaluation=evaluation, scores=form.scores())
            if submitting:
                evaluation_submit(evaluation=evaluation)
                messages.success(request, GRID_SUBMITTED)
            else:
                messages.success(request, "Grille enregistrée. Vous pourrez la reprendre et la soumettre plus tard.")
        return redirect("ami:evaluation", pk=dossier.pk)


class EvaluationDeclareView(DossierObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.evaluate_dossier"
    http_method_names = ["post"]

    def post(self, request, pk):
        dossier = self.dossier
        form = DeclarationForm(request.POST)
        if not form.is_valid():
            evaluation = evaluation_of(dossier, request.user)
            return EvaluationView().render_page(request, dossier, evaluation, declaration=form)
        with refusal_as_message(request):
            evaluation_declare(dossier=dossier, user=request.user, **form.cleaned_data)
            if form.cleaned_data["conflit"]:
                messages.info(request, "Conflit d'intérêts enregistré : vous êtes exclu de l'évaluation de ce dossier.")
                return redirect("ami:my_evaluations")
            messages.success(request, "Absence de conflit d'intérêts enregistrée : vous pouvez évaluer ce dossier.")
        return redirect("ami:evaluation", pk=dossier.pk)
