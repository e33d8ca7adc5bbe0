"""Staff's side of the selection: eligibility, committee, results and their exports."""

import functools
from html import escape

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from ami.forms.evaluation import EligibilityForm
from ami.models import AMI, Dossier
from ami.selectors import (
    ami_results,
    committee_of,
    dossiers_for_eligibility,
    evaluateurs_available,
    results_table,
)
from ami.services.eligibility import dossier_set_eligibility
from ami.services.evaluation import committee_set
from ami.views.objects import AMIObjectMixin
from mlhg_app import french, spreadsheets
from mlhg_app.access import PermissionRequiredView
from mlhg_app.downloads import file_response
from mlhg_app.french import counted
from mlhg_app.refusals import refusal_as_message
from mlhg_app.stamps import stamped

# Forms per page of the eligibility list: a few dossiers in a real AMI, hundreds in the benchmark.
ELIGIBILITY_PAGE_SIZE = 20


def saved_eligibility(dossier) -> dict:
    """The form's initial values: the recevabilité already decided for the dossier (none while déposé)."""
    if dossier.status not in {Dossier.Status.RECEVABLE, Dossier.Status.IRRECEVABLE}:
        return {}
    return {"decision": dossier.status, "motif": dossier.motif_irrecevabilite, "detail": dossier.motif_detail}


# The form of a dossier whose eligibility is not being corrected is the same HTML for every dossier but for its
# prefix, its two saved choices and its text: rendered by crispy once per (decision, motif) and per process, then
# stamped with each dossier's prefix and text (crispy cost 4 ms a form, 80 ms a page of 20).
PREFIX_STAMP = "__dossier__"
DETAIL_STAMP = "__precisions__"


def eligibility_form_html(dossier, form=None) -> str:
    """The eligibility form of `dossier` as `{{ form|crispy }}` writes it: `form` when given (a bound form and
    its errors), else the saved decision stamped into the form rendered once."""
    if form is not None:
        return as_crispy_form(form)
    saved = saved_eligibility(dossier)
    decision, motif = saved.get("decision"), saved.get("motif")
    initial = {"decision": decision, "motif": motif, "detail": DETAIL_STAMP}
    return stamped(
        ("eligibility", decision, motif),
        lambda: as_crispy_form(EligibilityForm(prefix=f"d{PREFIX_STAMP}", initial=initial)),
        {f"d{PREFIX_STAMP}-": f"d{dossier.pk}-", DETAIL_STAMP: saved.get("detail") or ""},
    )


