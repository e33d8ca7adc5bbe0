from django.utils.functional import SimpleLazyObject

from mlhg_app.identity import PLATFORM_NAME, structure_of
from mlhg_app.navigation import sections_for


def navigation(request):
    """The menu, and the structure whose name the page's header and footer carry (`structure_of(request)`,
    read only when a template asks)."""
    user = getattr(request, "user", None)
    structure = SimpleLazyObject(lambda: structure_of(request))
    return {"nav_sections": sections_for(user), "structure": structure, "platform_name": PLATFORM_NAME}
