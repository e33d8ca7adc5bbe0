"""The prestataire's dossier, section by section, with its files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views import View

from ami import forms_dossier as F
from ami.completeness import SECTIONS, dossier_completeness
from ami.models import Fichier
from ami.results import dossier_draft_totals
from ami.selectors import ami_public_detail, dossier_for_member, fichier_for, prestataire_of
from ami.services.dossier import (
    DossierRefused,
    cv_attach,
    dossier_start,
    fichier_remove,
    letter_attach,
    ordered_etapes_save,
    section_save,
)
from mlhg_app.access import PermissionRequiredView

TITLES = dict(SECTIONS)


class DossierStartView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"

    def get(self, request, reference):
        ami = ami_public_detail(reference)
        prestataire = prestataire_of(request.user)
        existing = prestataire and ami.dossiers.filter(prestataire=prestataire).first()
        if existing:
            return redirect("ami:dossier", pk=existing.pk)
        if not ami.is_open():
            messages.error(request, "Cet appel n'est plus ouvert : la date limite de dépôt est passée.")
            return redirect("ami:detail", reference=ami.reference)
        return render(request, "ami/dossier/start.html", {"ami": ami, "prestataire": prestataire})

    def post(self, request, reference):
        ami = ami_public_detail(reference)
        prestataire = prestataire_of(request.user)
        if prestataire is None:
            raise Http404("Aucune organisation")
        try:
            dossier, created = dossier_start(ami=ami, prestataire=prestataire)
        except DossierRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("ami:detail", reference=ami.reference)
        if created:
            messages.success(
                request, "Votre candidature est ouverte : remplissez les six sections, dans l'ordre qui vous convient."
            )
        return redirect("ami:dossier", pk=dossier.pk)


class DossierOverviewView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"

    def get(self, request, pk):
        dossier = dossier_for_member(request.user, pk)
        completeness = dossier_completeness(dossier)
        done = sum(1 for s in completeness if s.complete)
        return render(
            request,
            "ami/dossier/overview.html",
            {
                "dossier": dossier,
                "completeness": completeness,
                "done": done,
                "percent": round(done * 100 / len(completeness)),
                "past_deadline": dossier.ami.is_past_deadline(),
            },
        )


class DossierSectionView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"

    def build(self, section, dossier, data=None):
        if section == "structure":
            return {"form": F.StructureForm(data, instance=dossier)}
        if section == "equipe":
            return {"formset": F.IntervenantFormSet(data, instance=dossier, prefix="intervenants")}
        if section == "methodologie":
            return {
                "form": F.MethodologieForm(data, instance=dossier),
                "formset": F.EtapeFormSet(data, instance=dossier, prefix="etapes"),
            }
        if section == "references":
            return {"formset": F.ReferenceFormSet(data, instance=dossier, prefix="references")}
        if section == "financier":
            return {"form": F.FinancierForm(data, instance=dossier)}
        if section == "disponibilites":
            return {"form": F.DisponibilitesForm(data, instance=dossier)}
        raise Http404("Section inconnue")

    def render_page(self, request, dossier, section, parts, upload_error=None):
        context = {
            "dossier": dossier,
            "section": section,
            "titre": TITLES[section],
            "upload_form": F.UploadForm(),
            "upload_error": upload_error,
            "past_deadline": dossier.ami.is_past_deadline(),
            **parts,
        }
        if section == "equipe":
            context["cvs"] = {
                f.intervenant_id: f for f in dossier.fichiers.filter(kind=Fichier.Kind.CV, detache_at__isnull=True)
            }
        if section == "references":
            context["lettres"] = dossier.fichiers.filter(kind=Fichier.Kind.RECOMMANDATION, detache_at__isnull=True)
        if section == "financier":
            context["totaux"] = dossier_draft_totals(dossier)
            context["volume"] = dossier.ami.volume_minimal
        if section == "methodologie":
            context["total_minutes"] = sum(e.duree_minutes for e in dossier.etapes.all())
        return render(request, f"ami/dossier/section_{section}.html", context)

    def get(self, request, pk, section):
        dossier = dossier_for_member(request.user, pk)
        return self.render_page(request, dossier, section, self.build(section, dossier))

    def post(self, request, pk, section):
        dossier = dossier_for_member(request.user, pk)
        if request.POST.get("action") == "upload":
            return self.upload(request, dossier, section)
        parts = self.build(section, dossier, request.POST)
        if not all(part.is_valid() for part in parts.values()):
            messages.error(
                request, "Certains champs sont à corriger : rien n'a été perdu, corrigez et enregistrez à nouveau."
            )
            return self.render_page(request, dossier, section, parts)
        section_save(dossier=dossier, forms=list(parts.values()))
        if section == "methodologie":
            ordered_etapes_save(formset=parts["formset"])
            total = sum(e.duree_minutes for e in dossier.etapes.all())
            if total != 120:
                messages.warning(
                    request,
                    f"Les étapes totalisent {total} minutes : le déroulé d'une séance doit totaliser 120 minutes (2 heures).",
                )
        if section == "disponibilites":
            from django.utils import timezone

            type(dossier).objects.filter(pk=dossier.pk).update(disponibilites_saisies_at=timezone.now())
        messages.success(request, f"Section « {TITLES[section]} » enregistrée.")
        return redirect("ami:dossier_section", pk=dossier.pk, section=section)

    def upload(self, request, dossier, section):
        form = F.UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "Choisissez un fichier à déposer.")
            return redirect("ami:dossier_section", pk=dossier.pk, section=section)
        try:
            if section == "equipe":
                intervenant = dossier.intervenants.filter(pk=request.POST.get("intervenant")).first()
                if intervenant is None:
                    raise Http404("Intervenant introuvable")
                fichier = cv_attach(dossier=dossier, intervenant=intervenant, uploaded=form.cleaned_data["fichier"])
            elif section == "references":
                fichier = letter_attach(dossier=dossier, uploaded=form.cleaned_data["fichier"])
            else:
                raise Http404("Pas de fichier dans cette section")
        except ValidationError as refusal:
            return self.render_page(
                request, dossier, section, self.build(section, dossier), upload_error=refusal.messages[0]
            )
        messages.success(request, f"Fichier « {fichier.nom} » déposé.")
        return redirect("ami:dossier_section", pk=dossier.pk, section=section)


class FichierDownloadView(PermissionRequiredView, View):
    permission_required = "ami.download_fichier"

    def get(self, request, pk, fichier_pk):
        fichier = fichier_for(request.user, pk, fichier_pk)
        response = FileResponse(
            fichier.fichier.open("rb"), as_attachment=True, filename=fichier.nom, content_type=fichier.type_mime
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class FichierRemoveView(PermissionRequiredView, View):
    permission_required = "ami.use_portal"
    http_method_names = ["post"]

    def post(self, request, pk, fichier_pk):
        dossier = dossier_for_member(request.user, pk)
        fichier = dossier.fichiers.filter(pk=fichier_pk, detache_at__isnull=True).first()
        if fichier is None:
            raise Http404("Fichier introuvable")
        section = "equipe" if fichier.kind == Fichier.Kind.CV else "references"
        fichier_remove(fichier=fichier)
        messages.success(request, f"Fichier « {fichier.nom} » retiré du dossier.")
        return redirect("ami:dossier_section", pk=dossier.pk, section=section)
