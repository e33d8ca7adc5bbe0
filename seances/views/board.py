"""The programme's setup, its sites and groups, and the planning board."""

import calendar
import datetime
from collections import defaultdict
from html import escape

import rules
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import LazyObject
from django.utils.safestring import mark_safe
from django.views import View

from mlhg_app import jobs
from mlhg_app.access import PermissionRequiredView
from mlhg_app.french import clock_time, counted, long_date
from mlhg_app.links import pk_url
from mlhg_app.models import User
from mlhg_app.refusals import ActionView, Refused, refusal_as_message
from mlhg_app.stamps import stamped
from seances.calendar_rules import MONTHS_FR, public_holidays, school_holidays_zone_c
from seances.forms.board import MoveForm, SiteForm
from seances.models import Groupe, ProgrammeSite, Seance
from seances.selectors import (
    conventions_without_programme,
    programme_board,
    programme_sites_overview,
    programmes_visible_to,
    renewal_decisions,
    revue_of,
    seances_due,
    validate_all_preview,
)
from seances.services import board as board_services
from seances.services import programme as programme_services
from seances.services.planning import programme_plan, programme_plan_preview
from seances.views.permission_objects import ProgrammeObject, ProgrammePageAction, SeanceObject


class ProgrammeListView(PermissionRequiredView, View):
    permission_required = "seances.view_board"

    def get(self, request):
        programmes = programmes_visible_to(request.user)
        conventions = []
        if request.user.has_perm("seances.manage_programme"):
            conventions = conventions_without_programme()
        return render(
            request, "seances/board/programme_list.html", {"programmes": programmes, "conventions": conventions}
        )


class ProgrammeCreateView(ActionView):
    permission_required = "seances.manage_programme"

    def act(self, request):
        pk = request.POST.get("convention", "")
        convention = conventions_without_programme().filter(pk=pk).first() if pk.isdigit() else None
        if convention is None:
            raise Refused("Choisissez une convention qui n'a pas encore de programme.")
        self.programme = programme_services.programme_create_from_convention(convention=convention)
        return f"{self.programme} créé depuis la convention {convention.numero}."

    def redirect_url(self):
        return reverse("seances:sites", args=[self.programme.pk])

    def refused_url(self):
        return reverse("seances:programme_list")


class SitesView(ProgrammeObject, PermissionRequiredView, View):
    """Staff: each site's headcount, sub-groups (default ceil(headcount ÷ 17)), members, séances due."""

    permission_required = "seances.manage_groupe"
    template_name = "seances/board/sites.html"

    def render_page(self, request, programme, forms_by_site=None):
        forms_by_site = forms_by_site or {}
        rows = programme_sites_overview(programme)
        for row in rows:
            site = row["site"]
            row["fields"] = site_form_fields(site, forms_by_site.get(site.pk))
            row["candidate_options"] = candidate_options(row["candidates"])
            for groupe in row["groupes"]:
                groupe.member_items = member_items(groupe.membres.all())
        due = seances_due(programme)
        return render(request, self.template_name, {"programme": programme, "rows": rows, "due": due})

    def get(self, request, pk):
        return self.render_page(request, self.programme)

    def post(self, request, pk):
        programme = self.programme
        action = request.POST.get("action")
        with refusal_as_message(request):
            if action == "groupes":
                site = get_object_or_404(ProgrammeSite, pk=request.POST.get("site"), programme=programme)
                form = SiteForm(request.POST, prefix=f"s{site.pk}")
                if not form.is_valid():
                    return self.render_page(request, programme, {site.pk: form})
                programme_services.site_set_groups(
                    site=site,
                    nb_groupes=form.cleaned_data["nb_groupes"],
                    justification=form.cleaned_data["justification"],
                )
                messages.success(
                    request, f"{site.antenne.nom} : {counted(site.nb_groupes, 'groupe', 'groupes')}, membres répartis."
                )
            elif action in {"ajouter", "retirer"}:
                groupe = get_object_or_404(Groupe, pk=request.POST.get("groupe"), programme=programme)
                user = get_object_or_404(User, pk=request.POST.get("user"))
                if action == "ajouter":
                    programme_services.groupe_add_member(groupe=groupe, user=user)
                    messages.success(request, f"{user} ajouté à {groupe}.")
                else:
                    programme_services.groupe_remove_member(groupe=groupe, user=user)
                    messages.success(request, f"{user} retiré de {groupe}.")
        return redirect("seances:sites", pk=programme.pk)


