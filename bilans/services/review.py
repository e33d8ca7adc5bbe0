"""The responsable's review of a remitted bilan: comments per section (the prestataire replies), then
the validation of the latest version. Each emails the other side."""

from django.db import transaction
from django.utils import timezone

from bilans import tasks
from bilans.models import Bilan, Commentaire, Section
from bilans.selectors import REVIEWABLE, is_writer, latest_version
from bilans.services.state import bilan_set_state
from mlhg_app.jobs import enqueue
from mlhg_app.refusals import Refused


def comment_add(*, bilan: Bilan, user, section: str, texte: str) -> Commentaire:
    """The responsable comments one section of the latest remitted version; the prestataire is emailed."""
    texte = (texte or "").strip()
    if section not in Section.values:
        raise Refused("Choisissez la section commentée.")
    if not texte:
        raise Refused("Écrivez votre commentaire.")
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update(of=("self",)).select_related("programme").get(pk=bilan.pk)
        if not user.has_perm("bilans.review_bilan", bilan):
            raise Refused("Seul le responsable de secteur référent du programme commente le bilan remis.")
        if bilan.status not in REVIEWABLE:
            raise Refused(f"Le bilan est {bilan.get_status_display()} : il ne peut pas être commenté.")
        version = latest_version(bilan)
        commentaire = Commentaire.objects.create(version=version, section=section, texte=texte, auteur=user)
        bilan_set_state(bilan=bilan, status=Bilan.Status.COMMENTE, by=user)
        transaction.on_commit(lambda: enqueue(tasks.notify_comment, commentaire_id=commentaire.pk))
    return commentaire


def comment_reply(*, commentaire: Commentaire, user, reponse: str) -> Commentaire:
    """The prestataire answers a comment of the latest version, while the bilan is « commenté »."""
    bilan = commentaire.version.bilan
    if not is_writer(user, bilan):
        raise Refused("Seul le prestataire répond aux commentaires.")
    reponse = (reponse or "").strip()
    if not reponse:
        raise Refused("Écrivez votre réponse.")
    if bilan.status != Bilan.Status.COMMENTE or commentaire.version_id != latest_version(bilan).pk:
        raise Refused("On répond aux commentaires de la dernière version, tant que le bilan n'est pas validé.")
    commentaire.reponse = reponse
    commentaire.repondu_par = user
    commentaire.repondu_le = timezone.now()
    commentaire.save()
    return commentaire


def bilan_validate(*, bilan: Bilan, user) -> Bilan:
    """The responsable accepts the latest remitted version; the prestataire is emailed."""
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update(of=("self",)).select_related("programme").get(pk=bilan.pk)
        if not user.has_perm("bilans.review_bilan", bilan):
            raise Refused("Seul le responsable de secteur référent du programme valide le bilan remis.")
        if bilan.status not in REVIEWABLE:
            raise Refused(f"Le bilan est {bilan.get_status_display()} : il ne peut pas être validé.")
        bilan_set_state(bilan=bilan, status=Bilan.Status.VALIDE, by=user)  # the prestataire emailed on commit
    return bilan
