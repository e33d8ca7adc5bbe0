"""Which structure a request works for (issue 19), and the request run inside its scope.

In this order: the host name (`Structure.domaine`, e.g. mlhg.example.org); else the path prefix
`/<slug>/…` (STRUCTURE_PATH_PREFIX, on by default: the prefix is stripped from `path_info` and set as
the script prefix, so that `reverse()` and `{% url %}` keep it); else the only structure when there is
exactly one (the embedded default); else the structure of the logged-in staff-side account; else the
DEFAULT_STRUCTURE of the settings (the demo's MLHG), if any. The request then runs inside `structure_scope(structure)` (`request.structure`).

A request that names no structure while there are several runs without one (`request.structure` None)
on the pages that belong to no structure (the portal's list of every structure's open calls, the
login, the health check; the superusers' console through `every_structure()`); any other address
answers the French 404 « aucune structure ». A scoped read made without a structure raises ScopeError:
logged loudly, answered by a French error page, never another structure's rows.
"""

import functools
import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.db.models import Count, Q, Subquery, Value
from django.http import HttpResponse
from django.template import loader
from django.urls import get_resolver, get_script_prefix, reverse, set_script_prefix
from django_scopes import ScopeError, scope

from mlhg_app.models import Structure
from mlhg_app.structures import every_structure, structure_scope

logger = logging.getLogger("mlhg_app.structures")

# First path segments of the pages that belong to no structure (served without one when several share
# the deployment and the request names none). "" is the home page (the public landing page).
STRUCTURELESS = {
    "",
    "connexion",
    "deconnexion",
    "mot-de-passe-oublie",
    "accessibilite",
    "confidentialite",
}
STRUCTURELESS_PATHS = {"/ami/"}  # the portal: every structure's open calls (ami.views.public.AMIListView)
# An organisation's registration and its members' invitations (prestataires are shared by every structure).
STRUCTURELESS_PREFIXES = ("/ami/inscription/", "/ami/organisation/", "/ami/invitation/")
CONSOLE = "admin"
# Served before any structure is looked for (no database read): the health check, the static files.
UNSCOPED = {"healthz", "static"}  # the superusers' console: every structure (MLHGAdminSite lets superusers only in)


def _host(request) -> str:
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: Django answers 400 itself further on
        return ""
    return host.rsplit(":", 1)[0].lower() if not host.endswith("]") else host.lower()


def _first_segment(path: str) -> str:
    return path.lstrip("/").split("/", 1)[0]


def _named(host: str, slug: str) -> list[Structure]:
    """In one query: the structures the host or the slug names, the default one (DEFAULT_STRUCTURE) and the
    first structure, each with the number of structures (`total`)."""
    total = Structure.objects.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    query = Q(pk=Subquery(Structure.objects.order_by("pk").values("pk")[:1]))
    if host:
        query |= Q(domaine=host)
    if slug:
        query |= Q(slug=slug)
    if settings.DEFAULT_STRUCTURE:
        query |= Q(slug=settings.DEFAULT_STRUCTURE)
    return list(Structure.objects.filter(query).annotate(total=Subquery(total[:1])))


@functools.cache
def application_segments() -> frozenset[str]:
    """The first path segments of the application's own URLs (ami, seances, connexion…): never a prefix,
    whatever a structure's slug (a structure named `ami` must not take every call's page)."""
    return frozenset(_first_segment(str(pattern.pattern)) for pattern in get_resolver().url_patterns) | UNSCOPED


def structure_for(request) -> tuple[Structure | None, str]:
    """The request's structure and the path prefix that named it ("" when none did)."""
    host = _host(request)
    slug = _first_segment(request.path_info) if settings.STRUCTURE_PATH_PREFIX else ""
    if slug in application_segments():
        slug = ""
    found = _named(host, slug)
    for structure in found:
        if host and structure.domaine == host:
            return structure, ""
    for structure in found:
        if slug and structure.slug == slug:
            return structure, slug
    if found and found[0].total == 1:
        return found[0], ""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.structure_id:
        return user.structure, ""
    for structure in found:
        if settings.DEFAULT_STRUCTURE and structure.slug == settings.DEFAULT_STRUCTURE:
            return structure, ""
    return None, ""


def page(template: str, status: int) -> HttpResponse:
    """A French page rendered without a request context: no context processor may read scoped data."""
    return HttpResponse(loader.render_to_string(template), status=status)


class StructureMiddleware:
    """Runs each request inside its structure's scope (see the module's docstring). Listed after the
    authentication middleware (a staff-side account's own structure is the last resort)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        segment = _first_segment(request.path_info)
        if segment in UNSCOPED:
            request.structure = None
            return self.get_response(request)
        try:
            structure, prefix = structure_for(request)
        except DatabaseError:
            if not self._structureless(request):
                raise  # the database does not answer: the 503 page (mlhg_app.views.health.server_error)
            structure, prefix = None, ""  # a page of no structure goes on (it may not need the database)
        request.structure = structure
        if structure is None:
            return self._without_structure(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.structure_id and user.structure_id != structure.pk:
            # a structure's people act only in their own: elsewhere they are visitors (and may not log in)
            request.user = AnonymousUser()
        previous = get_script_prefix()
        if prefix:
            request.path_info = request.path_info[len(prefix) + 1 :] or "/"
            script_name = f"{request.META.get('SCRIPT_NAME', '').rstrip('/')}/{prefix}"
            request.META["SCRIPT_NAME"] = script_name
            set_script_prefix(script_name + "/")
        try:
            with structure_scope(structure):
                return self.get_response(request)
        finally:
            set_script_prefix(previous)

    @staticmethod
    def _structureless(request) -> bool:
        path = request.path_info
        return (
            _first_segment(path) in STRUCTURELESS
            or path in STRUCTURELESS_PATHS
            or path.startswith(STRUCTURELESS_PREFIXES)
        )

    def _without_structure(self, request):
        if _first_segment(request.path_info) == CONSOLE:
            with every_structure():
                return self.get_response(request)
        if self._structureless(request):
            with scope(structure=None):  # no structure, whatever the caller's state: a scoped read raises
                return self.get_response(request)
        logger.warning("Aucune structure pour %s %s (hôte %s).", request.method, request.path, _host(request))
        return page("mlhg_app/structure_introuvable.html", 404)

    def process_exception(self, request, exception):
        if not isinstance(exception, ScopeError):
            return None
        logger.critical(
            "Lecture de données d'une structure refusée : aucune structure active (%s %s, structure %s).",
            request.method,
            request.path,
            getattr(getattr(request, "structure", None), "slug", None),
            exc_info=exception,
        )
        return page("mlhg_app/structure_manquante.html", 500)


def structure_reverse(request, structure: Structure, viewname: str, **kwargs) -> str:
    """The address of a page of `structure` from any request: the current structure's as `reverse()`
    gives it; another one's on its host name, else under its prefix (`/<slug>/…`)."""
    current = getattr(request, "structure", None)
    if current is not None and current.pk == structure.pk:
        return reverse(viewname, kwargs=kwargs)
    previous = get_script_prefix()
    set_script_prefix(request.META.get("SCRIPT_NAME", "").removesuffix(f"/{getattr(current, 'slug', '')}") + "/")
    try:
        path = reverse(viewname, kwargs=kwargs)
    finally:
        set_script_prefix(previous)
    if structure.domaine:
        return f"{request.scheme}://{structure.domaine}{path}"
    if not settings.STRUCTURE_PATH_PREFIX or (current is None and Structure.objects.count() == 1):
        return path
    return f"/{structure.slug}{path}"
