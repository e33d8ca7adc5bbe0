"""A conseiller's and an intervenant's own séances, .ics downloads, private iCal feeds."""

from html import escape

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
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
    seances_past_for_intervenant,
    seances_upcoming,
    user_feed,
)
from seances.services import calendar_feeds, charte
from seances.views.permission_objects import SeanceObject

# The séances' status labels, read once (`get_status_display` builds the choices' dict at each call).
STATUS_LABELS = dict(Seance.Status.choices)
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
CHARTE_ACCEPTEE = "Merci : vous avez accepté la charte de confidentialité du groupe."
FEED_CREATED = "Votre adresse d'abonnement est créée. Copiez-la dans votre agenda."
FEED_RENEWED = (
    "L'ancienne adresse est révoquée : les agendas qui l'utilisaient ne reçoivent plus vos séances. "
    "Voici votre nouvelle adresse."
)


# The list of one's séances is written twice (a card each on a phone, a table row each on a wide screen), each
# row here once (a dozen template tags a row, twice, were most of the page). Every text escaped (`html.escape`).
CARD = (
    '\n  <li class="card mb-2"><div class="card-body">\n    <h2 class="h6 card-title">{date}, {heure} – {fin}</h2>\n'
    '    <p class="card-text mb-2">{groupe}{site}, {adresse}<br>\n      Intervenant : {intervenant} · {badge}</p>\n'
    "    {action}\n  </div></li>\n  "
)
CARD_UNVALIDATED = (
    '<p class="small text-body-secondary mb-0">Pas encore validée par le responsable de secteur : l’invitation '
    "partira avec la convocation.</p>"
)
CARD_ICS = (
    '<a class="btn btn-outline-primary btn-sm" href="{ics}" download>Ajouter à mon agenda (.ics)'
    '<span class="visually-hidden"> : séance du {date}</span></a>'
)
TABLE_ROW = (
    '\n    <tr>\n      <th scope="row">{date}</th>\n      <td>{heure} – {fin}</td>\n      {groupe}\n'
    "      <td>{site}</td>\n      <td>{adresse}</td>\n      <td>{intervenant}</td>\n      <td>{badge}</td>\n"
    "      <td>{action}</td>\n    </tr>\n  "
)
ROW_UNVALIDATED = '<span class="small">pas encore validée : l’invitation partira avec la convocation</span>'
ROW_ICS = (
    '<a href="{ics}" download>Ajouter à mon agenda (.ics)<span class="visually-hidden"> : séance du {date}</span></a>'
)
BADGE_CSS = {"annulee": "text-bg-danger", "convoquee": "text-bg-success"}


def _texts(row) -> dict:
    """The row's texts, escaped, and its status badge."""
    texts = {
        name: escape(row[name]) for name in ("date", "heure", "fin", "groupe", "site", "adresse", "intervenant", "ics")
    }
    if row["a_valider"]:
        texts["badge"] = '<span class="badge text-bg-warning">à valider</span>'
    else:
        css = BADGE_CSS.get(row["seance"].status, "text-bg-secondary")
        texts["badge"] = f'<span class="badge {css}">{escape(row["statut"])}</span>'
    return texts


def seance_rows(rows, facilitate: bool) -> tuple[str, str]:
    """(the cards, the table rows) of the séances."""
    cards, lines = [], []
    for row in rows:
        t = _texts(row)
        if row["a_valider"]:
            card_action, row_action = CARD_UNVALIDATED, ROW_UNVALIDATED
        elif row["seance"].status != "annulee":
            card_action, row_action = CARD_ICS.format(**t), ROW_ICS.format(**t)
        else:
            card_action, row_action = "", "—"
        cards.append(CARD.format(**{**t, "groupe": f"{t['groupe']} · " if facilitate else "", "action": card_action}))
        lines.append(
            TABLE_ROW.format(**{**t, "groupe": f"<td>{t['groupe']}</td>" if facilitate else "", "action": row_action})
        )
    # every text escaped (_texts)
    return mark_safe("".join(cards)), mark_safe("".join(lines))  # noqa: S308 # nosec B308 B703


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
        # asked once, not in each row (`perms` in the template asks the rules each time)
        facilitate = request.user.has_perm("seances.facilitate")
        cards, table_rows = seance_rows(seances, facilitate)
        return render(
            request,
            "seances/own/list.html",
            {
                "seances": seances,
                "cards": cards,
                "table_rows": table_rows,
                "facilitate": facilitate,
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


class SeanceIcsView(SeanceObject, PermissionRequiredView, View):
    """The invitation of a séance the user attends (METHOD:REQUEST; CANCEL once cancelled)."""

    permission_required = "seances.attend_seance"

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
