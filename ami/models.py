"""The call for expressions of interest (AMI), its criteria and calendar."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mlhg_app.models import InStructure
from mlhg_app.structures import scoped_manager


class AMI(InStructure):
    class Status(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        PUBLIE = "publie", _("Publié")
        CLOS = "clos", _("Clos")
        EN_ANALYSE = "en_analyse", _("En analyse")
        ATTRIBUE = "attribue", _("Attribué")
        SANS_SUITE = "sans_suite", _("Sans suite")

    reference = models.SlugField(_("référence"), max_length=40)
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
    evaluateurs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("évaluateurs du comité"),
        blank=True,
        related_name="amis_evalues",
        limit_choices_to={"role": "evaluateur"},
    )

    class FormulePrix(models.TextChoices):
        PROPORTIONNELLE = "proportionnelle", _("Proportionnelle : points × (total le plus bas ÷ total du dossier)")
        LINEAIRE = (
            "lineaire",
            _("Linéaire : points × (1 − (total du dossier − total le plus bas) ÷ total le plus bas), au minimum 0"),
        )

    formule_prix = models.CharField(
        _("formule du critère prix"),
        max_length=20,
        choices=FormulePrix.choices,
        default=FormulePrix.PROPORTIONNELLE,
        help_text=_(
            "Le critère prix est calculé, pas noté, sur le coût annuel TTC du volume de base "
            "(ce que la MLHG paie réellement). Le prix le plus bas obtient toujours tous les points."
        ),
    )
    seuil_desaccord = models.PositiveSmallIntegerField(
        _("écart signalé entre évaluateurs"),
        default=4,
        help_text=_(
            "Un désaccord est signalé quand deux notes d'un même critère diffèrent d'au moins ce nombre de points."
        ),
    )
    standstill_jours = models.PositiveSmallIntegerField(
        _("délai de suspension avant la convention (jours)"),
        default=0,
        help_text=_("Nombre de jours entre l'envoi des lettres et la signature possible de la convention."),
    )
    date_limite_questions = models.DateTimeField(
        _("date limite des questions"),
        null=True,
        blank=True,
        help_text=_(
            "Les candidats posent leurs questions jusqu'à cette seconde (heure de Paris) ; "
            "vide : 7 jours avant la date limite de dépôt."
        ),
    )
    cree_depuis = models.ForeignKey(
        "self",
        verbose_name=_("créé à partir de"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appel à manifestation d'intérêt")
        verbose_name_plural = _("appels à manifestation d'intérêt")
        ordering = ["-annee", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "reference"], name="ami_reference_unique_par_structure")
        ]

    def __str__(self) -> str:
        return self.titre

    @property
    def volume_minimal(self) -> int:
        """Base volume of séances a year: sites × séances per site (21 for the 2026 AMI)."""
        return self.nb_sites * self.seances_par_site

    @property
    def poids_total(self) -> int:
        return sum(c.poids for c in self.criteres.all())

    @property
    def critere_departage(self):
        """The criterion whose points break a tie (ami.scoring.tie_break_criterion): the highest weight."""
        return max(self.criteres.all(), key=lambda c: c.poids, default=None)

    def clean(self):
        if self.pk and self.criteres.exists() and self.poids_total != 100:
            raise ValidationError(
                _("La somme des pondérations des critères doit être égale à 100 (actuellement %(total)s).")
                % {"total": self.poids_total}
            )
        stored = AMI.objects.filter(pk=self.pk).values("status", "date_limite").first() if self.pk else None
        if stored is None:
            return
        errors = {}
        if stored["status"] != self.status:
            errors["status"] = _("Le statut d'un AMI change par ses étapes (publication, clôture, décision) seulement.")
        if stored["status"] != self.Status.BROUILLON and stored["date_limite"] != self.date_limite:
            errors["date_limite"] = _(
                "La date limite d'un AMI publié ne se déplace que par un rectificatif, et seulement plus tard."
            )
        if errors:
            raise ValidationError(errors)

    def is_past_deadline(self, now=None) -> bool:
        """True once the deadline second has passed (a submission at the deadline is on time)."""
        return (now or timezone.now()) > self.date_limite

    def is_open(self, now=None) -> bool:
        """Open for submissions: published and the deadline not passed."""
        return self.status == self.Status.PUBLIE and not self.is_past_deadline(now)

    @property
    def questions_deadline(self):
        """The last second a candidate may ask a question: the AMI's own, by default 7 days before the deadline."""
        return self.date_limite_questions or (self.date_limite - datetime.timedelta(days=QUESTIONS_JOURS_AVANT))

    def questions_open(self, now=None) -> bool:
        """Questions accepted: published and the question deadline not passed."""
        return self.status == self.Status.PUBLIE and (now or timezone.now()) <= self.questions_deadline


