"""Dossiers received outside the portal (seed §7.3: sent to mlhg@ml31.org), recorded by staff.

1. `intake_record_eml` (the .eml) or `intake_record_manual` (sender and time typed): the reception
   record, the message kept as evidence (staff only), the reception time read from its headers.
2. `intake_time_correct`: a corrected reception time, with its reason (history).
3. `intake_identify`: the sender's organisation created or matched by SIRET, its dossier (canal
   « courriel »), the accepted attachments as its pieces (the portal's checks), the refused ones listed.
4. The six parts typed by staff (the portal's section forms, `ami.views.intake`), `intake_file_add`.
5. `intake_seal`: a version dated at the reception time with its SHA-256, the receipt emailed to the
   sender; received after the deadline, the dossier is kept and declared irrecevable (« hors délai »).
"""

import hashlib
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ami.completeness import dossier_completeness
from ami.documents.received_email import MAX_EML_SIZE, NotAnEmail, ReceivedEmail, parse_eml
from ami.models import AMI, DepotCourriel, Dossier, DossierVersion, Fichier, Prestataire, validate_siret
from ami.serialisation import content_hash, dossier_content, dossier_queryset_for_content, draft_files
from ami.services.dossier import fichier_add
from ami.services.eligibility import dossier_set_eligibility
from ami.services.states import dossier_set_state
from ami.services.submission import send_receipt
from mlhg_app.french import deadline_text, moment_text
from mlhg_app.jobs import enqueue
from mlhg_app.refusals import Refused
from mlhg_app.uploads import format_mo

DECIDED = {AMI.Status.ATTRIBUE, AMI.Status.SANS_SUITE}
# The organisation's fields staff type from the message (a known SIRET is matched instead).
ORGANISATION_FIELDS = (
    "siret",
    "raison_sociale",
    "statut_juridique",
    "adresse",
    "code_postal",
    "ville",
    "contact_nom",
    "contact_telephone",
)

# What a deposit records of a message read from its .eml (`ReceivedEmail`'s attributes of the same names).
HEADER_FIELDS = ("expediteur_email", "expediteur_nom", "sujet", "date_entete", "received_entete", "date_received")


def _when(value) -> str:
    return moment_text(value)


def _require_open_for_intake(ami: AMI):
    if ami.status == AMI.Status.BROUILLON:
        raise Refused("Cet AMI n'est pas publié : aucun dossier ne peut y être enregistré.")
    if ami.status in DECIDED:
        raise Refused("Cet AMI est décidé : un dossier reçu ne peut plus y être enregistré.")


def _require_not_sealed(depot: DepotCourriel):
    if depot.is_sealed:
        raise Refused("Ce dossier reçu par courriel est scellé : il ne peut plus être modifié.")


def _check_time(recu_le, now, field="recu_le"):
    if recu_le is None:
        raise Refused("Indiquez la date et l'heure de réception du courriel.", field=field)
    if recu_le > now:
        raise Refused("L'heure de réception ne peut pas être dans le futur.", field=field)


def stored_email(depot: DepotCourriel) -> ReceivedEmail | None:
    """The stored message read again (for the page and the identification), None without .eml."""
    if not depot.eml:
        return None
    with depot.eml.open("rb") as handle:
        return parse_eml(handle.read())


def intake_record_eml(*, ami: AMI, upload, user) -> DepotCourriel:
    """Record a message received by email from its .eml.

    Refused (French): not an email (no headers, no sender), larger than the limit, an AMI not published
    or already decided. A message without readable `Date:` nor `Received:` is kept, its time to be typed
    with a reason (`intake_time_correct`). Side effects: the `DepotCourriel` and the .eml stored (its SHA-256).
    """
    _require_open_for_intake(ami)
    if upload.size > MAX_EML_SIZE:
        raise Refused(
            f"Le fichier pèse {format_mo(upload.size)} : la limite est de {format_mo(MAX_EML_SIZE)}.", field="eml"
        )
    upload.seek(0)
    raw = upload.read()
    try:
        parsed = parse_eml(raw)
    except NotAnEmail as error:
        raise Refused(str(error), field="eml") from error
    sha256 = hashlib.sha256(raw).hexdigest()
    with transaction.atomic():
        depot = DepotCourriel(
            ami=ami,
            eml_sha256=sha256,
            eml_taille=len(raw),
            recu_le=parsed.recu_le,
            enregistre_par=user,
            **{name: getattr(parsed, name) for name in HEADER_FIELDS},
        )
        depot.eml.save(f"{sha256}.eml", ContentFile(raw), save=False)
        depot._history_user = user
        depot._change_reason = "Courriel enregistré depuis son fichier .eml"
        depot.save()
    return depot


