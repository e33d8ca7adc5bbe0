"""The annual programme with the retained prestataire: windows, intervenants, groups, séances."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mlhg_app.french import counted
from mlhg_app.models import InStructure
from mlhg_app.structures import scoped_manager


class Programme(InStructure):
    """A programme year (September to August) with the retained prestataire (seed §5.2–5.3)."""

    class Methode(models.TextChoices):
        CODEV = "codeveloppement", _("Codéveloppement professionnel")
        GEASE = "gease", _("GEASE / GFAPP")
        BALINT = "balint", _("Balint")
        SUPERVISION = "supervision", _("Supervision collective")
        AUTRE = "autre", _("Autre")

    annee_debut = models.PositiveSmallIntegerField(_("année de début"))
    prestataire = models.ForeignKey(
        "ami.Prestataire", verbose_name=_("prestataire"), on_delete=models.PROTECT, related_name="programmes"
    )
    # One programme per year of the convention: a renewal (`Reconduction`) adds the next year to the same one.
    convention = models.ForeignKey(
        "ami.Convention",
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable de secteur référent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes_suivis",
        limit_choices_to={"role": "responsable"},
    )
    methode = models.CharField(_("méthode"), max_length=20, choices=Methode.choices, default=Methode.CODEV)
    prix_seance_groupe = models.DecimalField(
        _("prix HT d'une séance en groupe complet (€)"), max_digits=9, decimal_places=2
    )
    prix_seance_sous_groupe = models.DecimalField(
        _("prix HT d'une séance en sous-groupe (€)"), max_digits=9, decimal_places=2
    )
    regime_tva = models.CharField(_("régime de TVA"), max_length=10, default="assujetti")
    taux_tva = models.DecimalField(_("taux de TVA (%)"), max_digits=4, decimal_places=2, null=True, blank=True)
    mention_exoneration = models.CharField(_("mention d'exonération"), max_length=255, blank=True)
    minimum_par_site = models.PositiveSmallIntegerField(_("séances minimum par site et par an"), default=3)
    taille_max_groupe = models.PositiveSmallIntegerField(_("taille maximale d'un groupe"), default=17)
    duree_minutes = models.PositiveSmallIntegerField(_("durée d'une séance (minutes)"), default=120)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme annuel")
        verbose_name_plural = _("programmes annuels")
        ordering = ["-annee_debut"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "annee_debut"], name="programme_annee_unique_par_structure")
        ]

    def __str__(self) -> str:
        return f"Programme {self.annee_debut}-{self.annee_debut + 1}"

    def inherited_structure(self):
        return self.convention.dossier.ami.structure if self.convention_id else None

    @property
    def taille_usuelle(self) -> int:
        """The chosen method's usual group size: codéveloppement 8, GEASE/GFAPP/Balint 15."""
        return 8 if self.methode == self.Methode.CODEV else 15