QUESTIONS_JOURS_AVANT = 7


class Rectificatif(models.Model):
    """A dated notice that changes a published AMI: its text (a new `VersionAMI`) and/or its deadline, only
    later; every registered candidate is told (`ami.services.rectificatif.ami_rectify`)."""

    ami = models.ForeignKey(AMI, verbose_name=_("AMI"), on_delete=models.PROTECT, related_name="rectificatifs")
    publie_le = models.DateTimeField(_("publié le"))
    ancienne_date_limite = models.DateTimeField(_("ancienne date limite"))
    nouvelle_date_limite = models.DateTimeField(_("nouvelle date limite"))
    motif = models.TextField(_("motif"))
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("publié par"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = scoped_manager("ami__structure")

    class Meta:
        verbose_name = _("rectificatif")
        verbose_name_plural = _("rectificatifs")
        ordering = ["ami", "publie_le"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nouvelle_date_limite__gte=models.F("ancienne_date_limite")),
                name="rectificatif_date_limite_jamais_avancee",
            ),
        ]

    def __str__(self) -> str:
        return f"Rectificatif du {timezone.localtime(self.publie_le):%d/%m/%Y} – {self.ami}"

    @property
    def deadline_moved(self) -> bool:
        return self.nouvelle_date_limite != self.ancienne_date_limite


