"""A complete dossier, as a candidate would fill it, for tests of submission and after."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ami.models import Dossier, Fichier
from ami.services.dossier import fichier_add
from mlhg_app.models import Antenne
from tests.factories import (
    AMIFactory,
    EtapeDerouleFactory,
    IntervenantFactory,
    MembreFactory,
    PrestataireFactory,
    ReferenceFactory,
    UserFactory,
)

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def attach(dossier, kind, name, content=PDF_BYTES, intervenant=None) -> Fichier:
    """Attach a file through the portal's own service (content checks, hash, size)."""
    return fichier_add(dossier=dossier, upload=SimpleUploadedFile(name, content), kind=kind, intervenant=intervenant)


def member(prestataire, email, first_name="Claire", last_name="Delmas"):
    user = UserFactory(email=email, role="prestataire", antenne=None, first_name=first_name, last_name=last_name)
    MembreFactory(user=user, prestataire=prestataire, email_verified_at=timezone.now())
    return user


def horizons_with_two_accounts():
    """Horizons Supervision and its two verified accounts, claire@horizons.fr and paul@horizons.fr: the
    organisation and Claire."""
    horizons = PrestataireFactory(raison_sociale="Horizons Supervision")
    claire = member(horizons, "claire@horizons.fr")
    member(horizons, "paul@horizons.fr", first_name="Paul")
    return horizons, claire


def complete_sections(prix=Decimal("450.00")) -> dict:
    """The fields of the six sections as a candidate fills them (prices `prix` and 50 € less, VAT 20 %)."""
    return {
        "presentation": "Cabinet de psychologues du travail fondé en 2009 à Toulouse.",
        "statut_juridique": "SARL",
        "activite": "Analyse de pratiques, supervision d'équipes, prévention des RPS.",
        "references_resume": "Missions locales, CCAS, associations d'insertion.",
        "approche": Dossier.Approche.CODEV,
        "justification": "Le codéveloppement structure l'entraide entre pairs.",
        "posture": "Garant du cadre, non directif, bienveillant.",
        "garantie_cadre": "Règles de confidentialité posées à chaque séance.",
        "garantie_non_jugement": "Charte de non-jugement rappelée en ouverture.",
        "garantie_intelligence_collective": "Tour de questions puis de suggestions.",
        "garantie_problematique": "Un participant expose une situation vécue.",
        "prix_seance_groupe": prix,
        "prix_seance_sous_groupe": prix - Decimal("50.00"),
        "regime_tva": Dossier.RegimeTVA.ASSUJETTI,
        "taux_tva": Decimal("20.00"),
        "modalites_facturation": "Facture trimestrielle, paiement à 30 jours.",
        "demarrage_septembre": True,
        "demarrage_commentaire": "Disponible dès le 1er septembre 2026.",
        "disponibilites_saisies_at": timezone.now(),
    }


def complete_dossier(ami=None, prestataire=None, prix=Decimal("450.00")) -> Dossier:
    ami = ami or AMIFactory()
    prestataire = prestataire or PrestataireFactory()
    return fill_dossier(Dossier.objects.create(ami=ami, prestataire=prestataire), prix=prix)


def fill_dossier(dossier: Dossier, prix=Decimal("450.00")) -> Dossier:
    """The six parts of an existing draft filled in, complete (what staff type from an emailed dossier)."""
    antennes = list(Antenne.objects.filter(kind=Antenne.Kind.ANTENNE))
    for name, value in complete_sections(prix).items():
        setattr(dossier, name, value)
    dossier.save()
    dossier.antennes_couvertes.set(antennes)
    for ordre, (libelle, minutes) in enumerate(
        [("Accueil et météo", 15), ("Exposé de la situation", 20), ("Questions", 25), ("Hypothèses", 40), ("Bilan", 20)]
    ):
        EtapeDerouleFactory(dossier=dossier, ordre=ordre, libelle=libelle, duree_minutes=minutes)
    intervenant = IntervenantFactory(dossier=dossier, prenom="Marc", nom="Olivier", antennes=antennes)
    attach(dossier, Fichier.Kind.CV, "cv-marc-olivier.pdf", intervenant=intervenant)
    ReferenceFactory(dossier=dossier, contact="direction")
    return dossier
