"""A conseiller's and an intervenant's own séances, .ics downloads, private iCal feeds."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from mlhg_app.access import PermissionRequiredView, PublicView
from mlhg_app.downloads import file_response
from mlhg_app.links import pk_url
from seances import calendar
from seances.models import Seance
from seances.selectors import (
    certificate_programmes,
    charte_pending_programmes,
    feed_by_token,
    feed_seances,
    feedback_pending,
    seance_get,
    seances_past_for_intervenant,
    seances_upcoming,
    user_feed,
)
from seances.services import calendar_feeds, charte

# The séances' status labels, read once (`get_status_display` builds the choices' dict at each call).
STATUS_LABELS = dict(Seance.Status.choices)
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
CHARTE_ACCEPTEE = "Merci : vous avez accepté la charte de confidentialité du groupe."
FEED_CREATED = "Votre adresse d'abonnement est créée. Copiez-la dans votre agenda."
FEED_RENEWED = (
    "L'ancienne adresse est révoquée : les agendas qui l'utilisaient ne reçoivent plus vos séances. "
    "Voici votre nouvelle adresse."
)


class MySeancesView(PermissionRequiredView, View):
    permission_required = "seances.view_own"

    def get(self, request):
        ics = pk_url("seances:seance_ics")
        seances = [
            {
                "seance": s,
                "heure": calendar.time_text(s.heure_debut),
                "fin": calendar.time_text(calendar.seance_end(s).time()),
                "date": calendar.date_text(s.date),
                "groupe": str(s.groupe),
                "site": s.groupe.antenne.nom,
                "adresse": calendar.antenne_address(s.groupe.antenne),
                "intervenant": calendar.intervenant_name(s),
                "a_valider": s.status in calendar.UNVALIDATED,
                "statut": STATUS_LABELS.get(s.status, s.status),
                "ics": ics(s.pk),
            }
            for s in seances_upcoming(request.user)
        ]
        return render(
            request,
            "seances/own/list.html",
            {
                "seances": seances,
                # asked once, not in each row (`perms` in the template asks the rules each time)
                "facilitate": request.user.has_perm("seances.facilitate"),
                "charte_pending": charte_pending_programmes(request.user).exists(),
                "passees": seances_past_for_intervenant(request.user),
                "avis": feedback_pending(request.user),
                "attestations": certificate_programmes(request.user),
            },
        )


class CharteView(PermissionRequiredView, View):
    """The group's confidentiality charter; a conseiller accepts it before the first séance."""

    permission_required = "seances.view_own"

    def get(self, request):
        pending = list(charte_pending_programmes(request.user))
        return render(request, "seances/own/charte.html", {"pending": pending})

    def post(self, request):
        charte.charte_accept(user=request.user)
        if request.user.has_perm("seances.accept_charte"):
            messages.success(request, CHARTE_ACCEPTEE)
        return redirect("seances:my_seances")


class SeanceIcsView(PermissionRequiredView, View):
    """The invitation of a séance the user attends (METHOD:REQUEST; CANCEL once cancelled)."""

    permission_required = "seances.attend_seance"

    def get_permission_object(self):
        if not hasattr(self, "seance"):
            self.seance = seance_get(self.kwargs["pk"])
        return self.seance

    def get(self, request, pk):
        seance = self.seance
        if seance.status in calendar.UNVALIDATED:
            raise Http404(calendar.NOT_VALIDATED)
        method = "CANCEL" if seance.status == "annulee" else "REQUEST"
        return file_response(
            calendar.seance_ics(seance, method),
            filename=f"seance-{seance.date:%Y-%m-%d}.ics",
            content_type=f"{ICS_CONTENT_TYPE}; method={method}",
            attachment=True,
        )


class FeedsView(PermissionRequiredView, View):
    """The user's private feed URLs, with create and revoke."""

    permission_required = "seances.view_own"

    def get(self, request):
        feed = user_feed(request.user)
        url = request.build_absolute_uri(reverse("seances:feed", kwargs={"token": feed.token})) if feed else None
        return render(request, "seances/own/feeds.html", {"feed": feed, "feed_url": url})

    def post(self, request):
        if request.POST.get("action") == "renew":
            calendar_feeds.user_feed_renew(user=request.user)
            messages.success(request, FEED_RENEWED)
        else:
            calendar_feeds.user_feed_get_or_create(user=request.user)
            messages.success(request, FEED_CREATED)
        return redirect("seances:feeds")


class FeedView(PublicView, View):
    """The iCal feed itself, authenticated by its secret token (revocable): 404 for an unknown or revoked one."""

    def get(self, request, token):
        feed = feed_by_token(token)
        if feed is None:
            raise Http404("Calendrier introuvable")
        response = HttpResponse(
            calendar.feed_ics(feed_seances(feed), calendar.feed_name(feed)), content_type=ICS_CONTENT_TYPE
        )
        response["Cache-Control"] = "private, no-cache"
        response["X-Robots-Tag"] = "noindex"
        return response
