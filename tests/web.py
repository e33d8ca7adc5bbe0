"""Small helpers shared by the tests that drive pages with Django's test client."""

import requests
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


def put_provider_user(issuer, sub, **claims):
    """Register (or replace) a person and their claims at the local OpenID Connect provider (`oidc_provider`)."""
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204
