"""An object's history, for those who may read it."""

from django.shortcuts import render
from django.views import View

from mlhg_app.access import PermissionRequiredView
from mlhg_app.history import history_permission, object_history


class HistoryView(PermissionRequiredView, View):
    """Who changed what, when, on one object (staff only, read-only; see mlhg_app/history.py)."""

    permission_required = "mlhg_app.view_history"

    def get_permission_required(self):
        """`mlhg_app.view_history` and the object's own read permission (`history.PERMISSIONS`)."""
        self.get_permission_object()
        return (self.permission_required, self.object_permission)

    def get_permission_object(self):
        if not hasattr(self, "history_object"):
            self.object_permission, self.history_object = history_permission(self.kwargs["label"], self.kwargs["pk"])
        return self.history_object

    def get(self, request, label, pk):
        return render(request, "mlhg_app/history.html", object_history(label, pk))
