"""A factory_boy factory per model the tests create; defaults make a valid object, tests name what matters."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from ami.models import (
    AMI,
    Convention,
    Critere,
    Decision,
    Dossier,
    DossierVersion,
    EtapeDeroule,
    Fichier,
    Intervenant,
    Membre,
    Prestataire,
    Reference,
    siret_is_valid,
)
from bilans.models import Bilan, BilanVersion, Commentaire
from mlhg_app.models import STRUCTURE_ROLES, Antenne, PendingJob, StoredExport, Structure, User, default_structure
from seances.models import (
    CompteRendu,
    Emargement,
    Fenetre,
    Groupe,
    Indisponibilite,
    IntervenantProgramme,
    Programme,
    ProgrammeSite,
    Releve,
    Seance,
    Theme,
)


def sets_many(field):
    """A post-generation declaration: `SomeFactory(field=[…])` sets that many-to-many field to the list."""

    def set_field(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, field).set(extracted)

    return factory.post_generation(set_field)


class StructureFactory(factory.django.DjangoModelFactory):
    """A Mission Locale: `StructureFactory(slug="alpha")` is « Mission Locale ALPHA »."""

    class Meta:
        model = Structure
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"structure-{n}")
    nom = factory.LazyAttribute(lambda s: f"Mission Locale {s.slug.upper()}")
    nom_court = factory.LazyAttribute(lambda s: s.slug.upper()[:40])
    siret = "78231405200047"
    adresse_siege = "1 place du Capitole"
    code_postal = "31000"
    ville = "Toulouse"
    signataire_nom = "La Direction"
    signataire_qualite = "Direction"
    courriel_expediteur = factory.LazyAttribute(lambda s: f"ne-pas-repondre@{s.slug}.exemple.fr")
    courriel_contact = factory.LazyAttribute(lambda s: f"contact@{s.slug}.exemple.fr")


class AntenneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Antenne
        django_get_or_create = ("structure", "code")

    structure = factory.LazyFunction(default_structure)
    code = factory.Sequence(lambda n: f"antenne-{n}")
    nom = factory.Sequence(lambda n: f"Antenne de test {n}")
    kind = Antenne.Kind.ANTENNE
    adresse = "1 rue de la République"
    code_postal = "31000"
    ville = "Toulouse"


PASSWORD = "mot-de-passe-solide-42"  # every UserFactory user's
ROLES = [r.value for r in User.Role]  # the `users` fixture makes one user per role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    role = User.Role.CONSEILLER
    antenne = factory.SubFactory(AntenneFactory)
    # A staff-side account belongs to its site's structure, else the default one; a prestataire-side one to none.
    structure = factory.LazyAttribute(
        lambda o: (
            o.antenne.structure
            if o.antenne
            else (default_structure() if o.role in STRUCTURE_ROLES and not getattr(o, "is_superuser", False) else None)
        )
    )
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# -- AMI ---------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


class AMIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AMI
        django_get_or_create = ("structure", "reference")
        skip_postgeneration_save = True

    structure = factory.LazyFunction(default_structure)
    reference = factory.Sequence(lambda n: f"ami-test-{n}")
    titre = factory.Sequence(lambda n: f"AMI de test {n}")
    annee = 2026
    status = AMI.Status.PUBLIE
    date_publication = datetime.date(2026, 4, 27)
    date_limite = datetime.datetime(2026, 5, 29, 23, 59, 59, tzinfo=PARIS)

    @factory.post_generation
    def criteres(obj, create, extracted, **kwargs):
        if not create or obj.criteres.exists():
            return
        for ordre, (code, libelle, poids, mode) in enumerate(
            [
                ("methodologie", "Méthodologie", 40, Critere.Mode.NOTE),
                ("experience", "Expérience et qualifications", 30, Critere.Mode.NOTE),
                ("couverture", "Couverture des sites", 15, Critere.Mode.NOTE),
                ("prix", "Proposition financière", 15, Critere.Mode.CALCULE),
            ]
        ):
            CritereFactory(ami=obj, code=code, libelle=libelle, poids=poids, mode=mode, ordre=ordre)


def luhn_siret(n: int) -> str:
    """A valid 14-digit SIRET built from a sequence number."""
    body = f"{n:013d}"
    for last in range(10):
        candidate = body + str(last)
        if siret_is_valid(candidate):
            return candidate
    raise AssertionError("unreachable")


class PrestataireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prestataire

    raison_sociale = factory.Sequence(lambda n: f"Cabinet Horizon {n}")
    statut_juridique = "SARL"
    siret = factory.Sequence(lambda n: luhn_siret(1000 + n))
    adresse = "12 rue des Lois"
    code_postal = "31000"
    ville = "Toulouse"
    contact_nom = "Claire Delmas"


class MembreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membre

    user = factory.SubFactory(UserFactory, role=User.Role.PRESTATAIRE, antenne=None)
    prestataire = factory.SubFactory(PrestataireFactory)
    email_verified_at = factory.LazyFunction(lambda: datetime.datetime(2026, 5, 1, 10, 0, tzinfo=PARIS))


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    ami = factory.SubFactory(AMIFactory)
    prestataire = factory.SubFactory(PrestataireFactory)


class EtapeDerouleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EtapeDeroule

    dossier = factory.SubFactory(DossierFactory)
    ordre = factory.Sequence(lambda n: n)
    libelle = "Exposé de la situation"
    duree_minutes = 20


class IntervenantFactory(factory.django.DjangoModelFactory):
    """An intervenant named in a dossier (ami.Intervenant), `antennes=[…]`; a programme's is IntervenantProgrammeFactory."""

    class Meta:
        model = Intervenant
        skip_postgeneration_save = True

    dossier = factory.SubFactory(DossierFactory)
    prenom = "Marc"
    nom = "Olivier"
    qualification = Intervenant.Qualification.PSYCHOLOGUE
    annees_experience_app = 12

    antennes = sets_many("antennes")


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    dossier = factory.SubFactory(DossierFactory)
    structure = "Mission Locale de l'Ariège"
    annee = 2024


