"""Messages as a mail client saves them (.eml), built with Python's own `email` package, for the tests of
dossiers received by email."""

from email.message import EmailMessage

from tests.dossiers import PDF_BYTES

MLHG_RECEIVED = (
    "from mail.cabinet-exemple.fr (mail.cabinet-exemple.fr [192.0.2.10]) by mx.ml31.org (Postfix) "
    "with ESMTPS id 4F2A1; {when}"
)


def build_eml(
    *,
    sender="Claire Delmas <claire@cabinet-exemple.fr>",
    subject="Candidature AMI APP 2026",
    date="Fri, 29 May 2026 23:40:00 +0200",
    received=("Fri, 29 May 2026 23:58:30 +0200", "Fri, 29 May 2026 23:41:02 +0200"),
    attachments=(("dossier-candidature.pdf", PDF_BYTES, "application", "pdf"),),
) -> bytes:
    """A message with its `Date:` and its `Received:` headers (the first one is the MLHG server's, the latest)."""
    message = EmailMessage()
    for when in received:
        message["Received"] = MLHG_RECEIVED.format(when=when)
    if sender:
        message["From"] = sender
    message["To"] = "mlhg@ml31.org"
    message["Subject"] = subject
    if date:
        message["Date"] = date
    message.set_content("Bonjour,\nVeuillez trouver ci-joint notre dossier de candidature.\nCordialement.")
    for name, content, maintype, subtype in attachments:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()
