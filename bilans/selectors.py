"""Reads of the bilans that carry rules: who reaches which bilan (others answer 404), what each reader
sees (texts and figures), the year's themes beside the previous year's, the PDF exports one reads."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from ami.selectors import prestataire_of
from bilans import aggregation
from bilans.models import EXPORT_DRAFT, EXPORT_VERSION, K_DEFAULT, Bilan, BilanVersion, Commentaire, Section
from mlhg_app import french
from mlhg_app.models import StoredExport
from mlhg_app.rules import is_prestataire, is_responsable, is_staff_member
from mlhg_app.todo import Item, Upcoming
from seances import calendar
from seances.models import Programme
from seances.review_sources import Line, Lines

SECTIONS = [(section.value, section.label) for section in Section]
WRITABLE = (Bilan.Status.BROUILLON, Bilan.Status.COMMENTE)
REVIEWABLE = (Bilan.Status.REMIS, Bilan.Status.COMMENTE)


def _prestataire_id(user):
    """The pk of the user's organisation (`ami.selectors.prestataire_of`), or None."""
    return getattr(prestataire_of(user), "pk", None)


def bilans_base():
    """Bilans with what every page and email reads of them (the programme, its prestataire and responsable)."""
    return Bilan.objects.select_related("programme__prestataire", "programme__responsable", "valide_par")


def bilans_visible_to(user):
    """Exactly the bilans `bilans.view_bilan` allows: the prestataire its programmes' bilans, drafts
    included; the programme's référent responsable and staff only bilans remitted at least once (they
    read the remitted versions, never the draft)."""
    prestataire_id = _prestataire_id(user)
    q = Q(pk__in=[])
    if is_prestataire(user) and prestataire_id:
        q |= Q(programme__prestataire_id=prestataire_id)
    if is_staff_member(user):
        q |= ~Q(status=Bilan.Status.BROUILLON)
    elif is_responsable(user):
        q |= Q(programme__responsable=user) & ~Q(status=Bilan.Status.BROUILLON)
    return bilans_base().filter(q)


def bilan_get(pk) -> Bilan:
    """One bilan for a view's permission check (404 if it does not exist)."""
    return get_object_or_404(bilans_base(), pk=pk)


def commentaire_get(pk):
    """One comment, with its version's bilan, for a view's permission check (404 if it does not exist)."""
    return get_object_or_404(Commentaire.objects.select_related("version__bilan__programme"), pk=pk)


def programmes_without_bilan(user):
    """The programmes whose bilan the prestataire can open (no bilan yet)."""
    if not is_prestataire(user) or not _prestataire_id(user):
        return Programme.objects.none()
    return Programme.objects.filter(prestataire_id=_prestataire_id(user), bilan__isnull=True).order_by("-annee_debut")


def programmes_with_threshold() -> list[dict]:
    """Every programme, latest first, with its bilan (None before it is opened) and its threshold k (for staff)."""
    programmes = Programme.objects.select_related("prestataire", "bilan").order_by("-annee_debut")
    rows = []
    for programme in programmes:
        bilan = getattr(programme, "bilan", None)
        rows.append({"programme": programme, "bilan": bilan, "k": bilan.seuil_k if bilan else K_DEFAULT})
    return rows


def comments_by_section(version) -> dict[str, list]:
    """A version's comments, by section key, in order (with their authors); {} for none."""
    comments = {}
    for commentaire in Commentaire.objects.filter(version=version).select_related("auteur"):
        comments.setdefault(commentaire.section, []).append(commentaire)
    return comments


def is_writer(user, bilan) -> bool:
    return user.has_perm("bilans.write_bilan", bilan)


def can_meet(user, bilan) -> bool:
    return user.has_perm("bilans.meet", bilan)


def latest_version(bilan):
    """The latest remitted version (a `BilanVersion`), None before the first remise."""
    return bilan.versions.order_by("-numero").first()


