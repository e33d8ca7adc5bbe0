"""Samples for the AMI's URLs: an AMI past its deadline with the prestataire user's dossier.

The dossier was submitted once (version 1, which holds the sample file), so that
staff and the AMI's evaluators may read it and download its file.
"""

from django.core.files.base import ContentFile

from ami.models import Dossier, DossierVersion, Fichier, Membre
from tests.factories import AMIFactory, DossierFactory, PrestataireFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def dossier(world):
    if "dossier" not in world:
        users = world["users"]
        ami = AMIFactory(reference="ami-acces")
        ami.evaluateurs.add(users["evaluateur"])
        prestataire = PrestataireFactory()
        Membre.objects.create(user=users["prestataire"], prestataire=prestataire)
        world["dossier"] = DossierFactory(ami=ami, prestataire=prestataire, status=Dossier.Status.DEPOSE)
        DossierVersion.objects.create(
            dossier=world["dossier"],
            numero=1,
            submitted_at=ami.date_limite,
            submitted_by=users["prestataire"],
            contenu={},
            sha256="0" * 64,
        )
    return world["dossier"]


def fichier(world):
    if "fichier" not in world:
        d = dossier(world)
        f = Fichier(
            dossier=d, kind=Fichier.Kind.CV, nom="cv.pdf", taille=len(PDF), sha256="0" * 64, type_mime="application/pdf"
        )
        f.fichier.save("cv.pdf", ContentFile(PDF), save=False)
        f.save()
        d.versions.get(numero=1).fichiers.add(f)
        world["fichier"] = f
    return world["fichier"]


SAMPLES = {
    "ami:detail": lambda w: {"reference": dossier(w).ami.reference},
    "ami:verify_email": lambda w: {"token": "jeton-invalide"},
    "ami:accept_invitation": lambda w: {"token": "jeton-invalide"},
    "ami:dossier_start": lambda w: {"reference": dossier(w).ami.reference},
    "ami:dossier": lambda w: {"pk": dossier(w).pk},
    "ami:dossier_section": lambda w: {"pk": dossier(w).pk, "section": "structure"},
    "ami:fichier_download": lambda w: {"pk": dossier(w).pk, "fichier_pk": fichier(w).pk},
    "ami:fichier_remove": lambda w: {"pk": dossier(w).pk, "fichier_pk": fichier(w).pk},
    "ami:dossier_submit": lambda w: {"pk": dossier(w).pk},
    "ami:dossier_withdraw": lambda w: {"pk": dossier(w).pk},
    "ami:receipt": lambda w: {"pk": dossier(w).pk, "numero": 1},
    "ami:staff_dossiers": lambda w: {"reference": dossier(w).ami.reference},
    "ami:dossier_read": lambda w: {"pk": dossier(w).pk},
    "ami:dossier_pdf": lambda w: {"pk": dossier(w).pk},
    "ami:dossier_zip": lambda w: {"pk": dossier(w).pk},
}
