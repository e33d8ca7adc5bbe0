"""Small helpers shared by the tests that drive pages with Django's test client."""

from django.contrib.messages import get_messages
from django.test import Client


def login(user) -> Client:
    """A test client logged in as this user."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def flash(response) -> str:
    """The messages shown to the user on the next page, one per line."""
    return "\n".join(str(m) for m in get_messages(response.wsgi_request))
