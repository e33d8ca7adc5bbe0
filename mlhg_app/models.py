"""The structures (Missions Locales), users and roles, their places, the outgoing-message log, pending jobs and stored exports."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager, _user_has_module_perms, _user_has_perm
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopeError, get_scope
from simple_history.models import HistoricalRecords

from mlhg_app.structures import current_structure, scoped_manager

WEEKDAYS = [
    (0, _("lundi")),
    (1, _("mardi")),
    (2, _("mercredi")),
    (3, _("jeudi")),
    (4, _("vendredi")),
]


class Structure(models.Model):
    """A Mission Locale that buys APP sessions on this deployment (the tenant, issue 19).

    Every row of the domain belongs to one structure, directly (`structure` on the root models) or
    through its parent. Its identity is what its letters, e-mails, PDFs and .ics carry; `slug` is its
    path prefix (`/<slug>/…`) and the id its tasks carry; `domaine` its host name when it has one.
    """

    slug = models.SlugField(_("identifiant"), max_length=40, unique=True)
    nom = models.CharField(_("nom"), max_length=200, unique=True)
    nom_court = models.CharField(_("nom court"), max_length=40)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        validators=[RegexValidator(r"^[0-9]{14}$", _("Le SIRET compte 14 chiffres."))],
    )
    adresse_siege = models.CharField(_("adresse du siège"), max_length=255)
    code_postal = models.CharField(_("code postal"), max_length=5)
    ville = models.CharField(_("ville"), max_length=120)
    logo = models.FileField(_("logo"), upload_to="structures/logos/", blank=True)
    signataire_nom = models.CharField(_("signataire"), max_length=200)
    signataire_qualite = models.CharField(_("qualité du signataire"), max_length=200)
    courriel_expediteur = models.EmailField(_("adresse d'expédition des courriels"))
    courriel_contact = models.EmailField(_("adresse de contact"))
    domaine = models.CharField(
        _("nom d'hôte"),
        max_length=253,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Le nom d'hôte qui sert cette structure (mlhg.example.org), s'il y en a un."),
    )
    retention = models.JSONField(
        _("durées de conservation"),
        default=dict,
        blank=True,
        help_text=_(
            "Les durées propres à la structure (clés RETENTION_* des réglages) ; à défaut, celles des réglages."
        ),
    )
    avis_k = models.PositiveSmallIntegerField(
        _("seuil d'anonymat des avis"),
        null=True,
        blank=True,
        validators=[MinValueValidator(3)],
        help_text=_("Nombre minimal de réponses pour publier un avis (3 au moins) ; à défaut, FEEDBACK_K."),
    )
    sso = models.JSONField(
        _("authentification unique"),
        default=dict,
        blank=True,
        help_text=_("Les réglages OpenID Connect propres à la structure (issuer, client_id, libellé)."),
    )

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


# The roles of a structure's own people (staff-side): such an account belongs to one structure.
# Prestataire-side accounts (prestataire, intervenant) and technical superusers belong to none.
STRUCTURE_ROLES = ("staff", "evaluateur", "responsable", "conseiller")


def default_structure() -> Structure:
    """The structure a new row without one goes to: the active scope's, or the only structure there is.

    With several structures and no scope, nothing is guessed: a row is never put in some structure silently.
    """
    structure = current_structure()
    if structure is not None:
        return structure
    candidates = list(Structure.objects.order_by("pk")[:2])
    if len(candidates) == 1:
        return candidates[0]
    raise ScopeError(
        "A row of a structure is being created outside any structure's scope, and there is not exactly one "
        "structure to put it in: pass its structure, or work inside structure_scope()."
    )


class InStructure(models.Model):
    """A root model of the domain: its rows belong to one structure directly (`structure`), their children
    through them. A row saved without a structure takes its parent's (`inherited_structure`), else the
    active scope's, else the only structure (`default_structure`)."""

    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    objects = scoped_manager("structure")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.structure_id is None:
            self.structure = self.inherited_structure() or default_structure()
        super().save(*args, **kwargs)

    def inherited_structure(self) -> Structure | None:
        return None


