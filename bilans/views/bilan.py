"""Pages of the bilan: the list, a bilan (figures, sections, comments, versions), writing, review, charts."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from bilans import charts, selectors
from bilans.forms.bilan import CommentForm, ReplyForm, SectionsForm, ThresholdForm
from bilans.models import Bilan
from bilans.services import opening, review, threshold, writing
from bilans.views.objects import BilanObject, version_number
from mlhg_app.access import PermissionRequiredView
from mlhg_app.refusals import ActionView, FormPageView, Refused, refusal_as_message
from seances.views.permission_objects import ProgrammeObject

CHARTS = {"themes": charts.themes_svg, "sites": charts.sites_svg}


class BilanListView(PermissionRequiredView, View):
    """Each role's bilans: the prestataire its own (and the one to open), the responsable and staff the
    remitted ones, each year beside the previous; staff also set k per programme."""

    permission_required = "bilans.view"

    def get(self, request):
        user = request.user
        bilans = list(selectors.bilans_visible_to(user).order_by("-programme__annee_debut"))
        context = {
            "bilans": bilans,
            "a_ouvrir": selectors.programmes_without_bilan(user),
            "latest": bilans[0] if bilans else None,
            "writes_bilans": user.has_perm("bilans.write"),
            "trends": selectors.theme_trends(bilans[0]) if bilans and not user.has_perm("bilans.write") else [],
        }
        if user.has_perm("bilans.set_threshold"):
            context["programmes"] = selectors.programmes_with_threshold()
        return render(request, "bilans/list.html", context)


class BilanOpenView(ProgrammeObject, ActionView):
    permission_required = "bilans.write_bilan"

    def act(self, request):
        self.bilan = opening.bilan_open(programme=self.programme, user=request.user)
        return f"Le bilan {self.bilan.annee} est ouvert, pré-rempli avec les chiffres de l'année."

    def redirect_url(self):
        return reverse("bilans:detail", args=[self.bilan.pk])

    def refused_url(self):
        return reverse("bilans:list")


class ThresholdView(ProgrammeObject, ActionView):
    permission_required = "bilans.set_threshold"

    def act(self, request):
        form = ThresholdForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("seuil_k", []):
                messages.error(request, error)
            return None
        bilan = threshold.k_default_set(programme=self.programme, user=request.user, k=form.cleaned_data["seuil_k"])
        return f"Le seuil d'anonymat du bilan {bilan.annee} est fixé à k = {bilan.seuil_k}."

    def redirect_url(self):
        return reverse("bilans:list")


class BilanDetailView(BilanObject, PermissionRequiredView, View):
    permission_required = "bilans.view_bilan"

    def get(self, request, pk):
        bilan = self.bilan
        user = request.user
        shown = selectors.bilan_shown(bilan, user, numero=version_number(request))
        latest = selectors.latest_version(bilan)
        viewing_latest = shown["version"] is not None and latest is not None and shown["version"].pk == latest.pk
        writer = selectors.is_writer(user, bilan)
        comments = selectors.comments_by_section(shown["version"] or latest)
        for text in shown["texts"]:
            text["commentaires"] = comments.get(text["key"], [])
        context = {
            "bilan": bilan,
            "shown": shown,
            "synthese": shown["synthese"],
            "versions": list(bilan.versions.all()),
            "latest": latest,
            "writer": writer,
            "can_write": writer and bilan.status in selectors.WRITABLE,
            "remise_refusal": writing.remise_refusal(bilan) if writer else "",
            "refusals": writing.section_refusals(bilan) if writer and bilan.status in selectors.WRITABLE else {},
            "can_review": user.has_perm("bilans.review_bilan", bilan)
            and bilan.status in selectors.REVIEWABLE
            and viewing_latest,
            "can_reply": writer and bilan.status == Bilan.Status.COMMENTE,
            "can_meet": selectors.can_meet(user, bilan),
            "reunion": selectors.reunion_text(bilan),
            "exports": selectors.exports_of(bilan, user),
            "trends": selectors.theme_trends(bilan) if latest else [],
            "chart_themes": charts.themes_svg(shown["synthese"]),
            "chart_sites": charts.sites_svg(shown["synthese"]),
            "comment_form": CommentForm(),
            "reply_form": ReplyForm(),
        }
        return render(request, "bilans/detail.html", context)


class BilanWriteView(BilanObject, FormPageView):
    permission_required = "bilans.write_bilan"
    template_name = "bilans/write.html"

    def page_context(self):
        return {"bilan": self.bilan, "synthese": selectors.synthese_live(self.bilan)}

    def get(self, request, pk):
        bilan = self.bilan
        if bilan.status not in selectors.WRITABLE:
            messages.info(request, f"Le bilan est {bilan.get_status_display()} : il n'est plus modifiable.")
            return redirect("bilans:detail", pk=bilan.pk)
        form = SectionsForm(initial={key: bilan.section_text(key) for key, _label in selectors.SECTIONS})
        return self.page(request, form=form, refusals=writing.section_refusals(bilan))

    def post(self, request, pk):
        bilan = self.bilan
        form = SectionsForm(request.POST)
        if not form.is_valid():
            return self.page(request, form=form, refusals={})
        with refusal_as_message(request):
            refusals = writing.bilan_write(bilan=bilan, user=request.user, texts=form.cleaned_data)
            if refusals:
                terms = ", ".join(f"« {t} »" for ts in refusals.values() for t in ts)
                messages.warning(
                    request,
                    f"Brouillon enregistré, mais il contient des éléments identifiants : {terms}. "
                    "Retirez-les : un bilan qui en contient ne peut pas être remis.",
                )
                bilan.refresh_from_db()
                return self.page(request, form=form, refusals=refusals)
            messages.success(request, "Le bilan est enregistré.")
        return redirect("bilans:detail", pk=bilan.pk)


class BilanAction(BilanObject, ActionView):
    """A POST from the bilan's page; back to it."""

    def redirect_url(self):
        return reverse("bilans:detail", args=[self.bilan.pk])


