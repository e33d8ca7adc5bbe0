"""The client's IP address, as django-axes and the throttles count it.

Behind a reverse proxy, REMOTE_ADDR is the proxy's address for every client: locking or
throttling by it would lock everyone at once. Each trusted proxy appends the address it
received the request from to X-Forwarded-For, so with `TRUSTED_PROXY_COUNT` proxies in front of
the application the client is the last but (count - 1) entry of that header (django-ipware,
`proxy_count`); whatever a client writes further left is ignored. With `TRUSTED_PROXY_COUNT = 0`
(the default: the application is reached directly) the header is ignored altogether, since any
client could write it.
"""

from django.conf import settings
from ipware import get_client_ip


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the one the trusted proxies forwarded."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    # The last proxy is REMOTE_ADDR itself: X-Forwarded-For holds the client and the (count - 1) others.
    forwarded, _routable = get_client_ip(
        request, proxy_count=count - 1, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
    )
    return forwarded or remote