class Antenne(InStructure):
    """The siège or one of the 7 antennes territoriales (seed §1)."""

    class Kind(models.TextChoices):
        SIEGE = "siege", _("Siège social")
        ANTENNE = "antenne", _("Antenne territoriale")

    code = models.SlugField(_("code"), max_length=40)
    nom = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.ANTENNE)
    adresse = models.CharField(_("adresse"), max_length=255)
    code_postal = models.CharField(_("code postal"), max_length=5)
    ville = models.CharField(_("ville"), max_length=120)
    jours_indisponibles = models.JSONField(
        _("jours où le site ne peut pas accueillir de séance"),
        default=list,
        blank=True,
        help_text=_("Jours de la semaine (0 = lundi … 4 = vendredi) où aucune séance ne peut se tenir sur le site."),
    )
    ordre = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)
    # Who changed a site's name, address, order or unavailable days, and when (the sites page, `antenne_update`).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["ordre", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "code"], name="antenne_code_unique_par_structure"),
            models.UniqueConstraint(fields=["structure", "nom"], name="antenne_nom_unique_par_structure"),
        ]

    def __str__(self) -> str:
        return self.nom

    def clean(self):
        days = self.jours_indisponibles or []
        if not isinstance(days, list) or any(d not in range(5) for d in days):
            raise ValidationError(
                {"jours_indisponibles": _("Indiquez des jours ouvrés entre 0 (lundi) et 4 (vendredi).")}
            )

    @property
    def adresse_complete(self) -> str:
        return f"{self.adresse}, {self.code_postal} {self.ville}"

    @property
    def jours_indisponibles_labels(self) -> list[str]:
        labels = dict(WEEKDAYS)
        return [str(labels[d]) for d in sorted(self.jours_indisponibles or []) if d in labels]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.STAFF)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def in_structure(self):
        """The accounts the structure the code works for knows (users are not scoped: prestataire-side
        accounts are shared): its own people, the accounts of the organisations that answered its calls
        and of the intervenants of its programmes, and the technical superusers. Every account inside
        `scopes_disabled()` / `every_structure()`; ScopeError outside any scope (fail closed)."""
        state = get_scope()
        if not state.get("_enabled", True):
            return self.all()
        structure = state.get("structure")
        if structure is None:
            raise ScopeError("A scope on dimension(s) structure needs to be active for this query.")
        providers = self.filter(membre__prestataire__dossiers__ami__structure=structure).values("pk")
        intervenants = self.filter(interventions__programme__structure=structure).values("pk")
        return self.filter(
            models.Q(structure=structure)
            | models.Q(structure__isnull=True)
            & (models.Q(pk__in=providers) | models.Q(pk__in=intervenants) | models.Q(is_superuser=True))
        )


class User(AbstractUser):
    """A person who logs in with an email address and holds one role (DESIGN.md §1)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Administration MLHG")
        EVALUATEUR = "evaluateur", _("Évaluateur")
        RESPONSABLE = "responsable", _("Responsable de secteur")
        PRESTATAIRE = "prestataire", _("Prestataire")
        INTERVENANT = "intervenant", _("Intervenant")
        CONSEILLER = "conseiller", _("Conseiller en insertion")

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.CONSEILLER)
    antenne = models.ForeignKey(
        Antenne,
        verbose_name=_("site de rattachement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # The structure a staff-side account belongs to (STRUCTURE_ROLES); None for prestataire-side accounts
    # (shared: one provider answers several structures' calls) and technical superusers.
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    is_manager = models.BooleanField(
        _("encadrant hiérarchique"),
        default=False,
        help_text=_(
            "Coché pour un responsable hiérarchique : il ne peut jamais être membre d'un groupe "
            "d'APP (séances hors présence hiérarchique, AMI §5.1)."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()
    # Who changed a person's role, site, manager flag or activity, and when (never the password).
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = (self.email or "").strip().lower()
        if self.role == self.Role.CONSEILLER and self.antenne_id is None:
            raise ValidationError({"antenne": _("Un conseiller doit être rattaché à un site.")})

    def save(self, *args, **kwargs):
        if self.structure_id is None and self.role in STRUCTURE_ROLES and not self.is_superuser:
            self.structure = self.antenne.structure if self.antenne_id else default_structure()
        super().save(*args, **kwargs)

    def has_perm(self, perm, obj=None):
        """Every permission comes from the backends (the role's rules, the object's predicates): the
        superuser flag alone grants none of the product's (the admin console reads it itself)."""
        return self.is_active and _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label):
        return self.is_active and _user_has_module_perms(self, app_label)

    @property
    def is_line_manager(self) -> bool:
        """Seed §5.1: a line manager can never be a member of an APP group."""
        return self.is_manager or self.role == self.Role.RESPONSABLE


