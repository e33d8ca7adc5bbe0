"""The prestataire's dossier, section by section, and its files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from ami.completeness import SECTIONS, dossier_completeness
from ami.forms.dossier import SECTION_CLASSES
from ami.selectors import dossier_of, dossier_path, draft_fichiers, fichier_of_dossier, prestataire_of
from ami.services.dossier import dossier_is_editable, dossier_start, fichier_remove
from ami.views.objects import AMIObjectMixin, DossierObjectMixin, dossier_refusal
from mlhg_app import redirects
from mlhg_app.access import PermissionRequiredView, permission_object


class DossierStartView(AMIObjectMixin, PermissionRequiredView, View):
    """Start the organisation's candidature to an AMI (or go to the one already started)."""

    permission_required = "ami.apply_ami"
    template_name = "ami/dossier/start.html"

    def _context(self, request, reference):
        ami = self.ami
        prestataire = prestataire_of(request.user)
        if prestataire is None:
            raise Http404("Aucune organisation")
        return ami, prestataire

    def _closed(self, request, ami):
        messages.error(
            request,
            _("Cet appel n'est pas ouvert aux candidatures : la date limite est passée ou il n'est pas publié."),
        )
        return redirect("ami:detail", reference=ami.reference)

    def get(self, request, reference):
        ami, prestataire = self._context(request, reference)
        existing = dossier_of(ami, prestataire)
        if existing is not None:
            return redirect("ami:dossier", pk=existing.pk)
        if not ami.is_open():
            return self._closed(request, ami)
        return render(request, self.template_name, {"ami": ami, "prestataire": prestataire})

    def post(self, request, reference):
        ami, prestataire = self._context(request, reference)
        try:
            dossier, created = dossier_start(ami=ami, prestataire=prestataire)
        except ValidationError:
            return self._closed(request, ami)
        if created:
            messages.success(request, _("Votre dossier est créé : complétez les six sections, dans l'ordre voulu."))
        return redirect("ami:dossier", pk=dossier.pk)


class DossierOverviewView(DossierObjectMixin, PermissionRequiredView, View):
    """The dossier's status and the completeness panel, then the submission panel."""

    permission_required = "ami.change_dossier"

    def get(self, request, pk):
        dossier = self.dossier
        completeness = dossier_completeness(dossier)
        completes = sum(1 for state in completeness if state.complete)
        return render(
            request,
            "ami/dossier/overview.html",
            {
                "dossier": dossier,
                "ami": dossier.ami,
                "completeness": completeness,
                "sections_completes": completes,
                "sections_total": len(completeness),
                "dossier_complete": completes == len(completeness),
                "deadline_passed": dossier.ami.is_past_deadline(),
                "editable": dossier_is_editable(dossier),
                "path": dossier_path(dossier),
            },
        )


class DossierSectionView(DossierObjectMixin, PermissionRequiredView, View):
    """One of the six sections, saved as a draft."""

    permission_required = "ami.change_dossier"
    template_name = "ami/dossier/section.html"

    def section_url(self, dossier, section) -> str:
        return reverse("ami:dossier_section", kwargs={"pk": dossier.pk, "section": section})

    def back_url(self, dossier) -> str:
        return reverse("ami:dossier", kwargs={"pk": dossier.pk})

    def _section(self, request, pk, section):
        if section not in SECTION_CLASSES:
            raise Http404("Section inconnue")
        return self.dossier, SECTION_CLASSES[section]

    def _render(self, request, dossier, form_section, status=200):
        context = {
            "dossier": dossier,
            "ami": dossier.ami,
            "section": form_section,
            "sections": [(code, str(titre)) for code, titre in SECTIONS],
            "editable": dossier_is_editable(dossier),
            "deadline_passed": dossier.ami.is_past_deadline(),
            "fichiers_brouillon": draft_fichiers(dossier),
            "back_url": self.back_url(dossier),
            **form_section.context(),
            **self.page_context(),
        }
        return render(request, self.template_name, context, status=status)

    def page_context(self) -> dict:
        """What a subclass adds to the page (the staff's intake of a dossier received by email)."""
        return {"back_page": "page du dossier", "back_label": "Retour au dossier"}

    def get(self, request, pk, section):
        dossier, section_class = self._section(request, pk, section)
        return self._render(request, dossier, section_class(dossier))

    def post(self, request, pk, section):
        dossier, section_class = self._section(request, pk, section)
        if not dossier_is_editable(dossier):
            messages.error(request, _("Ce dossier a été examiné : il ne peut plus être modifié."))
            return redirect(self.back_url(dossier))
        form_section = section_class(dossier, request.POST, request.FILES)
        kept = ", ".join(f"« {f.nom} »" for f in form_section.kept)
        if "ajouter" in request.POST and form_section.add_row(request.POST["ajouter"]):
            if kept:
                messages.info(request, _("Fichiers enregistrés : %(noms)s.") % {"noms": kept})
            return self._render(request, dossier, form_section)
        if form_section.save():
            messages.success(
                request, _("Section « %(titre)s » enregistrée (brouillon).") % {"titre": form_section.titre}
            )
            return redirect(self.section_url(dossier, section))
        messages.error(request, _("La section n'a pas été enregistrée : corrigez les champs signalés."))
        if kept:
            messages.info(
                request,
                _("Fichiers conservés malgré les erreurs : %(noms)s. Inutile de les envoyer à nouveau.")
                % {"noms": kept},
            )
        return self._render(request, dossier, form_section)


class FichierDownloadView(
    permission_object("fichier", fichier_of_dossier, kwarg=("pk", "fichier_pk")), PermissionRequiredView, View
):
    """A dossier's file, for those who may read it (never served directly from MEDIA_ROOT)."""

    permission_required = "ami.view_fichier"

    def get_permission_denied_message(self):
        return dossier_refusal(self.request.user, self.fichier.dossier) if self.request.user.is_authenticated else ""

    def get(self, request, pk, fichier_pk):
        fichier = self.fichier
        try:
            handle = fichier.fichier.open("rb")
        except FileNotFoundError as exc:
            raise Http404("Fichier absent du stockage") from exc
        response = FileResponse(handle, as_attachment=True, filename=fichier.nom, content_type=fichier.type_mime)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class FichierRemoveView(DossierObjectMixin, PermissionRequiredView, View):
    """Remove a file from the draft (a file of a submitted version stays with it)."""

    permission_required = "ami.change_dossier"
    http_method_names = ["post"]

    def post(self, request, pk, fichier_pk):
        dossier = self.dossier
        fichier = get_object_or_404(draft_fichiers(dossier), pk=fichier_pk)
        next_url = redirects.next_url(request, default=reverse("ami:dossier", kwargs={"pk": dossier.pk}))
        if not dossier_is_editable(dossier):
            messages.error(request, _("Ce dossier a été examiné : il ne peut plus être modifié."))
            return redirect(next_url)
        nom = fichier.nom
        fichier_remove(fichier=fichier)
        messages.success(request, _("Le fichier « %(nom)s » est retiré du brouillon.") % {"nom": nom})
        return redirect(next_url)
