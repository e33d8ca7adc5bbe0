"""Our middleware: the Content-Security-Policy header (settings.CONTENT_SECURITY_POLICY) and the sliding
expiry of sessions (settings.SESSION_REFRESH_SECONDS)."""

import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

# When the session's expiry was last pushed back (seconds since the epoch), kept in the session itself.
REFRESHED_KEY = "_refreshed_at"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's header on every response except the PDFs the app shows inline.

    Chromium displays a PDF through a viewer page of its own that needs inline styles
    and a plugin object: under `object-src 'none'` (or `style-src 'self'`) the letter
    or the convention opens blank. A PDF runs none of our scripts, so it loses
    nothing by going without; every HTML page, JSON answer and download keeps it.
    """

    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/pdf"):
            response._csp_exempt = True
        return super().process_response(request, response)


class SlidingSessionMiddleware:
    """A session used by a request has its expiry pushed back, written at most every SESSION_REFRESH_SECONDS.

    Django's SESSION_SAVE_EVERY_REQUEST wrote (and committed) the session on every request. Here a request
    that reads the session saves it only when its last save is older than the refresh interval (or when it
    is saved anyway): the session then ends at most SESSION_COOKIE_AGE after the last request, and never
    sooner than SESSION_COOKIE_AGE − SESSION_REFRESH_SECONDS. A request that never reads the session
    (/healthz/, static files) leaves it alone. Listed just after SessionMiddleware, so that this runs before
    its save on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.session_key is None or session.is_empty():
            return response  # unused, new and empty, or just flushed (logout): nothing to keep alive
        now = int(time.time())
        if session.modified or now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED_KEY] = now  # saved by SessionMiddleware, with a new expiry and cookie
        return response


@receiver(user_logged_in, dispatch_uid="mlhg_session_refreshed_at_login")
def _refreshed_at_login(sender, request, user, **kwargs):
    """A login saves its new session anyway: it counts as the session's last refresh."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_KEY] = int(time.time())
