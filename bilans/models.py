"""The annual anonymised bilan of a programme (seed §5.5), its versions, comments and réunion.

The bilan holds only what the prestataire writes (three sections) and the
product's aggregates (counts, never a compte rendu's text). Each remise freezes
a `BilanVersion` (texts and aggregates): the responsable reads versions, never
the live draft.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mlhg_app.structures import scoped_manager

K_DEFAULT = 3
K_MINIMUM = 2

# A bilan's PDF exports are `mlhg_app.StoredExport` rows of these kinds (bilans/services/export.py):
# a remitted version's (`object_id`: the BilanVersion), readable by every reader of the bilan, or the
# draft's (`object_id`: the Bilan), its prestataire's only.
EXPORT_VERSION = "bilans.version"
EXPORT_DRAFT = "bilans.brouillon"


class Section(models.TextChoices):
    THEMATIQUES = "thematiques", _("Grandes thématiques abordées")
    ATTENTION = "attention", _("Points d'attention et recommandations générales")
    PRECONISATIONS = "preconisations", _("Préconisations pour les séances à venir")


class Bilan(models.Model):
    class Status(models.TextChoices):
        BROUILLON = "brouillon", _("brouillon")
        REMIS = "remis", _("remis")
        COMMENTE = "commente", _("commenté")
        VALIDE = "valide", _("validé")

    programme = models.OneToOneField("seances.Programme", on_delete=models.PROTECT, related_name="bilan")
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.BROUILLON)
    seuil_k = models.PositiveSmallIntegerField(
        _("seuil d'anonymat (k)"),
        default=K_DEFAULT,
        validators=[MinValueValidator(K_MINIMUM)],
        help_text=_(
            "Un thème n'est montré avec son nombre que s'il a été abordé dans au moins k groupes différents ; "
            "sinon il rejoint « autres thèmes ». k vaut au moins 2."
        ),
    )
    echeance = models.DateField(_("date de remise attendue"))
    thematiques = models.TextField(_("grandes thématiques abordées"), blank=True)
    attention = models.TextField(_("points d'attention et recommandations générales"), blank=True)
    preconisations = models.TextField(_("préconisations pour les séances à venir"), blank=True)
    reunion_le = models.DateTimeField(_("réunion de bilan le"), null=True, blank=True)
    reunion_lieu = models.CharField(_("lieu de la réunion"), max_length=255, blank=True)
    reunion_uid = models.UUIDField(_("identifiant de calendrier"), default=uuid.uuid4, editable=False)
    reunion_sequence = models.PositiveIntegerField(_("révision de l'invitation"), default=0)
    reunion_compte_rendu = models.FileField(_("compte rendu de la réunion (PDF)"), upload_to="bilans/", blank=True)
    valide_le = models.DateTimeField(_("validé le"), null=True, blank=True)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ouvert le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("bilan annuel")
        verbose_name_plural = _("bilans annuels")
        ordering = ["-programme__annee_debut"]
        constraints = [models.CheckConstraint(condition=models.Q(seuil_k__gte=K_MINIMUM), name="bilan_k_min_2")]

    def __str__(self):
        return f"Bilan {self.programme.annee_debut}-{self.programme.annee_debut + 1}"

    @property
    def annee(self) -> str:
        return f"{self.programme.annee_debut}-{self.programme.annee_debut + 1}"

    def section_text(self, section: str) -> str:
        return getattr(self, section)


class BilanVersion(models.Model):
    """What was remis, frozen: the three sections and the aggregates as the responsable read them."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveSmallIntegerField(_("version"))
    thematiques = models.TextField(_("grandes thématiques abordées"))
    attention = models.TextField(_("points d'attention et recommandations générales"))
    preconisations = models.TextField(_("préconisations pour les séances à venir"))
    synthese = models.JSONField(_("synthèse chiffrée"), default=dict)
    empreintes = models.JSONField(
        _("empreintes des séances comptées"), null=True, blank=True, editable=False,
        help_text=_(
            "Pour chaque séance comptée dans les chiffres : son groupe et une empreinte de son compte rendu et de "
            "son émargement (jamais ses thèmes). Sert à vérifier qu'une version suivante ne diffère pas de "
            "celle-ci par ce que moins de k groupes ont apporté."
        ),
    )  # fmt: skip
    remis_le = models.DateTimeField(_("remis le"), auto_now_add=True)
    remis_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = scoped_manager("bilan__programme__structure")

    class Meta:
        verbose_name = _("version remise du bilan")
        verbose_name_plural = _("versions remises du bilan")
        ordering = ["bilan", "numero"]
        constraints = [models.UniqueConstraint(fields=["bilan", "numero"], name="bilan_version_unique")]

    def __str__(self):
        return f"{self.bilan} – version {self.numero}"

    def section_text(self, section: str) -> str:
        return getattr(self, section)


class Commentaire(models.Model):
    """The responsable's comment on one section of a remitted version, and the prestataire's reply."""

    version = models.ForeignKey(BilanVersion, on_delete=models.CASCADE, related_name="commentaires")
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    texte = models.TextField(_("commentaire"))
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("écrit le"), auto_now_add=True)
    reponse = models.TextField(_("réponse du prestataire"), blank=True)
    repondu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    repondu_le = models.DateTimeField(_("répondu le"), null=True, blank=True)

    history = HistoricalRecords()

    objects = scoped_manager("version__bilan__programme__structure")

    class Meta:
        verbose_name = _("commentaire du responsable")
        verbose_name_plural = _("commentaires du responsable")
        ordering = ["version", "created_at", "pk"]

    def __str__(self):
        return f"{self.version} – {self.get_section_display()}"


class AvisPublication(models.Model):
    """The participants' feedback figures of a programme as they were shown (issue 20), kept so that no later
    figure differs from one already shown by fewer than k answers (bilans/feedback.py). Each new publication
    is a new row; readers always see the latest."""

    programme = models.ForeignKey("seances.Programme", on_delete=models.CASCADE, related_name="avis_publications")
    numero = models.PositiveSmallIntegerField(_("publication"))
    publiee_le = models.DateField(_("publiée le"))
    figures = models.JSONField(_("chiffres montrés"), default=dict)
    membres = models.JSONField(
        _("réponses comptées"),
        default=dict,
        editable=False,
        help_text=_("Pour chaque chiffre montré, les identifiants aléatoires des réponses qu'il additionne."),
    )

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("publication des avis")
        verbose_name_plural = _("publications des avis")
        ordering = ["programme", "numero"]
        constraints = [models.UniqueConstraint(fields=["programme", "numero"], name="avis_publication_unique")]

    def __str__(self):
        return f"Avis des participants – {self.programme} – publication {self.numero}"