# A site's form is the same HTML for every site but for its prefix, its number of groups and its justification:
# its two fields rendered by crispy once per process, then stamped (crispy cost a third of the page).
SITE_STAMP, GROUPS_STAMP, JUSTIFICATION_STAMP = "__site__", "__nb_groupes__", "__justification__"


def site_form_fields(site, form=None) -> tuple[str, str]:
    """The site form's two fields as `{{ field|as_crispy_field }}` writes them: `form`'s when given (a bound form
    and its errors), else the site's saved values stamped into the fields rendered once."""
    if form is not None:
        return as_crispy_field(form["nb_groupes"]), as_crispy_field(form["justification"])
    initial = {"nb_groupes": GROUPS_STAMP, "justification": JUSTIFICATION_STAMP}
    stamp = SiteForm(prefix=f"s{SITE_STAMP}", initial=initial)
    fills = {
        f"s{SITE_STAMP}-": f"s{site.pk}-",
        GROUPS_STAMP: "" if site.nb_groupes is None else str(site.nb_groupes),
        JUSTIFICATION_STAMP: site.justification or "",
    }
    return tuple(
        stamped(("site-form", name), lambda name=name: as_crispy_field(stamp[name]), fills)
        for name in ("nb_groupes", "justification")
    )


MEMBER_ITEM = (
    '\n          <li>{name} <button type="submit" name="user" value="{pk:d}" class="btn btn-link btn-sm p-0"'
    ' data-confirm="Retirer {name} du groupe ?">retirer</button></li>\n        '
)
NO_MEMBER = '<li class="text-muted">Aucun membre.</li>'


def member_items(members) -> str:
    """The <li>s of a group's members, each with its « retirer » button, written once here (a template
    loop cost more than the rest of the page). Ids bare, names escaped (`html.escape`)."""
    items = "".join(MEMBER_ITEM.format(name=escape(m.get_full_name()), pk=m.pk) for m in members) or NO_MEMBER
    return mark_safe(items)  # noqa: S308 # nosec B308 B703 # every name escaped above


def candidate_options(candidates: list[tuple[int, str]]) -> str:
    """The <option>s of a site's conseillers, written once here: a site's list holds hundreds of people, too
    many for two template tags each. Ids bare (never localized), names escaped (`html.escape`)."""
    options = "".join(f'<option value="{pk:d}">{escape(name)}</option>' for pk, name in candidates)
    return mark_safe(options)  # noqa: S308 # nosec B308 B703 # every name escaped above


DAY_CELL = '\n          <td class="{}">\n            <div class="small">{}{}</div>\n            {}\n          </td>'
HOLIDAY = ' <span class="badge text-bg-secondary">férié</span>'
SCHOOL_HOLIDAY = ' <span class="badge text-bg-warning">vacances</span>'
PILL = '<div class="small seance-pill statut-{}">{}</div>'


def calendar_html(months):
    """`month_calendars` with each week written as its cells' HTML, once here (a template tag a day cost a third of
    the board's template); the séances' `shown` labels set (`shown_on_board`). Texts escaped (`html.escape`)."""
    for month in months:
        month["weeks"] = [mark_safe("".join(_day_cell(day) for day in week)) for week in month["weeks"]]  # noqa: S308 # nosec B308 B703
    return months


def _day_cell(day) -> str:
    css = ("" if day["in_month"] else "text-muted") + (" jour-vacances" if day["school"] else "")
    css += " jour-ferie" if day["holiday"] else ""
    badge = HOLIDAY if day["holiday"] else SCHOOL_HOLIDAY if day["school"] and day["in_month"] else ""
    pills = (
        "".join(PILL.format(escape(s.status), escape(s.shown["pill"])) for s in day["seances"])
        if day["in_month"]
        else ""
    )
    return DAY_CELL.format(css, day["date"].day, badge, pills)


def month_calendars(programme, seances, school_holidays=frozenset(), public_holidays=frozenset()):
    """Month grids (weekdays only) from September to June, each day with its séances."""
    by_day = defaultdict(list)
    for seance in seances:
        by_day[seance.date].append(seance)
    months = []
    start = datetime.date(programme.annee_debut, 9, 1)
    for offset in range(10):
        year = start.year + (start.month - 1 + offset) // 12
        month = (start.month - 1 + offset) % 12 + 1
        weeks = []
        for week in calendar.Calendar().monthdatescalendar(year, month):
            days = [
                {
                    "date": d,
                    "in_month": d.month == month,
                    "seances": by_day.get(d, []),
                    "school": d in school_holidays,
                    "holiday": d in public_holidays,
                }
                for d in week[:5]
            ]
            if any(day["in_month"] for day in days):
                weeks.append(days)
        months.append({"label": f"{MONTHS_FR[month - 1]} {year}", "weeks": weeks})
    return months


