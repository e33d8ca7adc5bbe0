"""What a dossier still lacks, section by section (the completeness panel; submission needs all six)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ami.models import Dossier, Fichier

DUREE_SEANCE_MINUTES = 120

# The six sections of seed §7.1, in order: (code = URL slug, title).
SECTIONS: list[tuple[str, str]] = [
    ("structure", gettext_lazy("1. Structure")),
    ("equipe", gettext_lazy("2. Équipe d'intervenants")),
    ("methodologie", gettext_lazy("3. Méthodologie")),
    ("references", gettext_lazy("4. Références")),
    ("financier", gettext_lazy("5. Proposition financière")),
    ("disponibilites", gettext_lazy("6. Disponibilités")),
]
SECTION_TITLES = dict(SECTIONS)
GARANTIES = ["garantie_cadre", "garantie_non_jugement", "garantie_intelligence_collective", "garantie_problematique"]


@dataclass
class SectionState:
    code: str
    numero: int
    titre: str
    missing: list[str] = field(default_factory=list)
    complete: bool = False
    url: str = ""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _label(name: str) -> str:
    return str(Dossier._meta.get_field(name).verbose_name)


def dossiers_prefetch(dossiers) -> None:
    """Load what the completeness checks read for several dossiers at once, in the same 5 queries."""
    prefetch_related_objects(
        list(dossiers),
        "etapes",
        "references",
        "intervenants__antennes",
        Prefetch(
            "fichiers",
            queryset=Fichier.objects.filter(detache_at__isnull=True).order_by("uploaded_at", "pk"),
            to_attr="fichiers_brouillon",
        ),
    )


def dossier_prefetch(dossier: Dossier) -> Dossier:
    """Load what the completeness checks read, in a fixed number of queries (5), whatever the size."""
    dossiers_prefetch([dossier])
    return dossier


def _structure(d: Dossier) -> list[str]:
    missing = []
    if _blank(d.presentation):
        missing.append(_("La présentation de la structure n'est pas renseignée."))
    if _blank(d.statut_juridique):
        missing.append(_("Le statut juridique n'est pas renseigné."))
    if _blank(d.activite):
        missing.append(_("L'activité n'est pas renseignée."))
    return missing


def _equipe(d: Dossier) -> list[str]:
    intervenants = list(d.intervenants.all())
    if not intervenants:
        return [_("Aucun intervenant n'est proposé.")]
    with_cv = {f.intervenant_id for f in d.fichiers_brouillon if f.kind == Fichier.Kind.CV and f.intervenant_id}
    missing = []
    for intervenant in intervenants:
        if intervenant.qualification == intervenant.Qualification.AUTRE and _blank(intervenant.qualification_autre):
            missing.append(_("%(nom)s : précisez la qualification.") % {"nom": intervenant})
        if intervenant.pk not in with_cv:
            missing.append(_("%(nom)s : CV manquant.") % {"nom": intervenant})
        if not intervenant.antennes.all():
            missing.append(_("%(nom)s : aucune antenne couverte.") % {"nom": intervenant})
    return missing


def _methodologie(d: Dossier) -> list[str]:
    missing = []
    if _blank(d.approche):
        missing.append(_("L'approche méthodologique n'est pas choisie."))
    elif d.approche == Dossier.Approche.AUTRE and _blank(d.approche_autre):
        missing.append(_("Précisez l'approche (« autre approche »)."))
    if _blank(d.justification):
        missing.append(_("La justification de l'approche n'est pas renseignée."))
    etapes = list(d.etapes.all())
    total = sum(e.duree_minutes for e in etapes)
    if not etapes:
        missing.append(_("Le déroulé type d'une séance ne compte aucune étape."))
    elif total != DUREE_SEANCE_MINUTES:
        missing.append(_("Les étapes du déroulé totalisent %(total)s minutes au lieu de 120.") % {"total": total})
    if _blank(d.posture):
        missing.append(_("La posture de l'intervenant n'est pas renseignée."))
    for name in GARANTIES:
        if _blank(getattr(d, name)):
            missing.append(_("La garantie « %(garantie)s » n'est pas renseignée.") % {"garantie": _label(name)})
    return missing


def _references(d: Dossier) -> list[str]:
    if not d.references.all():
        return [_("Aucune référence n'est indiquée.")]
    return []


def _financier(d: Dossier) -> list[str]:
    missing = []
    if d.prix_seance_groupe is None:
        missing.append(_("Le prix HT d'une séance en groupe complet n'est pas renseigné."))
    if d.prix_seance_sous_groupe is None:
        missing.append(_("Le prix HT d'une séance en sous-groupe n'est pas renseigné."))
    if _blank(d.regime_tva):
        missing.append(_("Le régime de TVA n'est pas choisi."))
    elif d.regime_tva == Dossier.RegimeTVA.ASSUJETTI and d.taux_tva is None:
        missing.append(_("Le taux de TVA n'est pas renseigné."))
    elif d.regime_tva == Dossier.RegimeTVA.EXONERE and _blank(d.mention_exoneration):
        missing.append(_("La mention légale d'exonération de TVA n'est pas renseignée."))
    if _blank(d.modalites_facturation):
        missing.append(_("Les modalités de facturation ne sont pas renseignées."))
    return missing


def _disponibilites(d: Dossier) -> list[str]:
    if d.disponibilites_saisies_at is None:
        return [_("La section n'a pas encore été enregistrée.")]
    if d.demarrage_septembre is None:
        return [_("La capacité à démarrer en septembre %(annee)s n'est pas indiquée.") % {"annee": d.ami.annee}]
    return []


CHECKS = {
    "structure": _structure,
    "equipe": _equipe,
    "methodologie": _methodologie,
    "references": _references,
    "financier": _financier,
    "disponibilites": _disponibilites,
}


def dossier_completeness(dossier: Dossier) -> list[SectionState]:
    """The six sections in order, each with what is missing (French sentences) and the link to edit it.

    Runs a constant number of queries (`dossier_prefetch`), whatever the number of
    intervenants, steps, references and files.
    """
    dossier_prefetch(dossier)
    states = []
    for numero, (code, titre) in enumerate(SECTIONS, start=1):
        missing = CHECKS[code](dossier)
        states.append(
            SectionState(
                code=code,
                numero=numero,
                titre=str(titre),
                missing=missing,
                complete=not missing,
                url=reverse("ami:dossier_section", kwargs={"pk": dossier.pk, "section": code}),
            )
        )
    return states


def dossier_is_complete(dossier: Dossier) -> bool:
    """True when all six sections are complete (a condition of submission)."""
    return all(state.complete for state in dossier_completeness(dossier))