# ---------------------------------------------------------------------------
# What each reader sees
# ---------------------------------------------------------------------------


def synthese_live(bilan) -> dict:
    """Today's figures of the bilan's programme, with the bilan's anonymity threshold k."""
    return aggregation.synthese(bilan.programme, bilan.seuil_k)


def bilan_shown(bilan, user, *, numero: int | None = None) -> dict:
    """The texts and figures a user reads: the writer the live bilan while it can be written, the others
    (and the writer once it is remitted or validated) a remitted version, the latest by default.
    Raises Http404 for a version that does not exist."""
    if numero is None and is_writer(user, bilan) and (bilan.status in WRITABLE or not bilan.versions.exists()):
        return shown_live(bilan)
    version = bilan.versions.filter(numero=numero).first() if numero else latest_version(bilan)
    if version is None:
        raise Http404("Version introuvable")
    return version_shown(version)


def shown_live(bilan) -> dict:
    """The bilan as it is being written: its live texts and today's figures."""
    return {"version": None, "texts": section_texts(bilan), "synthese": synthese_live(bilan)}


def version_shown(version) -> dict:
    """A remitted version as it was frozen: its texts and figures."""
    return {"version": version, "texts": section_texts(version), "synthese": version.synthese}


def section_texts(source) -> list[dict]:
    """The three sections of a bilan or of a version, in order, with their titles."""
    return [{"key": key, "titre": label, "texte": source.section_text(key)} for key, label in SECTIONS]


def theme_trends(bilan) -> list[dict]:
    """The latest remitted version's themes beside the previous year's (their own suppressed counts)."""
    current = latest_version(bilan)
    previous_bilan = (
        Bilan.objects.filter(programme__annee_debut=bilan.programme.annee_debut - 1)
        .exclude(status=Bilan.Status.BROUILLON)
        .first()
    )
    previous = latest_version(previous_bilan) if previous_bilan else None
    now = {t["libelle"]: t["seances"] for t in (current.synthese["themes"] if current else [])}
    before = {t["libelle"]: t["seances"] for t in (previous.synthese["themes"] if previous else [])}
    rows = []
    for libelle in sorted(set(now) | set(before), key=lambda name: (-now.get(name, 0), name)):
        rows.append({"libelle": libelle, "avant": before.get(libelle), "maintenant": now.get(libelle)})
    return rows


def reunion_text(bilan) -> str:
    """When the réunion de bilan is, in French (« lundi 14 juin 2027 à 14 h 00 »); '' when not set."""
    if not bilan.reunion_le:
        return ""
    local = timezone.localtime(bilan.reunion_le)
    return f"{calendar.date_text(local.date())} à {calendar.time_text(local.time())}"


# ---------------------------------------------------------------------------
# The PDF exports
# ---------------------------------------------------------------------------


def bilan_exports(bilan):
    """Every PDF export of the bilan (its versions' and its draft's), whoever asked."""
    return StoredExport.objects.filter(
        Q(kind=EXPORT_VERSION, object_id__in=bilan.versions.values("pk")) | Q(kind=EXPORT_DRAFT, object_id=bilan.pk)
    )


def _with_bilan(export, bilan, version):
    """Attach the exported bilan and version (None: the draft) to the export, as a prefetch's `to_attr`
    does: the permission predicates (bilans/rules.py) and the page read them."""
    export.bilan, export.version = bilan, version
    return export


def exports_of(bilan, user, *, limit: int = 5) -> list[StoredExport]:
    """The user's latest exports of the bilan they may read (a remitted version's; a draft's for its
    prestataire only), each with `.bilan` and `.version`. The bilan is one the user reads."""
    versions = {version.pk: version for version in bilan.versions.all()}
    exports = bilan_exports(bilan).filter(demande_par=user)
    if not is_writer(user, bilan):
        exports = exports.filter(kind=EXPORT_VERSION)
    return [
        _with_bilan(export, bilan, versions.get(export.object_id) if export.kind == EXPORT_VERSION else None)
        for export in exports[:limit]
    ]