class DossierVersionFactory(factory.django.DjangoModelFactory):
    """A submitted version, written directly (the submission service builds real ones)."""

    class Meta:
        model = DossierVersion

    dossier = factory.SubFactory(DossierFactory)
    numero = 1
    submitted_at = factory.LazyFunction(timezone.now)
    submitted_by = factory.SubFactory(UserFactory, role=User.Role.PRESTATAIRE, antenne=None)
    contenu = factory.LazyFunction(dict)
    sha256 = "0" * 64


class CritereFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Critere

    ami = factory.SubFactory(AMIFactory)
    code = factory.Sequence(lambda n: f"critere-{n}")
    libelle = factory.Sequence(lambda n: f"Critère {n}")
    poids = 10
    mode = Critere.Mode.NOTE
    ordre = factory.Sequence(lambda n: n)


class FichierFactory(factory.django.DjangoModelFactory):
    """A file's row only (no stored file): the uploads service (`fichier_add`) stores real ones."""

    class Meta:
        model = Fichier

    dossier = factory.SubFactory(DossierFactory)
    kind = Fichier.Kind.CV
    nom = factory.Sequence(lambda n: f"piece-{n}.pdf")
    taille = 1000
    sha256 = "0" * 64
    type_mime = "application/pdf"


class DecisionFactory(factory.django.DjangoModelFactory):
    """A decision written directly (decision_make takes the real one)."""

    class Meta:
        model = Decision

    ami = factory.SubFactory(AMIFactory)
    kind = Decision.Kind.ATTRIBUE
    dossier = factory.SubFactory(DossierFactory, ami=factory.SelfAttribute("..ami"))
    decided_by = factory.SubFactory(UserFactory, role=User.Role.STAFF, is_staff=True, antenne=None)
    decided_at = factory.LazyFunction(timezone.now)


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    decision = factory.SubFactory(DecisionFactory)
    dossier = factory.SelfAttribute("decision.dossier")
    numero = factory.Sequence(lambda n: f"CONV-APP-TEST-{n}")
    date_debut = datetime.date(2026, 9, 1)
    date_fin = datetime.date(2027, 8, 31)