def the_user(request):
    """The request's user itself, not its lazy wrappers (`SimpleLazyObject`: the authentication's, and django-otp's
    around it), each an indirection at each of the thousands of reads the rules make of it on a board."""
    user = request.user
    while isinstance(user, LazyObject):
        user.pk  # noqa: B018 # evaluated (the wrapper holds what it wraps from then on)
        user = user._wrapped
    return user


class BoardView(ProgrammeObject, PermissionRequiredView, View):
    """Sites × windows and a month calendar, each séance with its status; actions by permission."""

    permission_required = "seances.view_programme"
    template_name = "seances/board/board.html"

    def get(self, request, pk):
        programme = self.programme
        user = the_user(request)
        fenetres, seances, rows = programme_board(programme)
        years = [programme.annee_debut, programme.annee_debut + 1]
        school, public = school_holidays_zone_c(years), public_holidays(years)
        due = seances_due(programme)
        can = {perm.split(".")[1]: rules.has_perm(perm, user, programme) for perm in PROGRAMME_PERMISSIONS}
        shown_on_board(seances, user, can)
        move_form = MoveForm(programme=programme)
        intervenants = list(move_form.fields["intervenant"].queryset)
        board_cells(rows, intervenants, get_token(request))
        return render(
            request,
            self.template_name,
            {
                "programme": programme,
                "fenetres": fenetres,
                "rows": rows,
                "months": calendar_html(month_calendars(programme, seances, school, public)),
                "due": due,
                "planned": len(seances),
                "proposed": sum(1 for s in seances if s.status == Seance.Status.PROPOSEE),
                "preview": programme_plan_preview(programme=programme),
                "can": can,
                "can_plan": can["plan_programme"],
                "can_validate": can["validate_seance"],
                "intervenants": intervenants,
                "can_renew": can["renew_programme"],
                "renewal": renewal_decisions(programme) if can["renew_programme"] else {},
                "move_rule": board_services.MOVE_RULE,
                "revue": revue_of(programme),
            },
        )


# The board's permissions that depend on the programme only: asked once a page, not once a séance; the
# template reads each as `can.<name>` (the part after the app's label).
PROGRAMME_PERMISSIONS = (
    "seances.plan_programme",
    "seances.validate_seance",
    "seances.manage_groupe",
    "seances.view_dashboard",
    "seances.view_statements",
    "seances.renew_programme",
    "seances.issue_certificates",
    "mlhg_app.view_history",
    "bilans.view_feedback",
)
STATUS_LABELS = dict(Seance.Status.choices)


# The board's cells (a séance's labels and the forms its user may use), written once here: a hundred and fifty
# cells of a dozen template tags each were half of the board's template. Texts escaped (`html.escape`).
CELL = "\n      <td>\n        {}\n      </td>\n      "
TO_PLACE = '\n          <span class="text-muted">À planifier</span>\n        '
SEANCE = (
    '\n          <div><strong>{date}</strong> à {time}</div>\n          <div class="small">{intervenant}{by_hand}</div>\n'
    '          <span class="badge statut-{status}">{label}</span>\n          {change_asked}\n          {validate}\n'
    "          {sheet}\n          {move}\n          {cancel}\n        "
)
BY_HAND = ' · <span class="text-body-secondary">placée à la main</span>'
CHANGE_ASKED = '<div class="small text-danger">Modification demandée : {}</div>'
VALIDATE = (
    '\n            <form method="post" action="{validate}" class="mt-1">{csrf}<button type="submit" class="btn btn-sm '
    'btn-success">Valider</button></form>\n            <details class="mt-1"><summary class="small">Demander une '
    'modification</summary>\n              <form method="post" action="{request_change}">{csrf}\n'
    '                <label class="form-label small" for="commentaire-{pk}">Commentaire</label>\n'
    '                <textarea class="form-control form-control-sm" name="commentaire" id="commentaire-{pk}" rows="2" '
    'required></textarea>\n                <button type="submit" class="btn btn-sm btn-outline-danger mt-1">Envoyer'
    "</button>\n              </form></details>\n          "
)
SHEET = '<div class="small mt-1"><a href="{attendance_pdf}">Feuille d\'émargement</a>{record}</div>'
RECORD = ' · <a href="{attendance}">Présences</a> · <a href="{compte_rendu}">Compte rendu</a>'
MOVE = (
    '\n            <details class="mt-1"><summary class="small">Déplacer</summary>\n'
    '              <form method="post" action="{move}">{csrf}\n'
    '                <label class="form-label small" for="date-{pk}">Date</label>\n'
    '                <input class="form-control form-control-sm" type="date" name="date" id="date-{pk}" value="{day}" '
    "required>\n"
    '                <label class="form-label small" for="heure-{pk}">Heure</label>\n'
    '                <input class="form-control form-control-sm" type="time" name="heure_debut" id="heure-{pk}" '
    'value="{hour}" required>\n'
    '                <label class="form-label small" for="intervenant-{pk}">Intervenant</label>\n'
    '                <select class="form-select form-select-sm" name="intervenant" id="intervenant-{pk}">{options}'
    "</select>\n                {convoked}\n"
    '                <button type="submit" class="btn btn-sm btn-outline-primary mt-1">Déplacer</button>\n'
    "              </form></details>\n            {replan}\n          "
)
CONVOKED = (
    '<p class="small text-body-secondary mb-0 mt-1">Convoquée : le nouvel horaire part aussitôt aux participants.</p>'
)
REPLAN = (
    '\n            <form method="post" action="{replan}" class="mt-1">{csrf}<button type="submit" class="btn btn-sm '
    'btn-outline-secondary">Replanifier cette séance</button></form>\n            '
)
CANCEL = '\n            <a class="btn btn-sm btn-outline-danger mt-1" href="{cancel}">Annuler</a>\n          '
CELL_LINKS = (
    "seance_validate",
    "seance_request_change",
    "attendance_pdf",
    "attendance",
    "compte_rendu",
    "seance_move",
    "seance_replan",
    "cancel",
)


