"""The AMI's part of a person's data export (registered in `AmiConfig.ready`; see mlhg_app/personal_data.py).

A prestataire's account: its organisation and the metadata of its organisation's dossiers
(status, dates, versions with their fingerprints, the files' names and sizes), never
their content nor the scores; the questions the person asked. An evaluator: their own conflict declarations and scores.
"""

from ami.models import Dossier, Evaluation, Membre, Question
from mlhg_app import personal_data
from mlhg_app.personal_data import iso


def organisation_of(user):
    membre = Membre.objects.select_related("prestataire").filter(user=user).first()
    if membre is None:
        return None
    p = membre.prestataire
    return {
        "raison_sociale": p.raison_sociale,
        "siret": p.siret,
        "adresse": f"{p.adresse}, {p.code_postal} {p.ville}",
        "membre_depuis": iso(membre.created_at),
        "adresse_verifiee_le": iso(membre.email_verified_at),
        "invite_par_un_collegue": membre.invited_by_id is not None,
    }


def dossiers_of(user):
    membre = Membre.objects.filter(user=user).first()
    if membre is None:
        return None
    dossiers = (
        Dossier.objects.filter(prestataire_id=membre.prestataire_id)
        .select_related("ami")
        .prefetch_related("versions", "fichiers")
        .order_by("created_at")
    )
    return [
        {
            "ami": d.ami.reference,
            "ami_titre": d.ami.titre,
            "statut": d.status,
            "cree_le": iso(d.created_at),
            "modifie_le": iso(d.updated_at),
            "versions_deposees": [
                {
                    "version": v.numero,
                    "deposee_le": iso(v.submitted_at),
                    "deposee_par_moi": v.submitted_by_id == user.pk,
                    "sha256": v.sha256,
                }
                for v in sorted(d.versions.all(), key=lambda v: v.numero)
            ],
            "pieces": [
                {
                    "nom": f.nom,
                    "type": f.kind,
                    "taille_octets": f.taille,
                    "sha256": f.sha256,
                    "deposee_le": iso(f.uploaded_at),
                }
                for f in d.fichiers.all()
            ],
        }
        for d in dossiers
    ]


def evaluations_of(user):
    evaluations = (
        Evaluation.objects.filter(evaluateur=user)
        .select_related("dossier__ami")
        .prefetch_related("notes__critere")
        .order_by("dossier__ami__reference", "dossier_id")
    )
    if not evaluations:
        return None
    return [
        {
            "ami": e.dossier.ami.reference,
            "dossier": e.dossier_id,
            "conflit_d_interets": e.conflit,
            "motif_du_conflit": e.conflit_motif,
            "declaration_le": iso(e.declared_at),
            "grille_soumise_le": iso(e.submitted_at),
            "notes": [
                {"critere": n.critere.code, "note": n.score, "commentaire": n.commentaire} for n in e.notes.all()
            ],
        }
        for e in evaluations
    ]


def questions_of(user):
    """The questions the person asked (their own text), and whether MLHG's answer is published."""
    questions = Question.objects.filter(posee_par=user).select_related("ami").order_by("posee_le", "pk")
    if not questions:
        return None
    return [
        {
            "ami": q.ami.reference,
            "posee_le": iso(q.posee_le),
            "question": q.texte,
            "reponse_publiee_le": iso(q.publiee_le),
            "numero_publie": q.numero,
        }
        for q in questions
    ]


def register() -> None:
    personal_data.register("organisation", organisation_of)
    personal_data.register("dossiers", dossiers_of)
    personal_data.register("evaluations", evaluations_of)
    personal_data.register("questions", questions_of)