class VersionAMI(models.Model):
    """A dated version of a published AMI's text: version 1 at publication, one more per rectificatif.

    A snapshot (sections, deadlines), never changed: a visitor reads any past version as it was."""

    ami = models.ForeignKey(AMI, verbose_name=_("AMI"), on_delete=models.PROTECT, related_name="versions")
    numero = models.PositiveIntegerField(_("version"))
    publiee_le = models.DateTimeField(_("publiée le"))
    date_limite = models.DateTimeField(_("date limite de dépôt"))
    date_limite_questions = models.DateTimeField(_("date limite des questions"), null=True, blank=True)
    sections = models.JSONField(_("sections du texte"), default=list)
    rectificatif = models.OneToOneField(
        Rectificatif,
        verbose_name=_("rectificatif"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="version",
    )

    objects = scoped_manager("ami__structure")

    class Meta:
        verbose_name = _("version du texte de l'AMI")
        verbose_name_plural = _("versions du texte de l'AMI")
        ordering = ["ami", "numero"]
        constraints = [models.UniqueConstraint(fields=["ami", "numero"], name="version_ami_unique_numero")]

    def __str__(self) -> str:
        return f"{self.ami} – version {self.numero}"


class Question(models.Model):
    """A candidate's question and MLHG's answer.

    `texte` and `posee_par` / `prestataire` (who asked, what they wrote) are for staff only; the public
    reads `question_publiee`, rewritten by staff so that it does not say who asked, once `publiee_le`."""

    ami = models.ForeignKey(AMI, verbose_name=_("AMI"), on_delete=models.PROTECT, related_name="questions")
    texte = models.TextField(_("question posée"))
    posee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    prestataire = models.ForeignKey(
        "Prestataire",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    posee_le = models.DateTimeField(_("posée le"))
    question_publiee = models.TextField(
        _("question reformulée (publiée)"),
        blank=True,
        help_text=_("Rédigée pour tous : rien ne doit permettre de reconnaître qui l'a posée."),
    )
    reponse = models.TextField(_("réponse"), blank=True)
    repondue_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("réponse publiée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    publiee_le = models.DateTimeField(_("réponse publiée le"), null=True, blank=True)
    numero = models.PositiveIntegerField(_("numéro"), null=True, blank=True)

    objects = scoped_manager("ami__structure")

    class Meta:
        verbose_name = _("question d'un candidat")
        verbose_name_plural = _("questions des candidats")
        ordering = ["ami", "posee_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ami", "numero"], condition=models.Q(numero__isnull=False), name="question_unique_numero"
            ),
        ]

    def __str__(self) -> str:
        return f"Question {self.numero or '(en attente)'} – {self.ami}"

    @property
    def is_published(self) -> bool:
        return self.publiee_le is not None


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

    objects = scoped_manager("ami__structure")

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

    objects = scoped_manager("ami__structure")

    class Meta:
        verbose_name = _("étape du calendrier")
        verbose_name_plural = _("calendrier prévisionnel")
        ordering = ["ami", "ordre"]

    def __str__(self) -> str:
        return f"{self.libelle} : {self.quand}"


# -- the AMI's published content --------------------------------------------------


class SectionAMI(models.Model):
    """A titled section of the AMI's text, shown on its public page (seed §1–§9)."""

    ami = models.ForeignKey(AMI, verbose_name=_("AMI"), on_delete=models.CASCADE, related_name="sections")
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    titre = models.CharField(_("titre"), max_length=255)
    texte = models.TextField(_("texte"))

    objects = scoped_manager("ami__structure")

    class Meta:
        verbose_name = _("section du texte de l'AMI")
        verbose_name_plural = _("sections du texte de l'AMI")
        ordering = ["ami", "ordre"]
        constraints = [models.UniqueConstraint(fields=["ami", "code"], name="section_ami_unique_code")]

    def __str__(self) -> str:
        return self.titre


# -- candidates --------------------------------------------------------------------


def siret_is_valid(value: str) -> bool:
    """14 digits and the Luhn checksum (La Poste's SIRETs, 356000000xxxxx, use a digit sum instead)."""
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith("356000000"):
        return sum(int(d) for d in value) % 5 == 0
    total = 0
    for index, char in enumerate(reversed(value)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_siret(value: str):
    if not (len(value) == 14 and value.isdigit()):
        raise ValidationError(
            _("Le SIRET compte exactement 14 chiffres (reçu : %(n)s caractères).") % {"n": len(value)}
        )
    if not siret_is_valid(value):
        raise ValidationError(_("Ce SIRET n'est pas valide (clé de contrôle incorrecte) : vérifiez les 14 chiffres."))


class Prestataire(models.Model):
    """A candidate organisation (or a single professional) and its accounts."""

    raison_sociale = models.CharField(_("raison sociale"), max_length=200)
    statut_juridique = models.CharField(
        _("statut juridique"),
        max_length=120,
        help_text=_("Par exemple : SARL, SAS, association, entreprise individuelle."),
    )
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    adresse = models.CharField(_("adresse"), max_length=255)
    code_postal = models.CharField(_("code postal"), max_length=5)
    ville = models.CharField(_("ville"), max_length=120)
    contact_nom = models.CharField(_("personne à contacter"), max_length=160)
    contact_telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)

    class Meta:
        verbose_name = _("prestataire")
        verbose_name_plural = _("prestataires")
        ordering = ["raison_sociale"]

    def __str__(self) -> str:
        return self.raison_sociale


class Membre(models.Model):
    """A user account of a prestataire (several accounts per organisation)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="membre"
    )
    prestataire = models.ForeignKey(
        Prestataire, verbose_name=_("prestataire"), on_delete=models.CASCADE, related_name="membres"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invité par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email_verified_at = models.DateTimeField(_("adresse vérifiée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("compte d'un prestataire")
        verbose_name_plural = _("comptes des prestataires")

    def __str__(self) -> str:
        return f"{self.user} ({self.prestataire})"


# -- the dossier --------------------------------------------------------------------


class Dossier(models.Model):
    """One candidature per (prestataire, AMI), edited in six sections (seed §7.1)."""

    class Status(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        DEPOSE = "depose", _("Déposé")
        RETIRE = "retire", _("Retiré")
        RECEVABLE = "recevable", _("Recevable")
        IRRECEVABLE = "irrecevable", _("Irrecevable")

    class Approche(models.TextChoices):
        BALINT = "balint", _("Analyse de pratiques de type Balint")
        CODEV = "codeveloppement", _("Codéveloppement professionnel")
        SUPERVISION = "supervision", _("Supervision collective")
        AUTRE = "autre", _("Autre approche")

    class RegimeTVA(models.TextChoices):
        ASSUJETTI = "assujetti", _("Assujetti à la TVA")
        EXONERE = "exonere", _("Exonéré de TVA")

    class Canal(models.TextChoices):
        PORTAIL = "portail", _("Déposé sur le portail")
        COURRIEL = "courriel", _("Reçu par courriel")

    ami = models.ForeignKey(AMI, verbose_name=_("AMI"), on_delete=models.PROTECT, related_name="dossiers")
    prestataire = models.ForeignKey(
        Prestataire, verbose_name=_("prestataire"), on_delete=models.PROTECT, related_name="dossiers"
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.BROUILLON)
    canal = models.CharField(
        _("canal de réception"),
        max_length=10,
        choices=Canal.choices,
        default=Canal.PORTAIL,
        help_text=_("Un dossier reçu par courriel est saisi par la MLHG (ami.DepotCourriel)."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    # 1. Structure
    presentation = models.TextField(_("présentation de la structure"), blank=True)
    statut_juridique = models.CharField(_("statut juridique"), max_length=120, blank=True)
    activite = models.TextField(_("activité"), blank=True)
    references_resume = models.TextField(_("références (résumé)"), blank=True)

    # 3. Méthodologie
    approche = models.CharField(_("approche méthodologique"), max_length=20, choices=Approche.choices, blank=True)
    approche_autre = models.CharField(_("précisez l'approche"), max_length=200, blank=True)
    justification = models.TextField(_("justification de l'approche"), blank=True)
    posture = models.TextField(_("posture de l'intervenant"), blank=True)
    garantie_cadre = models.TextField(_("un cadre structuré et sécurisant"), blank=True)
    garantie_non_jugement = models.TextField(_("une posture de non-jugement et de bienveillance"), blank=True)
    garantie_intelligence_collective = models.TextField(
        _("la mobilisation de l'intelligence collective du groupe"), blank=True
    )
    garantie_problematique = models.TextField(
        _("une problématique posée par un membre du groupe comme point de départ"), blank=True
    )

    # 5. Proposition financière
    prix_seance_groupe = models.DecimalField(
        _("prix HT d'une séance en groupe complet (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    prix_seance_sous_groupe = models.DecimalField(
        _("prix HT d'une séance en sous-groupe (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    regime_tva = models.CharField(_("régime de TVA"), max_length=10, choices=RegimeTVA.choices, blank=True)
    taux_tva = models.DecimalField(_("taux de TVA (%)"), max_digits=4, decimal_places=2, null=True, blank=True)
    mention_exoneration = models.CharField(
        _("mention légale d'exonération"),
        max_length=255,
        blank=True,
        help_text=_("Par exemple : « TVA non applicable, art. 293 B du CGI »."),
    )
    modalites_facturation = models.TextField(_("modalités de facturation"), blank=True)

    # 6. Disponibilités
    demarrage_septembre = models.BooleanField(_("capacité à démarrer en septembre"), null=True, blank=True)
    demarrage_commentaire = models.TextField(_("commentaire sur le démarrage"), blank=True)
    antennes_couvertes = models.ManyToManyField(
        "mlhg_app.Antenne", verbose_name=_("antennes couvertes"), blank=True, related_name="+"
    )
    disponibilites_saisies_at = models.DateTimeField(_("disponibilités saisies le"), null=True, blank=True)

    # Eligibility (staff), after the deadline
    class Motif(models.TextChoices):
        HORS_DELAI = "hors_delai", _("Dossier reçu hors délai")
        INCOMPLET = "incomplet", _("Dossier incomplet")
        COUVERTURE = "couverture", _("Ne peut pas couvrir les 7 sites (AMI §6.1)")
        QUALIFICATION = "qualification", _("Aucun intervenant qualifié (AMI §6.1)")
        AUTRE = "autre", _("Autre motif")

    motif_irrecevabilite = models.CharField(
        _("motif d'irrecevabilité"), max_length=20, choices=Motif.choices, blank=True
    )
    motif_detail = models.TextField(_("précisions sur la recevabilité"), blank=True)
    recevabilite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recevabilité décidée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recevabilite_le = models.DateTimeField(_("recevabilité décidée le"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = scoped_manager("ami__structure")

    class Meta:
        verbose_name = _("dossier de candidature")
        verbose_name_plural = _("dossiers de candidature")
        ordering = ["ami", "prestataire__raison_sociale"]
        constraints = [
            models.UniqueConstraint(fields=["ami", "prestataire"], name="dossier_unique_par_ami"),
            models.CheckConstraint(
                condition=models.Q(taux_tva__isnull=True) | models.Q(taux_tva__gte=0, taux_tva__lte=100),
                name="dossier_taux_tva_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prestataire} – {self.ami}"

    def clean(self):
        stored = Dossier.objects.filter(pk=self.pk).values_list("status", flat=True).first() if self.pk else None
        if stored is not None and stored != self.status:
            raise ValidationError(
                {"status": _("Le statut d'un dossier change par le dépôt, le retrait ou la recevabilité seulement.")}
            )

    @property
    def derniere_version(self):
        return self.versions.order_by("-numero").first()


class EtapeDeroule(models.Model):
    """A step of the typical 2-hour séance; the steps total 120 minutes."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="etapes")
    ordre = models.PositiveSmallIntegerField(_("ordre"))
    libelle = models.CharField(_("étape"), max_length=255)
    duree_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"))

    objects = scoped_manager("dossier__ami__structure")

    class Meta:
        verbose_name = _("étape du déroulé type")
        verbose_name_plural = _("déroulé type d'une séance")
        ordering = ["dossier", "ordre"]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.duree_minutes} min)"


