"""The objects the bilan's views check their permission on."""

from bilans import selectors
from mlhg_app.access import permission_object

# The bilan of the URL's `pk`, loaded once for the view's object permission (404 if none).
BilanObject = permission_object("bilan", selectors.bilan_get)


def version_number(request) -> int | None:
    value = request.GET.get("version", "")
    return int(value) if value.isdigit() else None


ExportObject = permission_object("export", selectors.bilan_export_get)
