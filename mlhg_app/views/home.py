"""The home page: the public landing page, or the logged-in user's own home by role, with its « À faire »."""

from django.views.generic import TemplateView

from mlhg_app import todo
from mlhg_app.access import PublicView
from mlhg_app.routing import structure_reverse
from mlhg_app.selectors import structures_of


class HomeView(PublicView, TemplateView):
    """The public landing page, or the logged-in user's own home by role: what to do now, then shortcuts."""

    def get_template_names(self):
        user = self.request.user
        if user.is_authenticated and self.request.structure is not None:
            return [f"mlhg_app/home/{user.role}.html", "mlhg_app/home/default.html"]
        return ["mlhg_app/home/public.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated and self.request.structure is not None:
            context["todo"] = todo.todo_for(user)
        elif user.is_authenticated:
            # no structure named while several share the deployment: where this account works
            context["my_structures"] = [
                (structure, structure_reverse(self.request, structure, "home")) for structure in structures_of(user)
            ]
        return context
