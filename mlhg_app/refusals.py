"""The one refusal type of the product's services, and how a view shows it.

A service that will not do what it was asked raises `Refused` with a French message for the user and,
when the refusal is about one input, the name of the form field it concerns. Views never build their
own try / message / redirect:

- a POST that asks one thing and goes back to a page (« confirm then act ») is an `ActionView`: its
  `act()` calls the service and returns the success message; a refusal becomes an error message;
- otherwise the view runs the service inside `refusal_as_message(request)` (the refusal becomes a
  message on the next page, what follows in the block is skipped) or `refusal_as_form_error(form)` (the
  refusal becomes the form's error, the block is skipped and the view shows the form again, its input
  kept), or calls `refusal_message` / `refusal_on_form`;
- a page with a form (GET shows it, POST sends it to a service) is a `FormPageView`.
"""

from contextlib import contextmanager

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views import View

from mlhg_app.access import PermissionRequiredView


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


@contextmanager
def refusal_as_form_error(form):
    """Run the block; a `Refused` raised in it goes on `form` (`refusal_on_form`) and ends the block quietly."""
    try:
        yield
    except Refused as refusal:
        refusal_on_form(form, refusal)


class ActionView(PermissionRequiredView, View):
    """A POST that asks one service for one thing, then goes back to a page.

    `act(request)` calls the service and returns the success message (or None: no message); a `Refused`
    raised in it (by the service, or by the view for an input it will not pass on) becomes an error
    message. Either way the user is sent to `redirect_url()`, or after a refusal to `refused_url()`
    (by default the same page).
    """

    http_method_names = ["post"]

    def act(self, request) -> str | None:
        raise NotImplementedError

    def redirect_url(self) -> str:
        raise NotImplementedError

    def refused_url(self) -> str:
        return self.redirect_url()

    def post(self, request, *args, **kwargs):
        try:
            success = self.act(request)
        except Refused as refusal:
            refusal_message(request, refusal)
            return redirect(self.refused_url())
        if success:
            messages.success(request, success)
        return redirect(self.redirect_url())


class FormPageView(PermissionRequiredView, View):
    """A page with a form: GET shows it, POST sends it to one service and shows it again when refused.

    `page(request, **context)` renders `template_name` with `page_context()` (what the page always shows)
    and the given forms; `sent(form, send)` calls `send(form.cleaned_data)` when the form is valid and says
    whether it went through (a `Refused` becomes the form's error, its input kept).
    """

    template_name: str

    def page_context(self) -> dict:
        return {}

    def page(self, request, status=200, **context):
        return render(request, self.template_name, {**self.page_context(), **context}, status=status)

    def sent(self, form, send) -> bool:
        if form.is_valid():
            with refusal_as_form_error(form):
                send(form.cleaned_data)
                return True
        return False
