"""The call for expressions of interest (AMI), its criteria and calendar."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AMI(models.Model):
    class Status(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        PUBLIE = "publie", _("Publié")
        CLOS = "clos", _("Clos")
        EN_ANALYSE = "en_analyse", _("En analyse")
        ATTRIBUE = "attribue", _("Attribué")
        SANS_SUITE = "sans_suite", _("Sans suite")

    reference = models.SlugField(_("référence"), max_length=40, unique=True)
    titre = models.CharField(_("titre"), max_length=255)
    annee = models.PositiveSmallIntegerField(_("année"))
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.BROUILLON)
    date_publication = models.DateField(_("date de publication"), null=True, blank=True)
    date_limite = models.DateTimeField(
        _("date limite de dépôt"),
        help_text=_(
            "Un dossier est recevable si le serveur reçoit son dépôt au plus tard à cette seconde (heure de Paris)."
        ),
    )
    # Volume of the service (seed §5.2)
    nb_sites = models.PositiveSmallIntegerField(_("nombre de sites"), default=7)
    seances_par_site = models.PositiveSmallIntegerField(_("séances par site et par an (minimum)"), default=3)
    duree_seance_heures = models.PositiveSmallIntegerField(_("durée d'une séance (heures)"), default=2)
    taille_max_groupe = models.PositiveSmallIntegerField(_("taille maximale d'un groupe"), default=17)
    sous_groupes_autorises = models.BooleanField(
        _("sous-groupes possibles"),
        default=True,
        help_text=_("Chaque séance avec un sous-groupe est comptabilisée comme une séance à part entière."),
    )
    contact_nom = models.CharField(_("contact"), max_length=120, blank=True)
    contact_telephone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    contact_email = models.EmailField(_("adresse de dépôt / contact"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("appel à manifestation d'intérêt")
        verbose_name_plural = _("appels à manifestation d'intérêt")
        ordering = ["-annee", "reference"]

    def __str__(self) -> str:
        return self.titre

    @property
    def volume_minimal(self) -> int:
        """Base volume of séances a year: sites × séances per site (21 for the 2026 AMI)."""
        return self.nb_sites * self.seances_par_site

    @property
    def poids_total(self) -> int:
        return sum(c.poids for c in self.criteres.all())

    def clean(self):
        if self.pk and self.criteres.exists() and self.poids_total != 100:
            raise ValidationError(
                _("La somme des pondérations des critères doit être égale à 100 (actuellement %(total)s).")
                % {"total": self.poids_total}
            )

    @property
    def is_past_deadline(self) -> bool:
        return timezone.now() > self.date_limite


class Critere(models.Model):
    class Mode(models.TextChoices):
        NOTE = "note", _("Noté par le comité (0 à 10)")
        CALCULE = "calcule", _("Calculé à partir des prix")

    ami = models.ForeignKey(AMI, verbose_name=_("AMI"), on_delete=models.CASCADE, related_name="criteres")
    code = models.SlugField(_("code"), max_length=40)
    libelle = models.CharField(_("libellé"), max_length=255)
    poids = models.PositiveSmallIntegerField(_("pondération (%)"))
    mode = models.CharField(_("mode d'évaluation"), max_length=10, choices=Mode.choices, default=Mode.NOTE)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère de sélection")
        verbose_name_plural = _("critères de sélection")
        ordering = ["ami", "ordre"]
        constraints = [
            models.UniqueConstraint(fields=["ami", "code"], name="critere_unique_code"),
            models.CheckConstraint(condition=models.Q(poids__lte=100), name="critere_poids_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.poids} %)"


class Jalon(models.Model):
    """A step of the AMI's provisional calendar (seed §8)."""

    ami = models.ForeignKey(AMI, verbose_name=_("AMI"), on_delete=models.CASCADE, related_name="jalons")
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)
    libelle = models.CharField(_("étape"), max_length=255)
    quand = models.CharField(_("date ou période"), max_length=80)
    date = models.DateField(_("date (si précise)"), null=True, blank=True)

    class Meta:
        verbose_name = _("étape du calendrier")
        verbose_name_plural = _("calendrier prévisionnel")
        ordering = ["ami", "ordre"]

    def __str__(self) -> str:
        return f"{self.libelle} : {self.quand}"