class Intervenant(models.Model):
    """A facilitator proposed in a dossier (section 2)."""

    class Qualification(models.TextChoices):
        PSYCHOLOGUE = "psychologue", _("Psychologue du travail")
        SUPERVISEUR = "superviseur", _("Superviseur")
        CODEV = "codeveloppement", _("Praticien certifié en codéveloppement")
        AUTRE = "autre", _("Autre qualification")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="intervenants")
    prenom = models.CharField(_("prénom"), max_length=100)
    nom = models.CharField(_("nom"), max_length=100)
    qualification = models.CharField(_("qualification"), max_length=20, choices=Qualification.choices)
    qualification_autre = models.CharField(_("précisez la qualification"), max_length=200, blank=True)
    annees_experience_app = models.PositiveSmallIntegerField(_("années d'expérience en APP"))
    antennes = models.ManyToManyField(
        "mlhg_app.Antenne", verbose_name=_("antennes couvertes"), blank=True, related_name="+"
    )
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = scoped_manager("dossier__ami__structure")

    class Meta:
        verbose_name = _("intervenant proposé")
        verbose_name_plural = _("intervenants proposés")
        ordering = ["dossier", "ordre", "nom"]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}"


class Reference(models.Model):
    """A similar engagement (section 4)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="references")
    structure = models.CharField(_("structure"), max_length=200)
    annee = models.PositiveSmallIntegerField(_("année"))
    contact = models.CharField(_("contact"), max_length=255, blank=True)
    description = models.TextField(_("description de la mission"), blank=True)

    objects = scoped_manager("dossier__ami__structure")

    class Meta:
        verbose_name = _("référence")
        verbose_name_plural = _("références")
        ordering = ["dossier", "-annee", "structure"]

    def __str__(self) -> str:
        return f"{self.structure} ({self.annee})"


def fichier_upload_to(instance, filename):
    return f"dossiers/{instance.dossier_id}/{instance.sha256[:2]}/{instance.sha256}-{filename}"


class Fichier(models.Model):
    """An uploaded file of a dossier: a CV or a recommendation letter.

    Stored under MEDIA_ROOT, never served directly. A file that belongs to a
    submitted version is never changed nor deleted: removing it from the draft
    only detaches it (`detache_at`).
    """

    class Kind(models.TextChoices):
        CV = "cv", _("CV")
        RECOMMANDATION = "recommandation", _("Lettre de recommandation")
        PIECE = "piece", _("Pièce jointe au courriel")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="fichiers")
    kind = models.CharField(_("type de pièce"), max_length=20, choices=Kind.choices)
    intervenant = models.ForeignKey(
        Intervenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="fichiers"
    )
    fichier = models.FileField(_("fichier"), upload_to=fichier_upload_to, max_length=255)
    nom = models.CharField(_("nom du fichier"), max_length=150)
    taille = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    type_mime = models.CharField(_("type de contenu"), max_length=100)
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    detache_at = models.DateTimeField(_("retiré du brouillon le"), null=True, blank=True)

    objects = scoped_manager("dossier__ami__structure")

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["dossier", "kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.nom


class DossierVersion(models.Model):
    """A submitted, immutable version of a dossier, with its receipt data."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="versions")
    numero = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("déposé le"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("déposé par"), on_delete=models.PROTECT, related_name="+"
    )
    contenu = models.JSONField(_("contenu déposé"))
    fichiers = models.ManyToManyField(Fichier, verbose_name=_("pièces déposées"), related_name="versions")
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)

    objects = scoped_manager("dossier__ami__structure")

    class Meta:
        verbose_name = _("version déposée")
        verbose_name_plural = _("versions déposées")
        ordering = ["dossier", "-numero"]
        constraints = [models.UniqueConstraint(fields=["dossier", "numero"], name="version_unique_numero")]

    def __str__(self) -> str:
        return f"{self.dossier} – version {self.numero}"


