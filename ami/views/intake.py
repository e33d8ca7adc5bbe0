"""Staff record a dossier received by email: the message, its reception time, the sender's organisation,
the six parts typed with the portal's forms, then the seal (ami.services.intake)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ami.completeness import dossier_completeness
from ami.forms.intake import EmlForm, ManualForm, OrganisationForm, PieceForm, TimeCorrectionForm
from ami.models import DepotCourriel
from ami.services import intake as services
from ami.services.dossier import fichier_remove
from ami.services.intake import siret_owner_differs, stored_email
from ami.views.objects import AMIObjectMixin
from ami.views.portal import DossierSectionView
from mlhg_app import redirects
from mlhg_app.access import PermissionRequiredView, permission_object
from mlhg_app.refusals import Refused, refusal_as_message, refusal_on_form


class IntakeListView(AMIObjectMixin, PermissionRequiredView, View):
    """The dossiers received by email for an AMI, and the two ways to record one."""

    permission_required = "ami.record_intake"
    template_name = "ami/intake/list.html"

    def render_page(self, request, eml_form=None, manual_form=None):
        ami = self.ami
        depots = ami.depots_courriel.select_related("ami", "dossier__prestataire", "enregistre_par").order_by(
            "-enregistre_le"
        )
        return render(
            request,
            self.template_name,
            {
                "ami": ami,
                "depots": depots,
                "eml_form": eml_form or EmlForm(),
                "manual_form": manual_form or ManualForm(),
            },
        )

    def get(self, request, reference):
        return self.render_page(request)

    def post(self, request, reference):
        if request.POST.get("mode") == "manuel":
            form = ManualForm(request.POST)
            if form.is_valid():
                try:
                    depot = services.intake_record_manual(ami=self.ami, user=request.user, **form.cleaned_data)
                except Refused as refusal:
                    refusal_on_form(form, refusal)
                else:
                    messages.success(
                        request, "Courriel enregistré : identifiez maintenant l'organisation qui l'a envoyé."
                    )
                    return redirect("ami:intake_detail", pk=depot.pk)
            return self.render_page(request, manual_form=form)
        form = EmlForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                depot = services.intake_record_eml(ami=self.ami, upload=form.cleaned_data["eml"], user=request.user)
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, "Courriel enregistré : vérifiez l'heure de réception lue dans ses en-têtes.")
                return redirect("ami:intake_detail", pk=depot.pk)
        return self.render_page(request, eml_form=form)


def _depot(pk):
    return get_object_or_404(
        DepotCourriel.objects.select_related("ami", "dossier__prestataire", "dossier__ami", "enregistre_par"), pk=pk
    )


IntakeObjectMixin = permission_object("depot", _depot)


class IntakeDetailView(IntakeObjectMixin, PermissionRequiredView, View):
    """One received message: its headers and times, attachments, organisation, parts, seal."""

    permission_required = "ami.view_intake"
    template_name = "ami/intake/detail.html"

    def render_page(self, request, *, time_form=None, organisation_form=None, piece_form=None):
        depot = self.depot
        dossier = depot.dossier
        try:
            parsed = stored_email(depot)
        except ValueError:
            parsed = None
        organisation_form = organisation_form or OrganisationForm()
        owner = None
        if organisation_form.is_bound and organisation_form.data.get("siret"):
            owner = siret_owner_differs(
                "".join(organisation_form.data["siret"].split()), organisation_form.data.get("raison_sociale", "")
            )
        initial_time = timezone.localtime(depot.recu_le) if depot.recu_le else None
        context = {
            "depot": depot,
            "ami": depot.ami,
            "dossier": dossier,
            "parsed": parsed,
            "late": depot.is_late,
            "time_form": time_form or TimeCorrectionForm(initial={"recu_le": initial_time}),
            "organisation_form": organisation_form,
            "siret_owner": owner,
            "piece_form": piece_form or PieceForm(),
            "editable": request.user.has_perm("ami.change_intake", depot),
            "completeness": dossier_completeness(dossier) if dossier else [],
            "pieces": dossier.fichiers.filter(detache_at__isnull=True) if dossier else [],
            "version": dossier.versions.order_by("-numero").first() if dossier else None,
        }
        return render(request, self.template_name, context)

    def get(self, request, pk):
        return self.render_page(request)


class IntakeTimeView(IntakeDetailView):
    permission_required = "ami.change_intake"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = TimeCorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.intake_time_correct(depot=self.depot, user=request.user, **form.cleaned_data)
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, "Heure de réception corrigée ; la correction et son motif sont consignés.")
                return redirect("ami:intake_detail", pk=self.depot.pk)
        return self.render_page(request, time_form=form)


class IntakeIdentifyView(IntakeDetailView):
    permission_required = "ami.change_intake"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                dossier = services.intake_identify(
                    depot=self.depot,
                    organisation=form.cleaned_data,
                    user=request.user,
                    confirm_other_name=form.cleaned_data["confirmer"],
                )
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(
                    request,
                    f"Dossier de « {dossier.prestataire.raison_sociale} » ouvert : saisissez ses six parties.",
                )
                return redirect("ami:intake_detail", pk=self.depot.pk)
        return self.render_page(request, organisation_form=form)


class IntakeFileView(IntakeDetailView):
    permission_required = "ami.change_intake"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = PieceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                fichier = services.intake_file_add(depot=self.depot, upload=form.cleaned_data["fichier"])
            except Refused as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, f"Pièce « {fichier.nom} » ajoutée au dossier.")
                return redirect("ami:intake_detail", pk=self.depot.pk)
        return self.render_page(request, piece_form=form)


class IntakeFileRemoveView(IntakeObjectMixin, PermissionRequiredView, View):
    """Remove a piece from the dossier being typed (before its seal)."""

    permission_required = "ami.change_intake"
    http_method_names = ["post"]

    def post(self, request, pk, fichier_pk):
        depot = self.depot
        if depot.dossier is None:
            raise Http404("Organisation non identifiée")
        fichier = get_object_or_404(depot.dossier.fichiers.filter(detache_at__isnull=True), pk=fichier_pk)
        nom = fichier.nom
        fichier_remove(fichier=fichier)
        messages.success(request, f"La pièce « {nom} » est retirée du dossier.")
        return redirect(redirects.next_url(request, default=reverse("ami:intake_detail", kwargs={"pk": depot.pk})))


class IntakeSealView(IntakeObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.change_intake"
    http_method_names = ["post"]

    def post(self, request, pk):
        with refusal_as_message(request):
            version = services.intake_seal(depot=self.depot, user=request.user)
            if self.depot.is_late:
                messages.warning(
                    request,
                    "Dossier scellé et déclaré irrecevable : reçu après la date limite (dépôt tardif). "
                    "L'accusé de réception part à l'expéditeur.",
                )
            else:
                messages.success(
                    request,
                    f"Dossier scellé (version {version.numero}, empreinte {version.sha256[:12]}…) ; "
                    "l'accusé de réception part à l'expéditeur.",
                )
        return redirect("ami:intake_detail", pk=self.depot.pk)


class IntakeEmlView(IntakeObjectMixin, PermissionRequiredView, View):
    """The message as received (evidence), for staff."""

    permission_required = "ami.view_intake"

    def get(self, request, pk):
        depot = self.depot
        if not depot.eml:
            raise Http404("Aucun fichier .eml")
        response = FileResponse(
            depot.eml.open("rb"), as_attachment=True, filename=f"courriel-{depot.pk}.eml", content_type="message/rfc822"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class IntakeSectionView(IntakeObjectMixin, DossierSectionView):
    """One of the six parts of a dossier received by email, typed by staff with the portal's forms."""

    permission_required = "ami.change_intake"
    template_name = "ami/intake/section.html"

    def get_permission_object(self):
        depot = super().get_permission_object()
        if depot.dossier is None:
            raise Http404("Organisation non identifiée")
        self.dossier = depot.dossier
        return depot

    def get_permission_denied_message(self):
        return "Ce dossier reçu par courriel est scellé : il ne peut plus être modifié."

    def section_url(self, dossier, section) -> str:
        return reverse("ami:intake_section", kwargs={"pk": self.depot.pk, "section": section})

    def back_url(self, dossier) -> str:
        return reverse("ami:intake_detail", kwargs={"pk": self.depot.pk})

    def page_context(self) -> dict:
        return {"depot": self.depot, "back_page": "page du courriel", "back_label": "Retour au courriel"}