def bilan_export_get(pk) -> StoredExport:
    """One PDF export of a bilan, with `.bilan` and `.version`, for a view's permission check (404 if none)."""
    export = get_object_or_404(StoredExport, pk=pk, kind__in=(EXPORT_VERSION, EXPORT_DRAFT))
    if export.kind == EXPORT_VERSION:
        version = get_object_or_404(BilanVersion, pk=export.object_id)
        return _with_bilan(export, bilan_get(version.bilan_id), version)
    return _with_bilan(export, bilan_get(export.object_id), None)


# ---------------------------------------------------------------------------
# The home page's « À faire » (mlhg_app.todo; registered in bilans/apps.py)
# ---------------------------------------------------------------------------


def todo_responsable(user, now):
    """A responsable: the bilans remitted to it and not read yet (neither commented nor validated); the next
    réunion de bilan. One query."""
    for bilan in bilans_visible_to(user).filter(programme__responsable=user, status__in=REVIEWABLE).order_by("pk"):
        if bilan.status == Bilan.Status.REMIS:
            yield Item(label="Bilan remis à lire", url=reverse("bilans:detail", args=[bilan.pk]), detail=str(bilan))
        if bilan.reunion_le and bilan.reunion_le >= now:
            yield Upcoming(
                f"réunion de bilan {bilan.annee}", bilan.reunion_le, reverse("bilans:detail", args=[bilan.pk])
            )


def todo_prestataire(user, now):
    """A prestataire: the bilans of its programmes still to write and remit (a draft, or commented and to
    revise), with the date they are due. One query."""
    if not is_prestataire(user):
        return
    for bilan in bilans_visible_to(user).filter(status__in=WRITABLE).order_by("echeance"):
        label = "Bilan annuel à rédiger et remettre"
        if bilan.status == Bilan.Status.COMMENTE:
            label = "Bilan commenté par le responsable : à réviser et remettre"
        yield Item(label=label, url=reverse("bilans:detail", args=[bilan.pk]), due=bilan.echeance, detail=str(bilan))


def revue_bilan_lines(programme):
    """The bilan's punctuality beside the provider's review (`seances.review_sources.BILAN`): the due date,
    the first remise against it (the later versions answer the responsable's comments), the versions and the
    status; None when the programme has no bilan yet. Two queries."""
    bilan = Bilan.objects.filter(programme=programme).first()
    if bilan is None:
        return None
    versions = list(bilan.versions.order_by("numero").values_list("remis_le", flat=True))
    lines = [Line("Date de remise attendue", french.day_date(bilan.echeance))]
    if versions:
        first = timezone.localtime(versions[0]).date()
        late = (first - bilan.echeance).days
        if late > 0:
            verdict = f"remis avec {french.counted(late, 'jour', 'jours')} de retard"
        elif late == 0:
            verdict = "remis à temps, le jour de l'échéance"
        else:
            verdict = f"remis à temps, {french.counted(-late, 'jour', 'jours')} avant l'échéance"
        lines += [
            Line("Première remise", french.day_date(first)),
            Line("Ponctualité", verdict),
            Line("Versions remises", str(len(versions))),
        ]
    else:
        left = (bilan.echeance - timezone.localdate()).days
        if left < 0:
            verdict = f"non remis : échéance dépassée de {french.counted(-left, 'jour', 'jours')}"
        else:
            verdict = f"pas encore remis : échéance dans {french.counted(left, 'jour', 'jours')}"
        lines.append(Line("Ponctualité", verdict))
    status = bilan.get_status_display()
    if bilan.valide_le:
        status += f" le {french.day_date(bilan.valide_le)}"
    lines.append(Line("État du bilan", status))
    return Lines(
        lines=lines,
        note="La ponctualité se juge sur la première remise ; les versions suivantes répondent "
        "aux commentaires du responsable de secteur.",
    )
