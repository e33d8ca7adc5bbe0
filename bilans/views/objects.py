"""The objects the bilan's views check their permission on."""

from bilans import selectors


class BilanObject:
    """The bilan of the URL's `pk`, loaded once for the view's object permission (404 if none)."""

    def get_permission_object(self):
        if not hasattr(self, "bilan"):
            self.bilan = selectors.bilan_get(self.kwargs["pk"])
        return self.bilan


def version_number(request) -> int | None:
    value = request.GET.get("version", "")
    return int(value) if value.isdigit() else None


class ExportObject:
    def get_permission_object(self):
        if not hasattr(self, "export"):
            self.export = selectors.bilan_export_get(self.kwargs["pk"])
        return self.export