# -- séances -----------------------------------------------------------------------------


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A programme year without référent responsable nor VAT rate (tests/seances_world.py builds a full one)."""

    class Meta:
        model = Programme

    structure = factory.LazyFunction(default_structure)
    annee_debut = 2026
    prestataire = factory.SubFactory(PrestataireFactory)
    prix_seance_groupe = Decimal("450.00")
    prix_seance_sous_groupe = Decimal("380.00")


class FenetreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fenetre

    programme = factory.SubFactory(ProgrammeFactory)
    numero = 1
    libelle = factory.LazyAttribute(lambda o: f"Fenêtre {o.numero}")
    debut = datetime.date(2026, 9, 1)
    fin = datetime.date(2026, 12, 19)


class ProgrammeSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeSite

    programme = factory.SubFactory(ProgrammeFactory)
    antenne = factory.SubFactory(AntenneFactory)
    nb_groupes = 1


class GroupeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Groupe

    programme = factory.SubFactory(ProgrammeFactory)
    antenne = factory.SubFactory(AntenneFactory)
    numero = 1
    nb_groupes_site = 1


class IntervenantProgrammeFactory(factory.django.DjangoModelFactory):
    """A facilitator of a programme, with or without an account (`user`); `antennes=[…]`, `indisponibles=[dates]`."""

    class Meta:
        model = IntervenantProgramme
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    user = None
    prenom = "Marc"
    nom = "Olivier"
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else f"{o.prenom}.{o.nom}@horizons.test".lower())

    antennes = sets_many("antennes")

    @factory.post_generation
    def indisponibles(obj, create, extracted, **kwargs):
        for day in extracted or ():
            IndisponibiliteFactory(intervenant=obj, date=day)


class IndisponibiliteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indisponibilite

    intervenant = factory.SubFactory(IntervenantProgrammeFactory)
    date = datetime.date(2026, 10, 13)


class SeanceFactory(factory.django.DjangoModelFactory):
    """A séance at 9:30; its group, window and intervenant belong to its programme unless given."""

    class Meta:
        model = Seance

    programme = factory.SubFactory(ProgrammeFactory)
    groupe = factory.SubFactory(GroupeFactory, programme=factory.SelfAttribute("..programme"))
    fenetre = factory.SubFactory(FenetreFactory, programme=factory.SelfAttribute("..programme"))
    date = datetime.date(2026, 10, 13)
    heure_debut = datetime.time(9, 30)
    intervenant = factory.SubFactory(IntervenantProgrammeFactory, programme=factory.SelfAttribute("..programme"))
    status = Seance.Status.PROPOSEE


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("structure", "libelle")

    structure = factory.LazyFunction(default_structure)
    libelle = factory.Sequence(lambda n: f"Thème {n}")


class CompteRenduFactory(factory.django.DjangoModelFactory):
    """A séance's anonymous compte rendu, written by its intervenant's account unless told."""

    class Meta:
        model = CompteRendu
        skip_postgeneration_save = True

    seance = factory.SubFactory(SeanceFactory, status=Seance.Status.REALISEE)
    methode = CompteRendu.Methode.CODEV
    written_by = factory.LazyAttribute(lambda o: o.seance.intervenant.user)

    themes = sets_many("themes")


class EmargementFactory(factory.django.DjangoModelFactory):
    """A séance's attendance sheet, recorded by its intervenant's account unless told; `presents=[…]`."""

    class Meta:
        model = Emargement
        skip_postgeneration_save = True

    seance = factory.SubFactory(SeanceFactory, status=Seance.Status.REALISEE)
    recorded_by = factory.LazyAttribute(lambda o: o.seance.intervenant.user)

    presents = sets_many("presents")


class ReleveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Releve

    programme = factory.SubFactory(ProgrammeFactory)
    structure = factory.LazyAttribute(lambda o: o.programme.structure)
    sequence = factory.Sequence(lambda n: n + 1)
    numero = factory.LazyAttribute(lambda o: f"REL-{o.programme.annee_debut}-{o.sequence:03d}")
    periode_debut = datetime.date(2026, 9, 1)
    periode_fin = datetime.date(2026, 10, 31)
    total_ht = Decimal("0")
    total_tva = Decimal("0")
    total_ttc = Decimal("0")
    emis_par = factory.SubFactory(UserFactory, role=User.Role.STAFF, is_staff=True, antenne=None)


# -- bilans ------------------------------------------------------------------------------


class BilanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bilan

    programme = factory.SubFactory(ProgrammeFactory)
    echeance = factory.LazyAttribute(lambda o: datetime.date(o.programme.annee_debut + 1, 6, 30))


class BilanVersionFactory(factory.django.DjangoModelFactory):
    """A version handed in, written directly (bilan_remettre builds real ones)."""

    class Meta:
        model = BilanVersion

    bilan = factory.SubFactory(BilanFactory)
    numero = 1
    thematiques = "a"
    attention = "b"
    preconisations = "c"
    remis_par = factory.SubFactory(UserFactory, role=User.Role.PRESTATAIRE, antenne=None)
    synthese = factory.LazyFunction(dict)


class CommentaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commentaire

    version = factory.SubFactory(BilanVersionFactory)
    section = "attention"
    texte = "À préciser."
    auteur = factory.SubFactory(UserFactory, role=User.Role.RESPONSABLE, antenne=None)


# -- jobs and stored exports ---------------------------------------------------------------


class StoredExportFactory(factory.django.DjangoModelFactory):
    """An export asked for and still waiting for its job (`kind` and `object_id` name what it exports)."""

    class Meta:
        model = StoredExport

    kind = "bilans.version"
    object_id = 1
    demande_par = factory.SubFactory(UserFactory)
    structure = factory.LazyAttribute(lambda o: o.demande_par.structure or default_structure())


class PendingJobFactory(factory.django.DjangoModelFactory):
    """A job a page could not queue (Redis down), waiting to be queued again."""

    class Meta:
        model = PendingJob

    structure = factory.LazyFunction(default_structure)
    task = "mlhg_app.tasks.ping"
    kwargs = factory.LazyFunction(dict)


# -- two-factor authentication -----------------------------------------------------------


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed TOTP device (django-otp) with a fresh secret."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Téléphone"
    key = factory.LazyFunction(lambda: random_hex(20))
    confirmed = True
