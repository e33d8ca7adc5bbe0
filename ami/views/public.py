"""Public pages of the AMIs: the list (open and past) and an AMI's page."""

from django.utils import timezone
from django.views.generic import TemplateView

from ami import selectors
from mlhg_app.access import PublicView
from mlhg_app.french import deadline_long_text, time_left_text


def _status_label(ami, now) -> str:
    if ami.is_open(now):
        return "Ouvert aux candidatures"
    if ami.status == ami.Status.PUBLIE:
        return "Clos : date limite dépassée"
    return ami.get_status_display()


def _summary(ami, now) -> dict:
    return {
        "ami": ami,
        "deadline": deadline_long_text(ami.date_limite),
        "time_left": time_left_text(ami.date_limite, now),
        "status": _status_label(ami, now),
        "is_open": ami.is_open(now),
    }


class AMIListView(PublicView, TemplateView):
    template_name = "ami/ami/list.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        return super().get_context_data(
            open_amis=[_summary(ami, now) for ami in selectors.amis_open(now)],
            past_amis=[_summary(ami, now) for ami in selectors.amis_past(now)],
            **kwargs,
        )


class AMIDetailView(PublicView, TemplateView):
    template_name = "ami/ami/detail.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        ami = selectors.ami_public_detail(self.kwargs["reference"])
        return super().get_context_data(**_summary(ami, now), **kwargs)
