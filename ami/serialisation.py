"""The canonical serialisation of a dossier, and its SHA-256.

A submitted version stores `dossier_content(dossier)` as JSON and the hash of
`{"contenu": ..., "fichiers": [...]}` where each file appears with its own
SHA-256. The JSON is canonical (sorted keys, no spaces, UTF-8, decimals as
strings), so the hash can be recomputed from the stored version at any time.
"""

import hashlib
import json

from ami.models import Dossier, DossierVersion, Fichier


def _text(value) -> str:
    return "" if value is None else str(value)


def fichier_entry(fichier: Fichier) -> dict:
    return {
        "id": fichier.pk,
        "kind": fichier.kind,
        "nom": fichier.nom,
        "taille": fichier.taille,
        "sha256": fichier.sha256,
        "intervenant": fichier.intervenant_id,
    }


def draft_files(dossier: Dossier) -> list[Fichier]:
    """The files attached to the draft, by id (the list `ami.completeness.dossiers_prefetch` loaded, if so)."""
    attached = getattr(dossier, "fichiers_brouillon", None)
    if attached is None:
        attached = [f for f in dossier.fichiers.all() if f.detache_at is None]
    return sorted(attached, key=lambda f: f.pk)


def dossier_content(dossier: Dossier) -> dict:
    """Everything the candidate wrote, in the six sections of seed §7.1."""
    prestataire = dossier.prestataire
    files = draft_files(dossier)
    cv_by_intervenant = {f.intervenant_id: f.pk for f in files if f.kind == Fichier.Kind.CV}
    return {
        "ami": {"reference": dossier.ami.reference, "titre": dossier.ami.titre},
        "prestataire": {
            "raison_sociale": prestataire.raison_sociale,
            "statut_juridique": prestataire.statut_juridique,
            "siret": prestataire.siret,
            "adresse": f"{prestataire.adresse}, {prestataire.code_postal} {prestataire.ville}",
            "contact": prestataire.contact_nom,
            "telephone": prestataire.contact_telephone,
        },
        "structure": {
            "presentation": dossier.presentation,
            "statut_juridique": dossier.statut_juridique,
            "activite": dossier.activite,
            "references_resume": dossier.references_resume,
        },
        "equipe": [
            {
                "id": i.pk,
                "prenom": i.prenom,
                "nom": i.nom,
                "qualification": i.qualification,
                "qualification_libelle": i.get_qualification_display(),
                "qualification_autre": i.qualification_autre,
                "annees_experience_app": i.annees_experience_app,
                "antennes": sorted(a.nom for a in i.antennes.all()),
                "cv": cv_by_intervenant.get(i.pk),
            }
            for i in dossier.intervenants.all()
        ],
        "methodologie": {
            "approche": dossier.approche,
            "approche_libelle": dossier.get_approche_display() if dossier.approche else "",
            "approche_autre": dossier.approche_autre,
            "justification": dossier.justification,
            "deroule": [{"libelle": e.libelle, "duree_minutes": e.duree_minutes} for e in dossier.etapes.all()],
            "posture": dossier.posture,
            "garantie_cadre": dossier.garantie_cadre,
            "garantie_non_jugement": dossier.garantie_non_jugement,
            "garantie_intelligence_collective": dossier.garantie_intelligence_collective,
            "garantie_problematique": dossier.garantie_problematique,
        },
        "references": [
            {"structure": r.structure, "annee": r.annee, "contact": r.contact, "description": r.description}
            for r in dossier.references.all()
        ],
        "financier": {
            "prix_seance_groupe": _text(dossier.prix_seance_groupe),
            "prix_seance_sous_groupe": _text(dossier.prix_seance_sous_groupe),
            "regime_tva": dossier.regime_tva,
            "taux_tva": _text(dossier.taux_tva),
            "mention_exoneration": dossier.mention_exoneration,
            "modalites_facturation": dossier.modalites_facturation,
            "volume_base": dossier.ami.volume_minimal,
        },
        "disponibilites": {
            "demarrage_septembre": dossier.demarrage_septembre,
            "demarrage_commentaire": dossier.demarrage_commentaire,
            "antennes_couvertes": sorted(a.nom for a in dossier.antennes_couvertes.all()),
        },
        "fichiers": [fichier_entry(f) for f in files],
    }


def canonical_json(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(contenu: dict) -> str:
    """SHA-256 of the canonical content, the files' own hashes included."""
    return hashlib.sha256(canonical_json(contenu)).hexdigest()


def file_sha256(fichier: Fichier) -> str:
    digest = hashlib.sha256()
    with fichier.fichier.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def version_verify(version: DossierVersion) -> bool:
    """Recompute the hash from the stored version: its JSON and its files' bytes."""
    stored = {f["id"]: f["sha256"] for f in version.contenu.get("fichiers", [])}
    for fichier in version.fichiers.all():
        if stored.get(fichier.pk) != file_sha256(fichier):
            return False
    if set(stored) != {f.pk for f in version.fichiers.all()}:
        return False
    return content_hash(version.contenu) == version.sha256


# What `dossier_content` reads of a dossier besides its AMI and organisation.
CONTENT_PREFETCH = ("intervenants__antennes", "etapes", "references", "fichiers", "antennes_couvertes")


def dossier_queryset_for_content():
    return Dossier.objects.select_related("ami", "prestataire").prefetch_related(*CONTENT_PREFETCH)