def board_cells(rows, intervenants, csrf_token: str) -> None:
    """Sets `row["cells_html"]` on each row of the board: its cells as the board shows them (`shown_on_board`
    done first), with the `{% csrf_token %}` field of the page's forms."""
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    links = {name: pk_url(f"seances:{name}") for name in CELL_LINKS}
    names = [(i.pk, escape(str(i))) for i in intervenants]
    for row in rows:
        cells = "".join(CELL.format(_cell(s, csrf, links, names) if s else TO_PLACE) for s in row["cells"])
        row["cells_html"] = mark_safe(cells)  # noqa: S308 # nosec B308 B703 # every text escaped (_cell)


def _cell(s, csrf, links, names) -> str:
    shown, pk = s.shown, s.pk
    url = {name: make(pk) for name, make in links.items()}
    validate = sheet = move = cancel = ""
    if shown["to_validate"]:
        validate = VALIDATE.format(
            validate=url["seance_validate"], request_change=url["seance_request_change"], csrf=csrf, pk=pk
        )
    if shown["sheet"]:
        record = RECORD.format(**url) if shown["record"] else ""
        sheet = SHEET.format(attendance_pdf=url["attendance_pdf"], record=record)
    if shown["move"]:
        options = "".join(
            f'<option value="{i:d}"{" selected" if i == s.intervenant_id else ""}>{name}</option>' for i, name in names
        )
        move = MOVE.format(
            move=url["seance_move"],
            csrf=csrf,
            pk=pk,
            day=s.date.isoformat() if s.date else "",
            hour=s.heure_debut.strftime("%H:%M") if s.heure_debut else "",
            options=options,
            convoked=CONVOKED if s.status == "convoquee" else "",
            replan=REPLAN.format(replan=url["seance_replan"], csrf=csrf) if s.status == "proposee" else "",
        )
    if shown["cancel"]:
        cancel = CANCEL.format(cancel=url["cancel"])
    return SEANCE.format(
        date=escape(shown["date"]),
        time=escape(shown["time"]),
        intervenant=escape(str(s.intervenant)),
        by_hand=BY_HAND if shown["by_hand"] else "",
        status=escape(s.status),
        label=escape(str(shown["status"])),
        change_asked=CHANGE_ASKED.format(escape(s.demande_modification)) if s.demande_modification else "",
        validate=validate,
        sheet=sheet,
        move=move,
        cancel=cancel,
    )