class Reconduction(models.Model):
    """Staff's decision at the end of a programme year (seed §5.5, « chaque année de prestation »): renew it
    for the next year from the same convention, by an avenant (`seances.services.renewal`), or not, and
    start a new call from the previous one. One decision per programme."""

    class Decision(models.TextChoices):
        RECONDUIT = "reconduit", _("Reconduit pour l'année suivante")
        NON_RECONDUIT = "non_reconduit", _("Non reconduit : nouvel appel")

    programme = models.OneToOneField(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reconduction"
    )
    decision = models.CharField(_("décision"), max_length=20, choices=Decision.choices)
    programme_suivant = models.OneToOneField(
        Programme,
        verbose_name=_("programme de l'année suivante"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconduit_depuis",
    )
    avenant = models.OneToOneField(
        "ami.Avenant",
        verbose_name=_("avenant de reconduction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reconduction",
    )
    ami = models.ForeignKey(
        "ami.AMI",
        verbose_name=_("nouvel appel"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    taux = models.DecimalField(_("révision des prix (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    motif = models.TextField(_("motif"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("décidée par"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), auto_now_add=True)

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("reconduction")
        verbose_name_plural = _("reconductions")

    def __str__(self) -> str:
        return f"{self.programme} : {self.get_decision_display()}"


class Fenetre(models.Model):
    """A window: one séance per group per window, outside summer (DESIGN.md §2)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="fenetres")
    numero = models.PositiveSmallIntegerField(_("numéro"))
    libelle = models.CharField(_("libellé"), max_length=80)
    debut = models.DateField(_("début"))
    fin = models.DateField(_("fin"))
    mois_indicatifs = models.JSONField(
        _("mois indicatifs"), default=list, blank=True, help_text=_("Mois à privilégier (1 = janvier … 12 = décembre).")
    )

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("fenêtre")
        verbose_name_plural = _("fenêtres")
        ordering = ["programme", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "numero"], name="fenetre_unique_numero"),
            models.CheckConstraint(condition=models.Q(fin__gte=models.F("debut")), name="fenetre_fin_apres_debut"),
        ]

    def __str__(self) -> str:
        return f"Fenêtre {self.numero} ({self.libelle})"


class IntervenantProgramme(models.Model):
    """A facilitator of the prestataire in this programme, with the antennes covered."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="intervenants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        limit_choices_to={"role": "intervenant"},
    )
    prenom = models.CharField(_("prénom"), max_length=100)
    nom = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("adresse électronique"))
    antennes = models.ManyToManyField("mlhg_app.Antenne", verbose_name=_("antennes couvertes"), related_name="+")

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("intervenant du programme")
        verbose_name_plural = _("intervenants du programme")
        ordering = ["programme", "nom", "prenom"]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom}"


class Indisponibilite(models.Model):
    intervenant = models.ForeignKey(IntervenantProgramme, on_delete=models.CASCADE, related_name="indisponibilites")
    date = models.DateField(_("date"))
    motif = models.CharField(_("motif"), max_length=120, blank=True)

    objects = scoped_manager("intervenant__programme__structure")

    class Meta:
        verbose_name = _("indisponibilité")
        verbose_name_plural = _("indisponibilités")
        ordering = ["intervenant", "date"]
        constraints = [models.UniqueConstraint(fields=["intervenant", "date"], name="indisponibilite_unique")]

    def __str__(self) -> str:
        return f"{self.intervenant} : {self.date:%d/%m/%Y}"


class ProgrammeSite(models.Model):
    """A site's split into sub-groups for the year: by default ceil(headcount ÷ 17)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sites")
    antenne = models.ForeignKey("mlhg_app.Antenne", on_delete=models.PROTECT, related_name="+")
    nb_groupes = models.PositiveSmallIntegerField(_("nombre de groupes"), default=1)
    justification = models.TextField(
        _("justification"),
        blank=True,
        help_text=_("Obligatoire pour plus de sous-groupes que le nombre par défaut."),
    )

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("site du programme")
        verbose_name_plural = _("sites du programme")
        ordering = ["programme", "antenne__ordre"]
        constraints = [models.UniqueConstraint(fields=["programme", "antenne"], name="programme_site_unique")]

    def __str__(self) -> str:
        return f"{self.antenne} ({counted(self.nb_groupes, 'groupe', 'groupes')})"


class Groupe(models.Model):
    """A site's group, or one of its sub-groups: every sub-group séance is a full séance."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="groupes")
    antenne = models.ForeignKey("mlhg_app.Antenne", on_delete=models.PROTECT, related_name="groupes_app")
    numero = models.PositiveSmallIntegerField(_("numéro"), default=1)
    nb_groupes_site = models.PositiveSmallIntegerField(_("groupes du site"), default=1)
    membres = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("membres"), blank=True, related_name="groupes_app"
    )

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")
        ordering = ["programme", "antenne__ordre", "numero"]
        constraints = [models.UniqueConstraint(fields=["programme", "antenne", "numero"], name="groupe_unique")]

    def __str__(self) -> str:
        if self.nb_groupes_site > 1:
            return f"{self.antenne.nom} – sous-groupe {self.numero}/{self.nb_groupes_site}"
        return self.antenne.nom

    @property
    def est_sous_groupe(self) -> bool:
        return self.nb_groupes_site > 1


class Seance(models.Model):
    class Status(models.TextChoices):
        PROPOSEE = "proposee", _("Proposée")
        VALIDEE = "validee", _("Validée")
        CONVOQUEE = "convoquee", _("Convoquée")
        REALISEE = "realisee", _("Réalisée")
        ANNULEE = "annulee", _("Annulée")
        REPORTEE = "reportee", _("Reportée")

    class Placement(models.TextChoices):
        """Who gave the séance its slot: the planner keeps a person's work (issue 16)."""

        AUTO = "auto", _("Placée par le planificateur")
        MANUELLE = "manuelle", _("Placée ou modifiée à la main")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="seances")
    groupe = models.ForeignKey(Groupe, on_delete=models.PROTECT, related_name="seances")
    fenetre = models.ForeignKey(Fenetre, verbose_name=_("fenêtre"), on_delete=models.PROTECT, related_name="seances")
    date = models.DateField(_("date"))
    heure_debut = models.TimeField(_("heure de début"))
    intervenant = models.ForeignKey(
        IntervenantProgramme, verbose_name=_("intervenant"), on_delete=models.PROTECT, related_name="seances"
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PROPOSEE)
    placement = models.CharField(_("placement"), max_length=10, choices=Placement.choices, default=Placement.MANUELLE)
    uid = models.UUIDField(_("identifiant de calendrier"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("révision de l'invitation"), default=0)
    demande_modification = models.TextField(_("demande de modification du responsable"), blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    prix_ht = models.DecimalField(
        _("prix HT fixé à la réalisation"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Le prix du groupe ou du sous-groupe le jour où la séance a été tenue : un nouveau découpage "
            "du site ne le change plus."
        ),
    )
    en_sous_groupe = models.BooleanField(_("tenue en sous-groupe"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["date", "heure_debut"]
        constraints = [
            models.UniqueConstraint(
                fields=["groupe", "fenetre"],
                condition=~models.Q(status__in=["annulee", "reportee"]),
                name="seance_une_par_groupe_et_fenetre",
            )
        ]
        indexes = [models.Index(fields=["programme", "date"]), models.Index(fields=["intervenant", "date"])]

    def __str__(self) -> str:
        return f"{self.groupe} – {self.date:%d/%m/%Y}"


class CharteAcceptation(models.Model):
    """A conseiller accepted the group's confidentiality charter before the first séance."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chartes")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="chartes")
    accepted_at = models.DateTimeField(_("acceptée le"), auto_now_add=True)

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("acceptation de la charte")
        verbose_name_plural = _("acceptations de la charte")
        constraints = [models.UniqueConstraint(fields=["user", "programme"], name="charte_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.programme}"


class CalendarFeed(InStructure):
    """A private iCal feed (revocable token URL) for an intervenant, a conseiller or a site."""

    class Kind(models.TextChoices):
        INTERVENANT = "intervenant", _("Intervenant")
        CONSEILLER = "conseiller", _("Conseiller")
        SITE = "site", _("Site")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    antenne = models.ForeignKey("mlhg_app.Antenne", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token = models.CharField(_("jeton"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("flux de calendrier")
        verbose_name_plural = _("flux de calendrier")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.user or self.antenne}"

    def inherited_structure(self):
        if self.antenne_id:
            return self.antenne.structure
        return self.user.structure if self.user_id else None


# -- after the séance (attendance, anonymous reports, cancellations, billing) ------------------


class Emargement(models.Model):
    """Who attended a séance: billing proof, visible to the prestataire and staff only."""

    seance = models.OneToOneField(Seance, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="emargement")
    presents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("présents"), blank=True, related_name="+"
    )
    feuille_signee = models.FileField(_("feuille signée (scan)"), upload_to="emargements/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisi par"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("saisi le"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[presents])

    objects = scoped_manager("seance__programme__structure")

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("émargements")

    def __str__(self) -> str:
        return f"Émargement – {self.seance}"


class Theme(InStructure):
    """A theme of the problématiques brought to the groups, from a list staff manage."""

    libelle = models.CharField(_("libellé"), max_length=120)
    actif = models.BooleanField(_("proposé"), default=True)
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["ordre", "libelle"]
        constraints = [models.UniqueConstraint(fields=["structure", "libelle"], name="theme_unique_par_structure")]

    def __str__(self) -> str:
        return self.libelle


class CompteRendu(models.Model):
    """The intervenant's anonymous report of a séance: the prestataire's alone; only the bilan's
    aggregates use it. Never registered in the admin, never shown to staff or the responsable."""

    class Methode(models.TextChoices):
        CODEV = "codeveloppement", _("Codéveloppement professionnel")
        GEASE = "gease", _("GEASE / GFAPP")
        BALINT = "balint", _("Balint")
        SUPERVISION = "supervision", _("Supervision collective")
        AUTRE = "autre", _("Autre")

    seance = models.OneToOneField(Seance, on_delete=models.CASCADE, related_name="compte_rendu")
    tenue = models.BooleanField(_("séance tenue"), default=True)
    methode = models.CharField(_("méthode utilisée"), max_length=20, choices=Methode.choices)
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes abordés"), blank=True, related_name="comptes_rendus")
    observations = models.TextField(_("observations (anonymes)"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(_("rédigé le"), auto_now=True)

    objects = scoped_manager("seance__programme__structure")

    class Meta:
        verbose_name = _("compte rendu anonyme")
        verbose_name_plural = _("comptes rendus anonymes")

    def __str__(self) -> str:
        return f"Compte rendu – séance {self.seance_id}"


class Annulation(models.Model):
    class Par(models.TextChoices):
        MLHG = "mlhg", _("La MLHG")
        PRESTATAIRE = "prestataire", _("Le prestataire")

    seance = models.OneToOneField(Seance, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="annulation")
    par = models.CharField(_("annulée par"), max_length=20, choices=Par.choices)
    motif = models.TextField(_("motif"))
    annulee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("annulée par"), on_delete=models.PROTECT, related_name="+"
    )
    annulee_le = models.DateTimeField(_("annulée le"), auto_now_add=True)
    facturable = models.BooleanField(_("facturable"), null=True, help_text=_("Décidé par l'administration de la MLHG."))
    facturable_decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facturation décidée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = scoped_manager("seance__programme__structure")

    class Meta:
        verbose_name = _("annulation")
        verbose_name_plural = _("annulations")

    def __str__(self) -> str:
        return f"Annulation – {self.seance}"


class Releve(InStructure):
    """A billing statement (relevé de prestations) for a period, numbered continuously."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="releves")
    # The statement's structure is its programme's (kept here too: numbers and ranks are per structure).
    numero = models.CharField(_("numéro"), max_length=30)
    sequence = models.PositiveIntegerField(_("rang"))
    periode_debut = models.DateField(_("début de la période"))
    periode_fin = models.DateField(_("fin de la période"))
    total_ht = models.DecimalField(_("total HT"), max_digits=10, decimal_places=2)
    total_tva = models.DecimalField(_("TVA"), max_digits=10, decimal_places=2)
    total_ttc = models.DecimalField(_("total TTC"), max_digits=10, decimal_places=2)
    emis_le = models.DateTimeField(_("émis le"), auto_now_add=True)
    emis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("émis par"), on_delete=models.PROTECT, related_name="+"
    )
    fichier = models.FileField(_("relevé (PDF)"), upload_to="releves/", blank=True)
    paye_le = models.DateField(_("payé le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relevé de prestations")
        verbose_name_plural = _("relevés de prestations")
        ordering = ["-sequence"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(periode_fin__gte=models.F("periode_debut")), name="releve_periode"
            ),
            models.UniqueConstraint(fields=["structure", "numero"], name="releve_numero_unique_par_structure"),
            models.UniqueConstraint(fields=["structure", "sequence"], name="releve_rang_unique_par_structure"),
        ]

    def __str__(self) -> str:
        return f"Relevé {self.numero}"

    def inherited_structure(self):
        return self.programme.structure


class LigneReleve(models.Model):
    releve = models.ForeignKey(Releve, on_delete=models.CASCADE, related_name="lignes")
    seance = models.OneToOneField(Seance, on_delete=models.PROTECT, related_name="ligne_releve")
    libelle = models.CharField(_("libellé"), max_length=255)
    sous_groupe = models.BooleanField(_("séance en sous-groupe"), default=False)
    annulee_facturable = models.BooleanField(_("annulation facturable"), default=False)
    prix_ht = models.DecimalField(_("prix HT"), max_digits=9, decimal_places=2)

    objects = scoped_manager("releve__structure")

    class Meta:
        verbose_name = _("ligne de relevé")
        verbose_name_plural = _("lignes de relevé")
        ordering = ["releve", "seance__date"]

    def __str__(self) -> str:
        return self.libelle


# -- participant feedback, anonymous by construction (issue 20) ----------------------------------------------


class AvisInvitation(models.Model):
    """A present conseiller's one-time right to give feedback on a séance held, WITHOUT the person.

    The link holds a token only the platform can compute for (person, séance) (`seances.services.feedback`);
    this row keeps its SHA-256 and nothing of the person. Answering deletes it in the same transaction as the
    `Avis` is written: a used or forged link finds no row, and no row ever ties an answer to its author."""

    seance = models.ForeignKey(Seance, verbose_name=_("séance"), on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    expire_le = models.DateField(_("valable jusqu'au"))

    objects = scoped_manager("seance__programme__structure")

    class Meta:
        verbose_name = _("invitation à donner son avis")
        verbose_name_plural = _("invitations à donner son avis")

    def __str__(self) -> str:
        return f"Invitation à donner son avis – séance {self.seance_id}"


class Avis(models.Model):
    """One participant's anonymous feedback: no person, no séance, no time; only the programme, the site and
    the window it counts in. The key is random (never an order), and the programme's rows are re-written in a
    random order at each answer (`seances.services.feedback`), so neither their order nor their transaction
    numbers follow the order in which people answered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="+")
    antenne = models.ForeignKey("mlhg_app.Antenne", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    fenetre = models.ForeignKey(Fenetre, verbose_name=_("fenêtre"), on_delete=models.PROTECT, related_name="+")
    libre = models.PositiveSmallIntegerField(_("je me suis senti·e libre de parler"))
    pratique = models.PositiveSmallIntegerField(_("la séance m'aide dans ma pratique"))
    recul = models.PositiveSmallIntegerField(_("la séance m'a aidé·e à prendre du recul"))
    remarque = models.TextField(_("remarque (anonyme)"), blank=True)

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("avis de participant")
        verbose_name_plural = _("avis de participants")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(libre__gte=1, libre__lte=5, pratique__gte=1, pratique__lte=5)
                & models.Q(recul__gte=1, recul__lte=5),
                name="avis_notes_de_1_a_5",
            )
        ]

    def __str__(self) -> str:
        return "Avis anonyme"


# -- the provider's review at the end of the year (issue 20) ----------------------------------------


def who(label):
    """The account that took a step (shared, answered, closed), empty until it is taken."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=label, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class RevuePrestation(models.Model):
    """The MLHG's review of the provision of a programme (« revue de la prestation », not the anonymised
    annual bilan of `bilans`): the product's figures beside a free assessment per criterion of the AMI,
    shared with the prestataire, who may answer once; kept with the programme, read when the next AMI is
    written. Its figures are computed live while it is a draft and frozen in `chiffres` when shared."""

    class Status(models.TextChoices):
        BROUILLON = "brouillon", _("brouillon")
        PARTAGEE = "partagee", _("partagée avec le prestataire")
        REPONDUE = "repondue", _("réponse du prestataire reçue")
        CLOSE = "close", _("close")

    programme = models.OneToOneField(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="revue"
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.BROUILLON)
    appreciation_generale = models.TextField(_("appréciation générale"), blank=True)
    chiffres = models.JSONField(
        _("chiffres au partage"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Les chiffres de la prestation tels qu'ils ont été partagés avec le prestataire."),
    )
    reponse = models.TextField(_("réponse du prestataire"), blank=True)
    created_at = models.DateTimeField(_("ouverte le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ouverte par"), on_delete=models.PROTECT, related_name="+"
    )
    partagee_le = models.DateTimeField(_("partagée le"), null=True, blank=True)
    partagee_par = who(_("partagée par"))
    repondue_le = models.DateTimeField(_("réponse reçue le"), null=True, blank=True)
    repondue_par = who(_("réponse écrite par"))
    close_le = models.DateTimeField(_("close le"), null=True, blank=True)
    close_par = who(_("close par"))
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = scoped_manager("programme__structure")

    class Meta:
        verbose_name = _("revue de la prestation")
        verbose_name_plural = _("revues de la prestation")
        ordering = ["-programme__annee_debut"]

    def __str__(self) -> str:
        return f"Revue de la prestation {self.programme.annee_debut}-{self.programme.annee_debut + 1}"

    @property
    def annee(self) -> str:
        return f"{self.programme.annee_debut}-{self.programme.annee_debut + 1}"


class RevueCritere(models.Model):
    """The assessment of one criterion of the AMI in a review: a level and a short text. The criterion's
    label and weight are copied when the review is opened, so the review reads the same whatever happens
    to the AMI later."""

    class Niveau(models.TextChoices):
        TRES_SATISFAISANT = "tres_satisfaisant", _("Très satisfaisant")
        SATISFAISANT = "satisfaisant", _("Satisfaisant")
        A_AMELIORER = "a_ameliorer", _("À améliorer")
        INSUFFISANT = "insuffisant", _("Insuffisant")

    revue = models.ForeignKey(RevuePrestation, on_delete=models.CASCADE, related_name="criteres")
    code = models.SlugField(_("code du critère"), max_length=40)
    libelle = models.CharField(_("critère"), max_length=255)
    poids = models.PositiveSmallIntegerField(_("pondération (%)"))
    ordre = models.PositiveSmallIntegerField(_("ordre"), default=0)
    niveau = models.CharField(_("appréciation"), max_length=20, choices=Niveau.choices, blank=True)
    texte = models.TextField(_("commentaire"), blank=True)
    history = HistoricalRecords()

    objects = scoped_manager("revue__programme__structure")

    class Meta:
        verbose_name = _("appréciation d'un critère")
        verbose_name_plural = _("appréciations des critères")
        ordering = ["revue", "ordre"]
        constraints = [models.UniqueConstraint(fields=["revue", "code"], name="revue_critere_unique")]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.poids} %)"


# -- the statement as an invoice (issue 20) ----------------------------------------------------------


class Facture(models.Model):
    """The prestataire's invoice of a statement: generated here (Factur-X, numbered in the prestataire's own
    gapless sequence) or uploaded (its embedded Factur-X XML read). Its lines match the statement's."""

    class Origine(models.TextChoices):
        GENEREE = "generee", _("Générée sur la plateforme")
        DEPOSEE = "deposee", _("Déposée par le prestataire")

    releve = models.OneToOneField(Releve, verbose_name=_("relevé"), on_delete=models.PROTECT, related_name="facture")
    prestataire = models.ForeignKey(
        "ami.Prestataire", verbose_name=_("prestataire"), on_delete=models.PROTECT, related_name="factures"
    )
    origine = models.CharField(_("origine"), max_length=10, choices=Origine.choices, default=Origine.GENEREE)
    prefixe = models.CharField(_("préfixe de numérotation"), max_length=20, blank=True)
    rang = models.PositiveIntegerField(_("rang dans la numérotation du prestataire"), null=True, blank=True)
    numero = models.CharField(_("numéro de facture"), max_length=40)
    date_emission = models.DateField(_("date d'émission"))
    echeance = models.DateField(_("échéance"))
    numero_tva = models.CharField(_("numéro de TVA intracommunautaire"), max_length=20, blank=True)
    mention_tva = models.CharField(_("mention de TVA"), max_length=255, blank=True)
    conditions_paiement = models.TextField(_("conditions de paiement"))
    total_ht = models.DecimalField(_("total HT"), max_digits=10, decimal_places=2)
    total_tva = models.DecimalField(_("TVA"), max_digits=10, decimal_places=2)
    total_ttc = models.DecimalField(_("total TTC"), max_digits=10, decimal_places=2)
    fichier = models.FileField(_("facture (PDF Factur-X)"), upload_to="factures/")
    xml = models.TextField(_("XML Factur-X (EN 16931)"))
    emise_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("émise par"), on_delete=models.PROTECT, related_name="+"
    )
    emise_le = models.DateTimeField(_("enregistrée le"), auto_now_add=True)

    objects = scoped_manager("releve__structure")

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["prestataire", "-date_emission", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["prestataire", "numero"], name="facture_numero_unique_par_prestataire"),
            models.UniqueConstraint(fields=["prestataire", "rang"], name="facture_rang_unique_par_prestataire"),
        ]

    def __str__(self) -> str:
        return f"Facture {self.numero}"
