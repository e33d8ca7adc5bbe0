"""Our middleware: the Content-Security-Policy header (settings.CONTENT_SECURITY_POLICY)."""

from csp.middleware import CSPMiddleware


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