def intake_record_manual(
    *, ami: AMI, user, expediteur_email: str, expediteur_nom: str = "", sujet: str = "", recu_le, motif: str, now=None
) -> DepotCourriel:
    """Record a message received by email without its .eml: sender and reception time typed, with where
    the time was read (`motif`, required). Side effects: the `DepotCourriel`."""
    now = now or timezone.now()
    _require_open_for_intake(ami)
    _check_time(recu_le, now)
    motif = (motif or "").strip()
    if not motif:
        raise Refused(
            "Indiquez où l'heure de réception a été lue (messagerie, impression du courriel…).", field="motif"
        )
    depot = DepotCourriel(
        ami=ami,
        expediteur_email=expediteur_email.strip(),
        expediteur_nom=expediteur_nom.strip(),
        sujet=sujet.strip(),
        recu_le=recu_le,
        correction_motif=motif,
        enregistre_par=user,
    )
    depot._history_user = user
    depot._change_reason = f"Courriel saisi sans fichier .eml ; heure de réception : {motif}"
    depot.save()
    return depot


def intake_time_correct(*, depot: DepotCourriel, recu_le, motif: str, user, now=None) -> DepotCourriel:
    """Correct the reception time retained, with a reason (required; the history keeps both times).

    Refused once sealed, in the future, or without a reason."""
    now = now or timezone.now()
    motif = (motif or "").strip()
    with transaction.atomic():
        depot = DepotCourriel.objects.select_for_update(of=("self",)).select_related("ami", "dossier").get(pk=depot.pk)
        _require_not_sealed(depot)
        _check_time(recu_le, now)
        if not motif:
            raise Refused("Une correction de l'heure de réception doit être motivée.", field="motif")
        if depot.recu_le == recu_le:
            return depot
        before = _when(depot.recu_le) if depot.recu_le else "non lue"
        depot.recu_le = recu_le
        depot.correction_motif = motif
        depot._history_user = user
        depot._change_reason = f"Heure de réception corrigée ({before} → {_when(recu_le)}) : {motif}"[:100]
        depot.save()
    return depot


def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join("".join(c if c.isalnum() else " " for c in folded.lower()).split())


def siret_owner_differs(siret: str, raison_sociale: str) -> Prestataire | None:
    """The organisation that holds this SIRET under another name (to show and confirm), else None."""
    owner = Prestataire.objects.filter(siret=siret).first()
    if owner is not None and _name_key(owner.raison_sociale) != _name_key(raison_sociale):
        return owner
    return None


def intake_identify(*, depot: DepotCourriel, organisation: dict, user, confirm_other_name: bool = False) -> Dossier:
    """Match or create the sender's organisation by SIRET, and open its dossier received by email.

    `organisation`: siret, raison_sociale, statut_juridique, adresse, code_postal, ville, contact_nom,
    contact_telephone. A SIRET held under another name is refused until confirmed (the existing
    organisation is then used as it is). Refused when the organisation already has a dossier for this AMI.
    Side effects: the `Prestataire` (if new), the `Dossier` (canal courriel), the accepted attachments
    as `Fichier`s (kind « pièce jointe au courriel »), the refused ones listed on the record.
    """
    siret = "".join((organisation.get("siret") or "").split())
    try:
        validate_siret(siret)
    except ValidationError as error:
        raise Refused(" ".join(error.messages), field="siret") from error
    with transaction.atomic():
        depot = DepotCourriel.objects.select_for_update().select_related("ami").get(pk=depot.pk)
        if depot.dossier_id is not None:
            raise Refused("L'organisation de ce courriel est déjà identifiée.")
        _require_open_for_intake(depot.ami)
        prestataire = Prestataire.objects.select_for_update().filter(siret=siret).first()
        if prestataire is not None:
            if siret_owner_differs(siret, organisation.get("raison_sociale", "")) and not confirm_other_name:
                raise Refused(
                    f"Ce SIRET appartient déjà à « {prestataire.raison_sociale} » ({prestataire.code_postal} "
                    f"{prestataire.ville}) : confirmez qu'il s'agit bien de cette organisation, ou corrigez le SIRET.",
                    field="confirmer",
                )
            existing = prestataire.dossiers.filter(ami=depot.ami).first()
            if existing is not None:
                raise Refused(
                    f"« {prestataire.raison_sociale} » a déjà un dossier pour cet AMI "
                    f"({existing.get_status_display().lower()}, canal : {existing.get_canal_display().lower()}) : "
                    "un second dossier ne peut pas être ouvert."
                )
        else:
            prestataire = Prestataire(
                siret=siret, **{k: (organisation.get(k) or "").strip() for k in ORGANISATION_FIELDS if k != "siret"}
            )
            try:
                prestataire.full_clean()
            except ValidationError as error:
                field, messages = next(iter(error.message_dict.items()))
                raise Refused(" ".join(messages), field=field) from error
            prestataire.save()
        dossier = Dossier.objects.create(
            ami=depot.ami,
            prestataire=prestataire,
            canal=Dossier.Canal.COURRIEL,
            statut_juridique=prestataire.statut_juridique,
        )
        depot.dossier = dossier
        refused = []
        parsed = stored_email(depot)
        for attachment in parsed.attachments if parsed else []:
            if attachment.refus:
                refused.append({"nom": attachment.nom, "raison": attachment.refus})
                continue
            try:
                fichier_add(dossier=dossier, upload=attachment.as_upload(), kind=Fichier.Kind.PIECE)
            except ValidationError as error:
                refused.append({"nom": attachment.nom, "raison": " ".join(error.messages)})
        depot.pieces_refusees = refused
        depot._history_user = user
        depot._change_reason = f"Organisation identifiée : {prestataire.raison_sociale} (SIRET {siret})"
        depot.save()
    return dossier


