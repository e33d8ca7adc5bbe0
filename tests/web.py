"""Small helpers shared by the tests that drive pages with Django's test client."""

import html
import re
from collections import deque
from urllib.parse import urljoin, urlparse

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


# -- crawling what a person reaches ---------------------------------------------------------

LINK = re.compile(r"""(?:href|hx-get)\s*=\s*["']([^"'#]+)""")
RAW_TEXT = re.compile(r"<(style|script)\b[^>]*>(.*?)</\1>", re.S | re.I)
SKIPPED = ("/deconnexion", "/logout", "/admin/", "/static/", "/media/", "/__")


def shown_text(body: str) -> str:
    """What a reader sees of an HTML page: the text unescaped once; <style>/<script> content as written."""
    raw = " ".join(m.group(2) for m in RAW_TEXT.finditer(body))
    return html.unescape(RAW_TEXT.sub(" ", body)) + " " + raw


def crawl(user, *, limit: int = 250):
    """Every answer `user` reaches from the home page by following the links of the pages (GET only):
    yields (url, response) for each answer 200 that is not streamed, pages and files alike."""
    client = login(user)
    seen, queue = set(), deque(["/"])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or getattr(response, "streaming", False):
            continue
        yield url, response
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(response.content.decode()):
            target = urlparse(urljoin(url, html.unescape(link)))
            if target.netloc and target.netloc != "testserver":
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if path.startswith("/") and not path.startswith(SKIPPED) and path not in seen:
                queue.append(path)
