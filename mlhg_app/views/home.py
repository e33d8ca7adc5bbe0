"""The home page: the public landing page, or the logged-in user's own home by role, with its « À faire »."""

from django.views.generic import TemplateView

from mlhg_app import todo
from mlhg_app.access import PublicView


class HomeView(PublicView, TemplateView):
    """The public landing page, or the logged-in user's own home by role: what to do now, then shortcuts."""

    def get_template_names(self):
        user = self.request.user
        if user.is_authenticated:
            return [f"mlhg_app/home/{user.role}.html", "mlhg_app/home/default.html"]
        return ["mlhg_app/home/public.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            context["todo"] = todo.todo_for(self.request.user)
        return context
