"""Questions of the candidates and MLHG's answers, published to all (equal information for all candidates).

A candidate asks until the AMI's question deadline; staff rewrite the question so that it does not say
who asked, answer, and publish: every registered candidate is emailed the rewritten question and the
answer. What the candidate wrote and who they are stay for staff only.
"""

from celery import shared_task
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ami.models import AMI, Question
from ami.selectors import candidats_inscrits, prestataire_of
from mlhg_app.french import deadline_text
from mlhg_app.jobs import enqueue
from mlhg_app.messaging import message_send, messages_send
from mlhg_app.refusals import Refused

MAX_LENGTH = 3000


def question_ask(*, ami: AMI, user, texte: str, now=None) -> Question:
    """A candidate's question on a published AMI, until its question deadline (to the second).

    Refused: an account of no organisation, an AMI not published, the question deadline passed, an
    empty or too long text. Side effects: the question, pending, visible to staff only; after commit,
    one email to the AMI's contact address saying a question waits (not who asked).
    """
    now = now or timezone.now()
    texte = (texte or "").strip()
    prestataire = prestataire_of(user)
    if prestataire is None:
        raise Refused("Seul le compte d'une organisation candidate peut poser une question.")
    if ami.status != AMI.Status.PUBLIE:
        raise Refused(f"L'AMI est « {ami.get_status_display()} » : il ne reçoit pas de questions.")
    if now > ami.questions_deadline:
        raise Refused(
            f"La date limite des questions ({deadline_text(ami.questions_deadline)}) est passée : "
            "les questions ne sont plus acceptées pour cet appel. Les réponses déjà publiées restent en ligne.",
            "texte",
        )
    if not texte:
        raise Refused("Écrivez votre question.", "texte")
    if len(texte) > MAX_LENGTH:
        raise Refused(f"Votre question dépasse {MAX_LENGTH} caractères ({len(texte)}) : raccourcissez-la.", "texte")
    with transaction.atomic():
        question = Question.objects.create(ami=ami, texte=texte, posee_par=user, prestataire=prestataire, posee_le=now)
        transaction.on_commit(lambda: enqueue(notify_question_asked, question_id=question.pk))
    return question


def question_asked_notify(*, question: Question) -> int:
    """Tell the AMI's contact address that a question waits for an answer (once)."""
    ami = question.ami
    if not ami.contact_email:
        return 0
    pending = Question.objects.filter(ami=ami, publiee_le__isnull=True).count()
    return int(
        message_send(
            kind="ami.question_posee",
            recipient=ami.contact_email,
            subject=f"Nouvelle question d'un candidat – {ami.titre}",
            template="ami_question_posee",
            context={"ami": ami, "pending": pending},
            obj=question,
        )
    )


def _refuse_if_published(question: Question):
    if question.is_published:
        raise Refused(f"La question {question.numero} est déjà publiée avec sa réponse : elle ne se modifie plus.")


def question_answer_save(*, question: Question, question_publiee: str, reponse: str, by) -> Question:
    """Staff's draft of the rewritten question and its answer (nothing published, nothing sent).

    Refused: a question already published."""
    _refuse_if_published(question)
    question.question_publiee = (question_publiee or "").strip()
    question.reponse = (reponse or "").strip()
    question.repondue_par = by
    question.save(update_fields=["question_publiee", "reponse", "repondue_par"])
    return question


def question_publish(*, question: Question, by, now=None) -> Question:
    """Publish the rewritten question and its answer on the AMI's page, numbered in publication order.

    Refused: already published, the rewritten question or the answer empty, the rewritten question
    identical to what the candidate wrote (it must not say who asked), an AMI no longer open. Side
    effects, in one transaction: the number, date and author of the answer; after commit, one email per
    account of every registered candidate, once each (the rewritten question, never the original).
    """
    now = now or timezone.now()
    with transaction.atomic():
        ami = AMI.objects.select_for_update().get(pk=question.ami_id)
        question = Question.objects.select_for_update().get(pk=question.pk)
        _refuse_if_published(question)
        if not question.question_publiee:
            raise Refused("Reformulez la question pour tous (sans rien qui permette de reconnaître qui l'a posée).")
        if not question.reponse:
            raise Refused("Rédigez la réponse avant de la publier.")
        if question.question_publiee.strip() == question.texte.strip():
            raise Refused(
                "La question publiée reprend mot pour mot celle du candidat : reformulez-la, "
                "pour que rien ne permette de reconnaître qui l'a posée."
            )
        if not ami.is_open(now):
            raise Refused("L'AMI n'est plus ouvert aux dépôts : une réponse publiée maintenant ne servirait plus.")
        last = Question.objects.filter(ami=ami).aggregate(n=Max("numero"))["n"] or 0
        question.numero = last + 1
        question.publiee_le = now
        question.repondue_par = by
        question.save(update_fields=["numero", "publiee_le", "repondue_par"])
        transaction.on_commit(lambda: enqueue(notify_question, question_id=question.pk))
    return question


def question_notify(*, question: Question) -> int:
    """Email a published answer to every active account of every registered candidate, once each."""
    ami = question.ami
    context = {
        "ami": ami,
        "numero": question.numero,
        "question": question.question_publiee,
        "reponse": question.reponse,
    }
    return messages_send(
        users=[membre.user for membre in candidats_inscrits(ami)],
        kind="ami.question",
        subject=f"Questions et réponses n° {question.numero} – {ami.titre}",
        template="ami_question",
        context=context,
        obj=question,
    )


# Beside the services that queue them (docs/architecture.md); ami/tasks.py names them for Celery.
@shared_task(name="ami.tasks.notify_question_asked")
def notify_question_asked(*, question_id: int) -> int:
    question = Question.objects.select_related("ami").filter(pk=question_id).first()
    if question is None:
        return 0
    return question_asked_notify(question=question)


@shared_task(name="ami.tasks.notify_question")
def notify_question(*, question_id: int) -> int:
    question = Question.objects.select_related("ami").filter(pk=question_id, publiee_le__isnull=False).first()
    if question is None:
        return 0
    return question_notify(question=question)