# -- evaluation by the committee -------------------------------------------------------


class Evaluation(models.Model):
    """One evaluator's grid for one dossier: a conflict declaration, then a score per criterion."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="evaluations")
    evaluateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("évaluateur"), on_delete=models.PROTECT, related_name="evaluations"
    )
    conflit = models.BooleanField(
        _("conflit d'intérêts déclaré"),
        null=True,
        help_text=_("Vide tant que l'évaluateur ne s'est pas prononcé ; un conflit l'exclut de ce dossier."),
    )
    conflit_motif = models.TextField(_("nature du conflit d'intérêts"), blank=True)
    declared_at = models.DateTimeField(_("déclaration faite le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("grille soumise le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = scoped_manager("dossier__ami__structure")

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["dossier", "evaluateur__last_name"]
        constraints = [models.UniqueConstraint(fields=["dossier", "evaluateur"], name="evaluation_unique")]

    def __str__(self) -> str:
        return f"{self.evaluateur} – {self.dossier}"


class Note(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("évaluation"), on_delete=models.CASCADE, related_name="notes"
    )
    critere = models.ForeignKey(Critere, verbose_name=_("critère"), on_delete=models.PROTECT, related_name="notes")
    score = models.PositiveSmallIntegerField(_("note (0 à 10)"), null=True, blank=True)
    commentaire = models.TextField(_("commentaire"), blank=True)
    history = HistoricalRecords()

    objects = scoped_manager("evaluation__dossier__ami__structure")

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["evaluation", "critere__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "critere"], name="note_unique"),
            models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__lte=10), name="note_0_10"),
        ]

    def __str__(self) -> str:
        return f"{self.critere.code}: {self.score}"


# -- decision, letters, convention --------------------------------------------------------


class Decision(models.Model):
    class Kind(models.TextChoices):
        ATTRIBUE = "attribue", _("Candidat retenu")
        SANS_SUITE = "sans_suite", _("AMI sans suite")

    ami = models.OneToOneField(AMI, on_delete=models.PROTECT, related_name="decision")
    kind = models.CharField(_("décision"), max_length=20, choices=Kind.choices)
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier retenu"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    justification = models.TextField(_("justification"), blank=True)
    justification_grilles = models.TextField(
        _("motif d'une décision avant toutes les grilles"),
        blank=True,
        help_text=_(
            "Donné quand un évaluateur sans conflit d'intérêts n'a pas soumis sa grille d'un dossier recevable."
        ),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidée par"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"))
    letters_sent_at = models.DateTimeField(_("lettres envoyées le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = scoped_manager("ami__structure")

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self) -> str:
        return f"{self.ami} : {self.get_kind_display()}"


def lettre_upload_to(instance, filename):
    return f"lettres/{instance.decision.ami_id}/{filename}"


class Lettre(models.Model):
    class Kind(models.TextChoices):
        RETENU = "retenu", _("Lettre au candidat retenu")
        NON_RETENU = "non_retenu", _("Lettre à un candidat non retenu")
        SANS_SUITE = "sans_suite", _("Lettre de clôture sans suite")

    decision = models.ForeignKey(Decision, verbose_name=_("décision"), on_delete=models.CASCADE, related_name="lettres")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="lettres")
    kind = models.CharField(_("type de lettre"), max_length=20, choices=Kind.choices)
    texte_libre = models.TextField(_("texte libre"), blank=True)
    fichier = models.FileField(_("lettre (PDF)"), upload_to=lettre_upload_to, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = scoped_manager("dossier__ami__structure")

    class Meta:
        verbose_name = _("lettre de notification")
        verbose_name_plural = _("lettres de notification")
        ordering = ["decision", "dossier__prestataire__raison_sociale"]
        constraints = [models.UniqueConstraint(fields=["decision", "dossier"], name="lettre_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.dossier.prestataire}"


def convention_upload_to(instance, filename):
    return f"conventions/{instance.dossier_id}/{filename}"


def signed_upload_to(instance, filename):
    convention = instance if isinstance(instance, Convention) else instance.convention
    return f"conventions/{convention.dossier_id}/signees/{filename}"


class SignatureSteps(models.Model):
    """The life shared by a convention and its avenants: établi(e) → envoyé(e) pour signature → signé(e).

    No status column: the state follows from the dates, which change in `ami.services.convention` only."""

    class Status(models.TextChoices):
        ETABLIE = "etablie", _("Établie")
        ENVOYEE = "envoyee", _("Envoyée pour signature")
        SIGNEE = "signee", _("Signée")

    sent_at = models.DateTimeField(_("envoyée pour signature le"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signée le"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("exemplaire signé déposé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    fichier_signe = models.FileField(
        _("exemplaire signé (PDF)"), upload_to=signed_upload_to, max_length=255, blank=True
    )
    signe_sha256 = models.CharField(_("empreinte SHA-256 de l'exemplaire signé"), max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def status(self) -> str:
        if self.signed_at is not None:
            return self.Status.SIGNEE
        if self.sent_at is not None:
            return self.Status.ENVOYEE
        return self.Status.ETABLIE

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class Convention(SignatureSteps):
    """The convention de prestation with the retained candidate (seed §9).

    Its state follows from its dates (no status column): « établie » once created, « envoyée pour
    signature » once `sent_at` is set, « signée » once `signed_at` is set (the signed PDF uploaded),
    by `ami.services.convention` only. Amended by dated `Avenant`s."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("décision"), on_delete=models.PROTECT, related_name="convention"
    )
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="convention")
    numero = models.CharField(_("numéro"), max_length=40, unique=True)
    date_debut = models.DateField(_("début de la prestation"))
    date_fin = models.DateField(_("fin de la prestation"))
    fichier = models.FileField(_("convention (PDF)"), upload_to=convention_upload_to, blank=True)
    created_at = models.DateTimeField(_("établie le"), auto_now_add=True)
    signable_from = models.DateTimeField(_("signature possible à partir du"), null=True, blank=True)
    history = HistoricalRecords()

    objects = scoped_manager("dossier__ami__structure")

    class Meta:
        verbose_name = _("convention de prestation")
        verbose_name_plural = _("conventions de prestation")

    def __str__(self) -> str:
        return f"Convention {self.numero} – {self.dossier.prestataire}"

    @property
    def reference(self) -> str:
        """What a signed copy's text must contain to be this document."""
        return self.numero