class BilanRemettreView(BilanAction):
    permission_required = "bilans.write_bilan"

    def act(self, request):
        version = writing.bilan_remettre(bilan=self.bilan, user=request.user)
        return f"La version {version.numero} du bilan est remise : le responsable de secteur est prévenu."


class CommentView(BilanAction):
    permission_required = "bilans.review_bilan"

    def act(self, request):
        form = CommentForm(request.POST)
        if not form.is_valid():
            raise Refused("Écrivez votre commentaire.")
        review.comment_add(bilan=self.bilan, user=request.user, **form.cleaned_data)
        return "Votre commentaire est enregistré : le prestataire est prévenu."


class ReplyView(BilanAction):
    permission_required = "bilans.write_bilan"

    def get_permission_object(self):
        if not hasattr(self, "commentaire"):
            self.commentaire = selectors.commentaire_get(self.kwargs["pk"])
            self.bilan = self.commentaire.version.bilan
        return self.commentaire

    def act(self, request):
        form = ReplyForm(request.POST)
        if not form.is_valid():
            raise Refused("Écrivez votre réponse.")
        review.comment_reply(commentaire=self.commentaire, user=request.user, reponse=form.cleaned_data["reponse"])
        return "Votre réponse est enregistrée."


class ValidateView(BilanAction):
    permission_required = "bilans.review_bilan"

    def act(self, request):
        review.bilan_validate(bilan=self.bilan, user=request.user)
        return f"Le bilan {self.bilan.annee} est validé : le prestataire est prévenu."


class ChartView(BilanObject, PermissionRequiredView, View):
    permission_required = "bilans.view_bilan"

    def get(self, request, pk, name):
        if name not in CHARTS:
            raise Http404("Graphique inconnu")
        bilan = self.bilan
        shown = selectors.bilan_shown(bilan, request.user, numero=version_number(request))
        response = HttpResponse(CHARTS[name](shown["synthese"]), content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response