def shown_on_board(seances, user, can) -> None:
    """Sets `seance.shown` on each séance: its labels written once (date, time, status) and what the user
    may do with it (the rules asked here once a séance, not by the template's tags in each cell)."""
    for s in seances:
        held = s.status in (Seance.Status.REALISEE, Seance.Status.CONVOQUEE)
        s.shown = {
            "date": long_date(s.date),
            "time": clock_time(s.heure_debut),
            "status": STATUS_LABELS.get(s.status, s.status),
            "by_hand": s.placement == "manuelle" and s.status == Seance.Status.PROPOSEE,
            "to_validate": can["validate_seance"] and s.status == Seance.Status.PROPOSEE,
            "sheet": held and rules.has_perm("seances.view_attendance", user, s),
            "record": held and rules.has_perm("seances.record_seance", user, s),
            "move": rules.has_perm("seances.move_seance", user, s),
            "cancel": s.status != Seance.Status.REALISEE and rules.has_perm("seances.cancel_seance", user, s),
            "pill": f"{clock_time(s.heure_debut)} {s.groupe.antenne.nom.replace('Antenne ', '')}"
            + (f" {s.groupe.numero}" if s.groupe.est_sous_groupe else ""),
        }


class SeanceValidateView(SeanceObject, ProgrammePageAction):
    permission_required = "seances.validate_seance"
    page = "seances:board"

    def act(self, request):
        board_services.seance_validate(seance=self.seance, user=request.user)
        sent = "" if jobs.delayed_in_request() else ", convocations envoyées"
        return f"Séance validée : {self.seance.groupe}{sent}."


class ValidateAllView(ProgrammeObject, ActionView):
    """A first POST shows what will be sent (a step to confirm), before anything is; `confirme=1` sends it."""

    permission_required = "seances.validate_seance"
    template_name = "seances/board/validate_all.html"

    def post(self, request, pk):
        if request.POST.get("confirme") == "1":
            return super().post(request, pk)
        preview = validate_all_preview(self.programme)
        return render(request, self.template_name, {"programme": self.programme, "preview": preview})

    def act(self, request):
        count = board_services.programme_validate_all(programme=self.programme, user=request.user)
        sent = "" if jobs.delayed_in_request() else " ; les convocations partent aux membres et aux intervenants"
        return f"{counted(count, 'séance validée', 'séances validées')}{sent}."

    def redirect_url(self):
        return reverse("seances:board", args=[self.programme.pk])


class SeanceRequestChangeView(SeanceObject, ProgrammePageAction):
    permission_required = "seances.validate_seance"
    page = "seances:board"

    def act(self, request):
        comment = request.POST.get("commentaire", "")
        board_services.seance_request_change(seance=self.seance, user=request.user, comment=comment)
        return "Demande de modification transmise au prestataire."


class SeanceMoveView(SeanceObject, ProgrammePageAction):
    permission_required = "seances.plan_programme"
    page = "seances:board"

    def act(self, request):
        seance = self.seance
        form = MoveForm(request.POST, programme=seance.programme)
        if not form.is_valid():
            raise Refused("Déplacement impossible : " + " ".join(e for errs in form.errors.values() for e in errs))
        try:
            board_services.seance_move(seance=seance, user=request.user, **form.cleaned_data)
        except Refused as refusal:
            raise Refused(f"Déplacement refusé : {refusal}") from None
        moved = f"Séance déplacée au {long_date(form.cleaned_data['date'])}"
        if seance.status == Seance.Status.CONVOQUEE:
            moved += " ; les participants reçoivent le nouvel horaire et l’invitation mise à jour"
        return f"{moved}."


class PlanView(ProgrammeObject, ActionView):
    """GET: what the planner will do (« 12 séances à placer, 15 conservées »); POST: do it."""

    permission_required = "seances.plan_programme"
    http_method_names = View.http_method_names  # GET shows the preview (ActionView alone answers POST only)
    template_name = "seances/board/plan.html"

    def get(self, request, pk):
        preview = programme_plan_preview(programme=self.programme)
        return render(request, self.template_name, {"programme": self.programme, "preview": preview})

    def act(self, request):
        result = programme_plan(programme=self.programme)
        if not result.ok:
            raise Refused("Aucune planification possible : " + " ".join(result.reasons))
        placed = f"{result.placed} séance{'s' if result.placed > 1 else ''} placée{'s' if result.placed > 1 else ''}"
        kept = f"{result.kept} conservée{'s' if result.kept > 1 else ''}"
        return f"Planification proposée : {placed}, {kept}."

    def redirect_url(self):
        return reverse("seances:board", args=[self.programme.pk])


class SeanceReplanView(SeanceObject, ProgrammePageAction):
    """« Replanifier cette séance »: the planner places this proposée séance again, the others kept."""

    permission_required = "seances.move_seance"
    page = "seances:board"

    def act(self, request):
        seance = self.seance
        result = programme_plan(programme=seance.programme, seance=seance)
        if not result.ok:
            raise Refused("Replanification impossible : " + " ".join(result.reasons))
        seance.refresh_from_db()
        return f"Séance replanifiée au {long_date(seance.date)}."