class OutgoingMessage(InStructure):
    """Every email the product sends, recorded once per occurrence.

    The unique key (kind, object, recipient, occurrence) makes a job that runs
    twice send once: the row is written in the same transaction as the send.
    """

    kind = models.CharField(_("type de message"), max_length=60)
    object_type = models.CharField(_("type d'objet"), max_length=60, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=40, blank=True)
    recipient = models.EmailField(_("destinataire"))
    occurrence = models.CharField(_("occurrence"), max_length=60, blank=True, default="")
    subject = models.CharField(_("objet du message"), max_length=255)
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message envoyé")
        verbose_name_plural = _("messages envoyés")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "recipient", "occurrence"],
                name="outgoing_message_once",
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.sent_at:%d/%m/%Y %H:%M})"


class PendingJob(InStructure):
    """A job a page could not hand to Redis (broker down): kept here, queued again by
    `mlhg_app.tasks.requeue_pending_jobs` once the broker answers (mlhg_app/jobs.py)."""

    task = models.CharField(_("tâche"), max_length=200)
    kwargs = models.JSONField(_("paramètres"), default=dict)
    created_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=1)
    last_error = models.CharField(_("dernière erreur"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tâche en attente du service des tâches")
        verbose_name_plural = _("tâches en attente du service des tâches")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.task} {self.kwargs}"


class PeopleImport(InStructure):
    """An HR export uploaded by staff (XLSX or CSV): kept from the preview to the confirmation, so that
    what is written is exactly the file that was previewed; its result is kept once applied
    (mlhg_app/services/people_import.py)."""

    class Status(models.TextChoices):
        APERCU = "apercu", _("aperçu, en attente de confirmation")
        APPLIQUE = "applique", _("appliqué")
        ABANDONNE = "abandonne", _("abandonné")

    fichier = models.FileField(_("fichier"), upload_to="imports/")
    filename = models.CharField(_("nom du fichier"), max_length=150)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    desactiver_absents = models.BooleanField(_("désactiver les personnes absentes du fichier"), default=False)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.APERCU)
    apercu_empreinte = models.CharField(_("empreinte de l'aperçu"), max_length=64, blank=True)
    resultat = models.JSONField(_("résultat"), default=dict, blank=True)
    importe_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    importe_le = models.DateTimeField(_("déposé le"), auto_now_add=True)
    applique_le = models.DateTimeField(_("appliqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import du personnel")
        verbose_name_plural = _("imports du personnel")
        ordering = ["-importe_le", "-pk"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    def inherited_structure(self):
        return self.importe_par.structure


class StoredExport(InStructure):
    """A slow export (a report PDF, an archive ZIP) made by a Celery job into a stored file; the page
    polls its status, then links the file. Kinds are registered by their apps (mlhg_app/exports.py)."""

    class Status(models.TextChoices):
        EN_ATTENTE = "en_attente", _("en attente")
        EN_COURS = "en_cours", _("en cours")
        PRET = "pret", _("prêt")
        ECHEC = "echec", _("échec")

    kind = models.CharField(_("type d'export"), max_length=40)
    object_id = models.PositiveIntegerField(_("objet exporté"))
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.EN_ATTENTE)
    fichier = models.FileField(_("fichier"), upload_to="exports/", blank=True)
    filename = models.CharField(_("nom du fichier"), max_length=150, blank=True)
    content_type = models.CharField(_("type de contenu"), max_length=100, blank=True)
    demande_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    demande_le = models.DateTimeField(_("demandé le"), auto_now_add=True)
    termine_le = models.DateTimeField(_("terminé le"), null=True, blank=True)
    erreur = models.CharField(_("erreur"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-demande_le", "-pk"]

    def __str__(self):
        return f"{self.kind} n° {self.object_id} ({self.get_status_display()})"

    def inherited_structure(self):
        return self.demande_par.structure
