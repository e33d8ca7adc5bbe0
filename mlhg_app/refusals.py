"""The one refusal type of the product's services, and how a view shows it.

A service that will not do what it was asked raises `Refused` with a French message for the user and,
when the refusal is about one input, the name of the form field it concerns. Views never build their
own try / message / redirect: they run the service inside `refusal_as_message(request)` (the
refusal becomes a message on the next page, what follows in the block is skipped), or call
`refusal_message` / `refusal_on_form` (an error on the form, whose input is kept).
"""

from contextlib import contextmanager

from django.contrib import messages


class Refused(Exception):
    """What a service refuses to do; `message` is French, `field` the form field concerned (or None)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field = field

    def __str__(self) -> str:
        return self.message


def refusal_message(request, refusal: Refused) -> None:
    """Show the refusal as an error message on the next page."""
    messages.error(request, refusal.message)


def refusal_on_form(form, refusal: Refused) -> None:
    """Put the refusal on its field when the form has it, else on the form as a whole."""
    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)


@contextmanager
def refusal_as_message(request):
    """Run the block; a `Refused` raised in it becomes an error message and ends the block quietly."""
    try:
        yield
    except Refused as refusal:
        refusal_message(request, refusal)