class EligibilityView(AMIObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.manage_selection"
    template_name = "ami/selection/eligibility.html"

    def render_page(self, request, ami, forms=None, status=200, page_number=None):
        forms = forms or {}
        page = Paginator(dossiers_for_eligibility(ami), ELIGIBILITY_PAGE_SIZE).get_page(
            page_number or request.GET.get("page")
        )
        rows = [(d, eligibility_form_html(d, forms.get(d.pk))) for d in page]
        opened = ami.is_past_deadline()
        decided = ami.status in {AMI.Status.ATTRIBUE, AMI.Status.SANS_SUITE}
        context = {"ami": ami, "rows": rows, "opened": opened, "page": page, "decided": decided}
        return render(request, self.template_name, context, status=status)

    def get(self, request, reference):
        return self.render_page(request, self.ami)

    def post(self, request, reference):
        ami = self.ami
        dossier = get_object_or_404(dossiers_for_eligibility(ami), pk=request.POST.get("dossier"))
        form = EligibilityForm(request.POST, prefix=f"d{dossier.pk}")
        if not form.is_valid():
            messages.error(request, f"Recevabilité de {dossier.prestataire} : corrigez les champs signalés.")
            return self.render_page(request, ami, {dossier.pk: form}, page_number=request.POST.get("page"))
        with refusal_as_message(request):
            dossier_set_eligibility(
                dossier=dossier,
                recevable=form.cleaned_data["decision"] == "recevable",
                motif=form.cleaned_data["motif"],
                detail=form.cleaned_data["detail"],
                user=request.user,
            )
            messages.success(request, f"Recevabilité de {dossier.prestataire} enregistrée.")
        page = request.POST.get("page", "")
        url = reverse("ami:eligibility", kwargs={"reference": ami.reference})
        return redirect(f"{url}?page={page}#dossier-{dossier.pk}" if page.isdigit() and page != "1" else url)


class CommitteeView(AMIObjectMixin, PermissionRequiredView, View):
    permission_required = "ami.manage_selection"
    template_name = "ami/selection/committee.html"

    def get(self, request, reference):
        ami = self.ami
        evaluateurs = evaluateurs_available()
        assigned = committee_of(ami)
        return render(request, self.template_name, {"ami": ami, "evaluateurs": evaluateurs, "assigned": assigned})

    def post(self, request, reference):
        ami = self.ami
        ids = [int(pk) for pk in request.POST.getlist("evaluateurs") if pk.isdigit()]
        with refusal_as_message(request):
            count = committee_set(ami=ami, evaluateur_ids=ids)
            messages.success(request, f"Comité enregistré : {counted(count, 'évaluateur', 'évaluateurs')}.")
        return redirect("ami:committee", reference=ami.reference)


class ResultsView(AMIObjectMixin, PermissionRequiredView, TemplateView):
    permission_required = "ami.manage_selection"
    template_name = "ami/selection/results.html"

    def get_context_data(self, **kwargs):
        ami = self.ami
        criteres = list(ami.criteres.order_by("ordre"))
        return {
            **super().get_context_data(**kwargs),
            "ami": ami,
            "rows": results_rows(ami_results(ami), criteres),
            "criteres": criteres,
            "now": timezone.now(),
        }


# The rows of the results grid (templates/ami/selection/results.html) are written here once, as the grid holds a
# cell per dossier and criterion (1,200 at 300 dossiers): too many for a template tag each, or a template loop.
ROW = (
    '\n    <tr>\n      <td>{}</td>\n      <th scope="row">{}</th>\n      {}\n'
    '      <td class="text-end"><strong>{}</strong></td>\n    </tr>\n  '
)
PRICE_CELL = "<td>{} TTC/an → <strong>{}</strong></td>"
SCORED_CELL = '<td><div class="small">{}</div><div>moyenne {} · médiane {}</div><strong>{} pts</strong>{}</td>'
DISAGREEMENT = ' <span class="badge text-bg-danger">écart</span>'


def results_rows(results, criteres) -> str:
    """The results grid's rows as the page shows them: every figure written once here (mlhg_app.french, not a
    template filter per cell; a figure met again, as most means and points are, written once); every text of
    a cell escaped (`html.escape`, as Django's `escape`)."""
    written = functools.cache(french.decimal)
    rows = []
    for r in results:
        cells = []
        for c in criteres:
            cr = r.criteria[c.code]
            points = written(cr.points, 2)
            if c.mode == "calcule":
                cells.append(PRICE_CELL.format(escape(french.euros(r.annual_total_ttc)), points))
                continue
            scores = " · ".join(f"{name} : {score}" for name, score in cr.scores) or "aucune grille soumise"
            cells.append(
                SCORED_CELL.format(
                    escape(scores),
                    written(cr.mean, 2),
                    written(cr.median, 1),
                    points,
                    DISAGREEMENT if cr.disagreement else "",
                )
            )
        rows.append(ROW.format(r.rank, escape(r.name), "".join(cells), written(r.total, 2)))
    # every value above is escaped or a figure of ours: the rows are safe HTML
    return mark_safe("".join(rows))  # noqa: S308 # nosec B308 B703


class ResultsFileView(AMIObjectMixin, PermissionRequiredView, View):
    """The results table as a file to save: `extension` and `content_type` name the format, `render` writes it."""

    permission_required = "ami.manage_selection"
    extension = content_type = ""

    def render(self, header, rows) -> bytes:
        raise NotImplementedError

    def get(self, request, reference):
        header, rows = results_table(self.ami)
        return file_response(
            self.render(header, rows),
            filename=f"resultats-{self.ami.reference}.{self.extension}",
            content_type=self.content_type,
            attachment=True,
        )


class ResultsCsvView(ResultsFileView):
    extension, content_type = "csv", "text/csv; charset=utf-8"

    def render(self, header, rows):
        return spreadsheets.csv_bytes(header, rows)


class ResultsXlsxView(ResultsFileView):
    extension, content_type = "xlsx", spreadsheets.XLSX_CONTENT_TYPE

    def render(self, header, rows):
        money = {i: spreadsheets.MONEY for i, label in enumerate(header) if "(€)" in label}
        return spreadsheets.xlsx_bytes(title="Résultats", header=header, rows=rows, formats=money)
