"""The home page: the public landing page, or the logged-in user's own home by role."""

from django.views.generic import TemplateView

from mlhg_app.access import PublicView


class HomeView(PublicView, TemplateView):
    """The public landing page, or the logged-in user's own home by role."""

    def get_template_names(self):
        user = self.request.user
        if user.is_authenticated:
            return [f"mlhg_app/home/{user.role}.html", "mlhg_app/home/default.html"]
        return ["mlhg_app/home/public.html"]
