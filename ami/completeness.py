"""What a dossier still misses, section by section (seed §7.1). Submission needs all six complete."""

from dataclasses import dataclass, field

from django.urls import reverse

from ami.models import Dossier, Intervenant

SECTIONS = [
    ("structure", "1. Structure"),
    ("equipe", "2. Équipe d'intervenants"),
    ("methodologie", "3. Méthodologie"),
    ("references", "4. Références"),
    ("financier", "5. Proposition financière"),
    ("disponibilites", "6. Disponibilités"),
]


@dataclass
class SectionState:
    code: str
    numero: int
    titre: str
    missing: list = field(default_factory=list)
    complete: bool = True
    url: str = ""


def _missing(dossier: Dossier) -> dict[str, list[str]]:
    intervenants = list(dossier.intervenants.all())
    files = [f for f in dossier.fichiers.all() if f.detache_at is None]
    cv_of = {f.intervenant_id for f in files if f.kind == "cv"}
    etapes = list(dossier.etapes.all())
    total = sum(e.duree_minutes for e in etapes)
    out = {code: [] for code, _ in SECTIONS}
    s = out["structure"]
    if not dossier.presentation.strip():
        s.append("la présentation de la structure")
    if not dossier.statut_juridique.strip():
        s.append("le statut juridique")
    if not dossier.activite.strip():
        s.append("l'activité")
    e = out["equipe"]
    if not intervenants:
        e.append("au moins un intervenant")
    for i in intervenants:
        if i.pk not in cv_of:
            e.append(f"le CV de {i.prenom} {i.nom}")
        if not list(i.antennes.all()):
            e.append(f"les antennes couvertes par {i.prenom} {i.nom}")
        if i.qualification == Intervenant.Qualification.AUTRE and not i.qualification_autre.strip():
            e.append(f"la qualification de {i.prenom} {i.nom}")
    m = out["methodologie"]
    if not dossier.approche:
        m.append("l'approche méthodologique")
    elif dossier.approche == Dossier.Approche.AUTRE and not dossier.approche_autre.strip():
        m.append("la précision de l'approche")
    if not dossier.justification.strip():
        m.append("la justification de l'approche")
    if not etapes:
        m.append("le déroulé type d'une séance")
    elif total != 120:
        m.append(f"un déroulé de 120 minutes (actuellement {total})")
    if not dossier.posture.strip():
        m.append("la posture de l'intervenant")
    for name, label in [
        ("garantie_cadre", "la garantie d'un cadre structuré et sécurisant"),
        ("garantie_non_jugement", "la garantie de non-jugement et de bienveillance"),
        ("garantie_intelligence_collective", "la garantie d'intelligence collective"),
        ("garantie_problematique", "la garantie d'une problématique posée par un membre du groupe"),
    ]:
        if not getattr(dossier, name).strip():
            m.append(label)
    if not list(dossier.references.all()):
        out["references"].append("au moins une référence")
    f = out["financier"]
    if dossier.prix_seance_groupe is None:
        f.append("le prix d'une séance en groupe complet")
    if dossier.prix_seance_sous_groupe is None:
        f.append("le prix d'une séance en sous-groupe")
    if not dossier.regime_tva:
        f.append("le régime de TVA")
    elif dossier.regime_tva == Dossier.RegimeTVA.ASSUJETTI and dossier.taux_tva is None:
        f.append("le taux de TVA")
    elif dossier.regime_tva == Dossier.RegimeTVA.EXONERE and not dossier.mention_exoneration.strip():
        f.append("la mention légale d'exonération")
    if not dossier.modalites_facturation.strip():
        f.append("les modalités de facturation")
    d = out["disponibilites"]
    if dossier.disponibilites_saisies_at is None:
        d.append("la couverture des antennes")
    if dossier.demarrage_septembre is None:
        d.append("la capacité à démarrer en septembre")
    return out


def dossier_completeness(dossier: Dossier) -> list[SectionState]:
    missing = _missing(dossier)
    return [
        SectionState(
            code=code,
            numero=index,
            titre=titre,
            missing=missing[code],
            complete=not missing[code],
            url=reverse("ami:dossier_section", args=[dossier.pk, code]) if dossier.pk else "",
        )
        for index, (code, titre) in enumerate(SECTIONS, start=1)
    ]


def dossier_is_complete(dossier: Dossier) -> bool:
    return all(section.complete for section in dossier_completeness(dossier))
