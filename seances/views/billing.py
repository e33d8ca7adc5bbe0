"""Cancellations, billing statements and the follow-up dashboard."""

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from mlhg_app import charts, french
from mlhg_app.access import PermissionRequiredView
from mlhg_app.downloads import file_response
from mlhg_app.french import long_date
from mlhg_app.refusals import FormPageView, Refused, refusal_as_form_error
from seances import pricing
from seances.documents import releve as releve_document
from seances.forms.billing import CancelForm, PaidForm, PeriodForm
from seances.models import Seance
from seances.selectors import annulation_of, annulations_of
from seances.services import billing as billing_services
from seances.views.permission_objects import ProgrammeObject, ProgrammePageAction, ReleveObject, SeanceObject


class CancelView(SeanceObject, FormPageView):
    """Staff or the programme's prestataire cancel a séance not yet held, with a reason."""

    permission_required = "seances.cancel_seance"
    template_name = "seances/billing/cancel.html"

    def page_context(self):
        return {"seance": self.seance}

    def get(self, request, pk):
        return self.page(request, form=CancelForm())

    def post(self, request, pk):
        seance = self.seance
        form = CancelForm(request.POST)
        cancel = partial(billing_services.seance_cancel, seance=seance, user=request.user)
        if self.sent(form, lambda data: cancel(motif=data["motif"])):
            notice = " Les participants sont prévenus (annulation d'agenda)." if seance.status == "convoquee" else ""
            messages.success(request, f"Séance du {long_date(seance.date)} ({seance.groupe}) annulée.{notice}")
            return redirect("seances:board", pk=seance.programme_id)
        return self.page(request, form=form)


class BillableView(SeanceObject, ProgrammePageAction):
    """Staff decide whether a cancelled séance is billable (POST facturable=oui|non)."""

    permission_required = "seances.manage_billing"
    page = "seances:statements"

    def act(self, request):
        seance = self.seance
        annulation = annulation_of(seance)
        choice = request.POST.get("facturable")
        if annulation is None:
            raise Refused("Cette séance n'est pas annulée.")
        if choice not in {"oui", "non"}:
            raise Refused("Indiquez si l'annulation est facturable (oui ou non).")
        billing_services.annulation_set_billable(annulation=annulation, facturable=choice == "oui", user=request.user)
        verdict = "facturable" if choice == "oui" else "non facturable"
        return f"Annulation du {long_date(seance.date)} ({seance.groupe}) : {verdict}."


class StatementsView(ProgrammeObject, PermissionRequiredView, View):
    """The programme's statements and cancellations; staff issue a statement for a period."""

    permission_required = "seances.view_statements"
    template_name = "seances/billing/statements.html"

    def render_page(self, request, programme, form=None, status=200):
        can_manage = request.user.has_perm("seances.manage_billing", programme)
        annulations = annulations_of(programme)
        context = {
            "programme": programme,
            "releves": programme.releves.select_related("facture"),
            "annulations": annulations,
            "can_manage": can_manage,
            "form": form or (PeriodForm() if can_manage else None),
            "taux": pricing.vat_rate(programme),
            "mention": pricing.exemption_mention(programme),
            "prix_groupe": pricing.unit_price(programme, sous_groupe=False),
            "prix_sous_groupe": pricing.unit_price(programme, sous_groupe=True),
            "avenants": pricing.signed_avenants(programme),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.render_page(request, self.programme)

    def post(self, request, pk):
        programme = self.programme
        if not request.user.has_perm("seances.manage_billing", programme):
            return self.handle_no_permission()
        form = PeriodForm(request.POST)
        if form.is_valid():
            with refusal_as_form_error(form):
                releve = billing_services.statement_create(programme=programme, user=request.user, **form.cleaned_data)
                lines = french.counted(releve.lignes.count(), "ligne", "lignes")
                messages.success(
                    request, f"Relevé {releve.numero} émis : {lines}, {french.euros(releve.total_ttc)} TTC."
                )
                return redirect("seances:statements", pk=programme.pk)
        return self.render_page(request, programme, form)


class StatementPdfView(ReleveObject, PermissionRequiredView, View):
    permission_required = "seances.view_releve"

    def get(self, request, pk):
        releve = self.releve
        return file_response(releve.fichier or releve_document.statement_pdf(releve), filename=f"{releve.numero}.pdf")


class StatementPaidView(ReleveObject, ProgrammePageAction):
    permission_required = "seances.manage_billing"
    page = "seances:statements"

    def act(self, request):
        releve = self.releve
        form = PaidForm(request.POST)
        if not form.is_valid():
            raise Refused(" ".join(e for errs in form.errors.values() for e in errs))
        billing_services.statement_mark_paid(releve=releve, paye_le=form.cleaned_data["paye_le"], user=request.user)
        return f"Relevé {releve.numero} marqué payé le {long_date(releve.paye_le)}."


# The dashboard's charts: (title, axis, how a figure reads, [(series, the site's figure, colour)]).
DASHBOARD_CHARTS = {
    "seances": (
        "Séances dues, planifiées, réalisées et annulées par site",
        "Séances",
        french.number,
        [("Dues", "dues", charts.GREY), ("Planifiées", "planned", charts.BLUE)]
        + [("Réalisées", "held", charts.GREEN), ("Annulées", "cancelled", charts.RED)],
    ),
    "budget": (
        "Montant engagé et montant prévu par site, TTC",
        "Euros TTC",
        french.euros,
        [("Prévu (TTC)", "forecast", charts.GREY), ("Engagé (TTC)", "committed", charts.ORANGE)],
    ),
}


def dashboard_charts(board: dict) -> dict:
    """The dashboard's two charts (SVG, mlhg_app/charts.py) from its figures per site, each described by
    the same figures as the table."""
    sites = board["sites"]
    labels = [charts.short_site(row["antenne"].nom) for row in sites]
    out = {}
    for name, (title, axis, reads, series) in DASHBOARD_CHARTS.items():
        described = " ; ".join(
            f"{row['antenne'].nom} : " + ", ".join(f"{label} {reads(row[key])}" for label, key, _c in series)
            for row in sites
        )
        out[name] = charts.grouped_bars(
            labels,
            [(label, [row[key] for row in sites], colour) for label, key, colour in series],
            ylabel=axis,
            title=title,
            description=f"Les chiffres du tableau ci-dessous. {described}.",
        )
    return out


class DashboardView(ProgrammeObject, PermissionRequiredView, View):
    """Staff and the responsable: séances and amounts per site against the minimum and the forecast, as
    a table and as charts (inline SVG)."""

    permission_required = "seances.view_dashboard"
    template_name = "seances/billing/dashboard.html"

    def get(self, request, pk):
        programme = self.programme
        board = billing_services.programme_dashboard(programme)
        return render(
            request,
            self.template_name,
            {
                "programme": programme,
                "board": board,
                "charts": dashboard_charts(board),
                "can_view_statements": request.user.has_perm("seances.view_statements", programme),
                "statuses": Seance.Status,
            },
        )


class DashboardChartView(ProgrammeObject, PermissionRequiredView, View):
    """One of the dashboard's charts as an SVG file (the page inlines them)."""

    permission_required = "seances.view_dashboard"

    def get(self, request, pk, name):
        if name not in DASHBOARD_CHARTS:
            raise Http404("Graphique inconnu")
        svg = dashboard_charts(billing_services.programme_dashboard(self.programme))[name]
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response