def avenant_upload_to(instance, filename):
    return f"conventions/{instance.convention.dossier_id}/avenants/{filename}"


class Avenant(SignatureSteps):
    """A dated amendment of the convention: new prices of a séance (groupe / sous-groupe), a new volume
    (séances par site) or a new end of the prestation (a renewal, `seances.services.renewal`), applied from
    `date_effet` once signed (seances.pricing)."""

    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.PROTECT, related_name="avenants"
    )
    numero = models.PositiveSmallIntegerField(_("numéro d'avenant"))
    date_effet = models.DateField(_("date d'effet"))
    objet = models.TextField(_("objet de l'avenant"))
    prix_seance_groupe = models.DecimalField(
        _("nouveau prix HT d'une séance en groupe complet (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    prix_seance_sous_groupe = models.DecimalField(
        _("nouveau prix HT d'une séance en sous-groupe (€)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    seances_par_site = models.PositiveSmallIntegerField(
        _("nouveau volume : séances par site et par an"), null=True, blank=True
    )
    date_fin_prestation = models.DateField(
        _("prestation prolongée jusqu'au"),
        null=True,
        blank=True,
        help_text=_("Un avenant de reconduction prolonge la convention d'une année de prestation."),
    )
    fichier = models.FileField(_("avenant (PDF)"), upload_to=avenant_upload_to, max_length=255, blank=True)
    created_at = models.DateTimeField(_("établi le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("établi par"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = scoped_manager("convention__dossier__ami__structure")

    class Meta:
        verbose_name = _("avenant à la convention")
        verbose_name_plural = _("avenants à la convention")
        ordering = ["convention", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "numero"], name="avenant_unique_numero"),
            models.CheckConstraint(
                condition=models.Q(prix_seance_groupe__isnull=False)
                | models.Q(prix_seance_sous_groupe__isnull=False)
                | models.Q(seances_par_site__isnull=False)
                | models.Q(date_fin_prestation__isnull=False),
                name="avenant_modifie_quelque_chose",
            ),
        ]

    def __str__(self) -> str:
        return f"Avenant n° {self.numero} à la convention {self.convention.numero}"

    @property
    def reference(self) -> str:
        """What a signed copy's text must contain to be this document."""
        return f"{self.convention.numero}-AV{self.numero}"


# -- dossiers received outside the portal ------------------------------------------------------------


def courriel_upload_to(instance, filename):
    return f"courriels/{instance.ami_id}/{instance.eml_sha256[:2]}/{instance.eml_sha256}.eml"


class DepotCourriel(models.Model):
    """A dossier received by email (seed §7.3: « à l'adresse mlhg@ml31.org »), recorded by staff.

    The message (.eml, kept as evidence, staff only) gives the sender and the reception time: the
    latest `Received:` timestamp (MLHG's own server), else the `Date:` header; a correction of the
    time needs a reason (history). Then the sender's organisation (SIRET), the six parts typed by
    staff, and the seal (`ami.services.intake.intake_seal`): a version dated at the reception time."""

    ami = models.ForeignKey(AMI, verbose_name=_("AMI"), on_delete=models.PROTECT, related_name="depots_courriel")
    dossier = models.OneToOneField(
        Dossier,
        verbose_name=_("dossier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="depot_courriel",
    )
    eml = models.FileField(_("message reçu (.eml)"), upload_to=courriel_upload_to, max_length=255, blank=True)
    eml_sha256 = models.CharField(_("empreinte SHA-256 du message"), max_length=64, blank=True)
    eml_taille = models.PositiveIntegerField(_("taille du message (octets)"), default=0)
    expediteur_email = models.EmailField(_("adresse de l'expéditeur"))
    expediteur_nom = models.CharField(_("nom de l'expéditeur"), max_length=200, blank=True)
    sujet = models.CharField(_("objet du message"), max_length=255, blank=True)
    date_entete = models.DateTimeField(_("date indiquée par l'expéditeur (en-tête Date)"), null=True, blank=True)
    received_entete = models.TextField(_("en-tête Received le plus récent"), blank=True)
    date_received = models.DateTimeField(_("reçu par le serveur (en-tête Received)"), null=True, blank=True)
    recu_le = models.DateTimeField(_("reçu le (heure retenue)"), null=True, blank=True)
    correction_motif = models.TextField(_("motif de la correction de l'heure de réception"), blank=True)
    pieces_refusees = models.JSONField(_("pièces jointes refusées"), default=list, blank=True)
    enregistre_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("enregistré par"), on_delete=models.PROTECT, related_name="+"
    )
    enregistre_le = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    history = HistoricalRecords()

    objects = scoped_manager("ami__structure")

    class Meta:
        verbose_name = _("dossier reçu par courriel")
        verbose_name_plural = _("dossiers reçus par courriel")
        ordering = ["ami", "recu_le"]

    def __str__(self) -> str:
        when = f" du {timezone.localtime(self.recu_le):%d/%m/%Y %H:%M}" if self.recu_le else ""
        return f"Courriel de {self.expediteur_email}{when}"

    @property
    def is_sealed(self) -> bool:
        return self.dossier_id is not None and self.dossier.status != Dossier.Status.BROUILLON

    @property
    def is_late(self) -> bool:
        return self.recu_le is not None and self.recu_le > self.ami.date_limite
