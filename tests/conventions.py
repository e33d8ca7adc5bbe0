"""Conventions and avenants signed in tests, through the services: sent for signature, then their own PDF
uploaded back as the signed copy."""

from django.core.files.uploadedfile import SimpleUploadedFile

from ami.services.convention import avenant_create, convention_send, signed_copy_upload


def pdf_upload(field_file, name="signee.pdf") -> SimpleUploadedFile:
    """The PDF stored in `field_file`, as uploaded back (a signed copy)."""
    with field_file.open("rb") as handle:
        return SimpleUploadedFile(name, handle.read(), content_type="application/pdf")


def signed_copy_of_itself(document, user):
    """`document` (a convention or an avenant, already sent) gets its own PDF uploaded back by `user`."""
    signed_copy_upload(document=document, upload=pdf_upload(document.fichier), user=user)
    return document


def sent_and_signed(document, user):
    """`document` (a convention or an avenant) sent for signature by `user`, then signed with its own PDF."""
    convention_send(convention=document, user=user)
    return signed_copy_of_itself(document, user)


def signed_avenant(convention, user, **terms):
    """An avenant to `convention` established, sent and signed by `user`; `terms`: date_effet, objet and what
    changes (prices, séances per site)."""
    return sent_and_signed(avenant_create(convention=convention, user=user, **terms), user)
