"""The outgoing-message log: every email the product sends goes through here."""

import logging
from email.utils import format_datetime, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from mlhg_app.identity import sender, structure_of
from mlhg_app.models import OutgoingMessage

logger = logging.getLogger(__name__)


def object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template with autoescape off: the text part of an email is not HTML, so
    « d'Analyse », « Dupont & fils » and « <b> » are written as typed, never « d&#x27;Analyse »."""
    template = get_template(template_name)
    return template.template.render(Context(context, autoescape=False))


def message_headers() -> dict[str, str]:
    """Message-ID on the site's domain (not the host's name) and Date in Paris time, with its offset
    (+0100 in winter, +0200 in summer), as a person in Toulouse reads it."""
    return {
        "Message-ID": make_msgid(domain=settings.SITE_DOMAIN),
        "Date": format_datetime(timezone.localtime()),
    }


def message_send(
    *,
    kind: str,
    recipient: str,
    subject: str,
    template: str,
    context: dict | None = None,
    obj=None,
    occurrence: str = "",
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> bool:
    """Send one email unless the same (kind, object, recipient, occurrence) was sent.

    Renders `emails/<template>.txt` and `emails/<template>.html`, signed and sent (From) in the name of the
    structure of `obj` (`structure_of`; `context["structure"]` when the caller knows it). Side effects:
    one `OutgoingMessage` row and one email, in one transaction: if sending
    fails, the row is rolled back and a retry sends it. Returns True when the
    email left now, False when it had already been sent.
    """
    object_type, object_id = object_ref(obj)
    recipient = recipient.strip().lower()
    ctx = {"site_url": settings.SITE_URL, "recipient": recipient, **(context or {})}
    ctx["structure"] = structure = structure_of(ctx.get("structure") or obj)
    with transaction.atomic():
        try:
            with transaction.atomic():
                OutgoingMessage.objects.create(
                    # the log row belongs to the structure the e-mail speaks for (else the scope's: InStructure)
                    **({"structure": structure} if structure is not None and structure.pk else {}),
                    kind=kind,
                    object_type=object_type,
                    object_id=object_id,
                    recipient=recipient,
                    occurrence=occurrence,
                    subject=subject[:255],
                )
        except IntegrityError:
            logger.info("message %s to %s already sent (%s %s %s)", kind, recipient, object_type, object_id, occurrence)
            return False
        text = render_text(f"emails/{template}.txt", ctx)
        html = render_to_string(f"emails/{template}.html", ctx)
        email = EmailMultiAlternatives(
            subject=subject, body=text, from_email=sender(structure), to=[recipient], headers=message_headers()
        )
        email.attach_alternative(html, "text/html")
        for filename, content, mimetype in attachments or []:
            email.attach(filename, content, mimetype)
        email.send(fail_silently=False)
    logger.info("message %s sent to %s", kind, recipient)
    return True


def messages_send(*, users, context: dict | None = None, **message) -> int:
    """`message_send` to each of `users`, at their address and with the person as `user` in the context;
    returns how many emails left now (not those already sent)."""
    return sum(
        message_send(recipient=user.email, context={**(context or {}), "user": user}, **message) for user in users
    )


def account_message_send(*, user, context: dict | None = None, **message) -> bool:
    """`message_send` to an account about itself: at its address, with the person as `user` in the context
    and the account as the logged object."""
    return message_send(recipient=user.email, context={**(context or {}), "user": user}, obj=user, **message)