def intake_file_add(*, depot: DepotCourriel, upload) -> Fichier:
    """Add a piece to the dossier received by email (the portal's checks). Refused once sealed."""
    _require_not_sealed(depot)
    if depot.dossier_id is None:
        raise Refused("Identifiez d'abord l'organisation qui a envoyé le courriel.")
    try:
        return fichier_add(dossier=depot.dossier, upload=upload, kind=Fichier.Kind.PIECE)
    except ValidationError as error:
        raise Refused(" ".join(error.messages), field="fichier") from error


def intake_seal(*, depot: DepotCourriel, user, now=None) -> DossierVersion:
    """Seal the dossier received by email: one immutable version dated at the reception time.

    On time (received at or before the deadline, to the second): the six parts must be complete, as on
    the portal; the dossier becomes « déposé ». Received after the deadline: the version is kept and the
    dossier declared irrecevable, motif « reçu hors délai » (who and when recorded). Refused: no
    organisation, no reception time, an AMI decided. Side effects: the version (content, files,
    SHA-256), the state changes with their history, after commit the receipt emailed to the sender.
    """
    now = now or timezone.now()
    with transaction.atomic():
        depot = DepotCourriel.objects.select_for_update(of=("self",)).select_related("ami", "dossier").get(pk=depot.pk)
        if depot.dossier_id is None:
            raise Refused("Identifiez d'abord l'organisation qui a envoyé le courriel.")
        _require_not_sealed(depot)
        _require_open_for_intake(depot.ami)
        _check_time(depot.recu_le, now)
        locked = Dossier.objects.select_for_update().get(pk=depot.dossier_id)
        dossier = dossier_queryset_for_content().get(pk=locked.pk)
        ami = dossier.ami
        late = ami.is_past_deadline(depot.recu_le)
        if not late:
            missing = [s for s in dossier_completeness(dossier) if not s.complete]
            if missing:
                raise Refused(
                    "Le dossier est incomplet : complétez d'abord "
                    + ", ".join(f"« {s.titre} »" for s in missing)
                    + ". S'il manque des éléments dans le courriel, saisissez ce qui a été reçu : "
                    "la recevabilité en tiendra compte."
                )
        contenu = dossier_content(dossier)
        version = DossierVersion.objects.create(
            dossier=dossier,
            numero=1,
            submitted_at=depot.recu_le,
            submitted_by=user,
            contenu=contenu,
            sha256=content_hash(contenu),
        )
        version.fichiers.set(draft_files(dossier))
        received = f"Dossier reçu par courriel le {_when(depot.recu_le)} ({depot.expediteur_email})"
        dossier_set_state(dossier=locked, status=Dossier.Status.DEPOSE, by=user, motif=received[:100])
        if late:
            dossier_set_eligibility(
                dossier=locked,
                recevable=False,
                motif=Dossier.Motif.HORS_DELAI,
                detail=f"Reçu par courriel le {_when(depot.recu_le)}, après la date limite du "
                f"{deadline_text(ami.date_limite)} : irrecevable pour dépôt tardif.",
                user=user,
                now=now,
            )
        transaction.on_commit(lambda: enqueue(send_receipt, version_id=version.pk))
    return version
