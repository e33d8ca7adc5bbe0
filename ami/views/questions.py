"""Questions and answers: a candidate asks from the AMI's page; staff see who asked, rewrite the question,
answer, and publish to all once they confirm."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from ami import selectors
from ami.forms.authoring import AnswerForm, QuestionAskForm
from ami.models import Question
from ami.services.questions import question_answer_save, question_ask, question_publish
from ami.views.objects import AMIObjectMixin
from ami.views.public import public_page_context
from mlhg_app.access import PermissionRequiredView, permission_object
from mlhg_app.french import deadline_text
from mlhg_app.refusals import Refused, refusal_as_message, refusal_on_form


class QuestionAskView(AMIObjectMixin, PermissionRequiredView, View):
    """POST from the AMI's public page; a refusal shows the page again with the question kept."""

    permission_required = "ami.ask_question"
    http_method_names = ["post"]

    def post(self, request, reference):
        form = QuestionAskForm(request.POST)
        if form.is_valid():
            try:
                question_ask(ami=self.ami, user=request.user, texte=form.cleaned_data["texte"])
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(
                    request,
                    "Votre question est transmise à la MLHG. Sa réponse sera publiée sur cette page pour tous les "
                    "candidats, avec la question reformulée, sans votre nom ni celui de votre organisation.",
                )
                return redirect(reverse("ami:detail", kwargs={"reference": self.ami.reference}) + "#questions")
        ami = selectors.ami_public_detail(self.ami.reference)
        context = public_page_context(request, ami, question_form=form)
        return render(request, "ami/ami/detail.html", context)


class QuestionListView(AMIObjectMixin, PermissionRequiredView, TemplateView):
    permission_required = "ami.manage_questions"
    template_name = "ami/authoring/questions.html"

    def get_context_data(self, **kwargs):
        ami = self.ami
        questions = list(selectors.questions_for_staff(ami))
        return {
            **super().get_context_data(**kwargs),
            "ami": ami,
            "pending": [q for q in questions if not q.is_published],
            "published": [q for q in questions if q.is_published],
            "questions_deadline": deadline_text(ami.questions_deadline),
        }


def _question(pk):
    return get_object_or_404(Question.objects.select_related("ami", "posee_par", "prestataire"), pk=pk)


class _QuestionMixin(permission_object("question", _question), PermissionRequiredView):
    permission_required = "ami.answer_question"


class QuestionAnswerView(_QuestionMixin, View):
    """Staff rewrite the question and answer it (a draft); publishing is the next, confirmed step."""

    template_name = "ami/authoring/question_answer.html"

    def render_page(self, request, form):
        return render(request, self.template_name, {"question": self.question, "ami": self.question.ami, "form": form})

    def get(self, request, pk):
        q = self.question
        return self.render_page(
            request, AnswerForm(initial={"question_publiee": q.question_publiee, "reponse": q.reponse})
        )

    def post(self, request, pk):
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                question_answer_save(question=self.question, **form.cleaned_data, by=request.user)
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                if request.POST.get("action") == "publier":
                    return redirect("ami:question_publish", pk=self.question.pk)
                messages.success(request, "Brouillon de réponse enregistré : rien n'est encore publié.")
                return redirect("ami:question_answer", pk=self.question.pk)
        return self.render_page(request, form)


class QuestionPublishView(_QuestionMixin, View):
    """What will be published and who will be told; the publication once staff confirm."""

    template_name = "ami/authoring/question_publish.html"

    def get(self, request, pk):
        q = self.question
        context = {"question": q, "ami": q.ami, "recipients": selectors.candidats_inscrits(q.ami).count()}
        return render(request, self.template_name, context)

    def post(self, request, pk):
        with refusal_as_message(request):
            question = question_publish(question=self.question, by=request.user)
            messages.success(
                request,
                f"Question n° {question.numero} publiée avec sa réponse ; chaque candidat inscrit la reçoit par courriel.",
            )
            return redirect("ami:questions", reference=question.ami.reference)
        return redirect("ami:question_answer", pk=self.question.pk)
