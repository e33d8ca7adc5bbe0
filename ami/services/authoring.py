"""Staff write an AMI: create it from the previous one (or from the reference text), edit the draft, publish it.

A draft (« brouillon ») is edited freely; publication checks it (`ami_publication_problems`) and goes
through `ami_set_state`; afterwards its text changes only by a rectificatif (`ami.services.rectificatif`).
"""

import datetime
import re

from django.db import transaction
from django.utils import timezone

from ami import reference as reference_text
from ami.models import AMI, QUESTIONS_JOURS_AVANT, Critere, Jalon, SectionAMI
from ami.services.rectificatif import ami_version_record, sections_apply, unique_code
from ami.services.states import ami_set_state
from mlhg_app.french import counted, deadline_text, long_date
from mlhg_app.models import default_structure
from mlhg_app.refusals import Refused

# What an AMI created from another takes from it, besides its text, criteria and calendar.
COPIED_FIELDS = [
    "nb_sites",
    "seances_par_site",
    "duree_seance_heures",
    "taille_max_groupe",
    "sous_groupes_autorises",
    "contact_nom",
    "contact_telephone",
    "contact_email",
    "formule_prix",
    "seuil_desaccord",
    "standstill_jours",
]
# The fields of a draft that staff edit on its page (`ami_update`).
EDITABLE_FIELDS = [
    "reference",
    "titre",
    "annee",
    "date_publication",
    "date_limite",
    "date_limite_questions",
    *COPIED_FIELDS,
]
YEAR = re.compile(r"\b(20\d\d)\b")


def shift_years(text: str, delta: int) -> str:
    """« Septembre 2026 » → « Septembre 2027 » for delta 1 (every year 20xx of the text)."""
    if not delta:
        return text
    return YEAR.sub(lambda m: str(int(m.group(1)) + delta), text)


def _shift_date(value, delta: int):
    if value is None or not delta:
        return value
    try:
        return value.replace(year=value.year + delta)
    except ValueError:  # 29 February
        return value.replace(year=value.year + delta, day=28)


def _refuse_unless_draft(ami: AMI):
    if ami.status != AMI.Status.BROUILLON:
        raise Refused(
            f"L'AMI est « {ami.get_status_display()} » : seul un brouillon se modifie ici ; "
            "le texte d'un AMI publié change par un rectificatif."
        )


def _check_reference(reference: str, ami: AMI | None = None, structure=None):
    if not reference:
        raise Refused("Indiquez la référence de l'AMI (elle sert d'adresse à sa page).", "reference")
    others = AMI.objects.filter(structure=ami.structure if ami is not None else structure, reference=reference)
    if ami is not None:
        others = others.exclude(pk=ami.pk)
    if others.exists():
        raise Refused(
            f"La référence « {reference} » est déjà celle d'un autre AMI : choisissez-en une autre.", "reference"
        )


def ami_create(
    *,
    reference: str,
    titre: str,
    annee: int,
    date_limite: datetime.datetime,
    date_publication: datetime.date | None = None,
    date_limite_questions: datetime.datetime | None = None,
    source: AMI | None = None,
    by,
) -> AMI:
    """Create a draft AMI from `source` (the previous one) or, without it, from the reference text.

    From `source`: its sections, criteria and weights, calendar (years moved by the difference of the
    two years), volumes, price formula, contact and thresholds. From the reference text (`ami.reference`):
    its sections, criteria and calendar. Refused: a reference already used. Side effects: the AMI and its
    rows, one history entry by `by`. Nothing is published nor sent.
    """
    reference = (reference or "").strip()
    structure = source.structure if source is not None else default_structure()
    _check_reference(reference, structure=structure)
    with transaction.atomic():
        ami = AMI(
            structure=structure,
            reference=reference,
            titre=titre,
            annee=annee,
            date_publication=date_publication,
            date_limite=date_limite,
            date_limite_questions=date_limite_questions or date_limite - datetime.timedelta(days=QUESTIONS_JOURS_AVANT),
            cree_depuis=source,
        )
        if source is not None:
            for name in COPIED_FIELDS:
                setattr(ami, name, getattr(source, name))
        ami._history_user = by
        ami._change_reason = _reason(
            f"Créé à partir de « {source.titre} »" if source else "Créé à partir du texte de référence"
        )
        ami.save()
        if source is not None:
            delta = annee - source.annee
            sections = [(s.code, s.titre, s.texte) for s in source.sections.order_by("ordre", "pk")]
            criteres = [(c.code, c.libelle, c.poids, c.mode) for c in source.criteres.order_by("ordre", "pk")]
            jalons = [(j.libelle, j.quand, j.date) for j in source.jalons.order_by("ordre", "pk")]
        else:
            delta = annee - 2026
            sections, criteres, jalons = reference_text.SECTIONS, reference_text.CRITERES, reference_text.JALONS
        SectionAMI.objects.bulk_create(
            SectionAMI(ami=ami, ordre=ordre, code=code, titre=t, texte=texte)
            for ordre, (code, t, texte) in enumerate(sections)
        )
        Critere.objects.bulk_create(
            Critere(ami=ami, ordre=ordre, code=code, libelle=libelle, poids=poids, mode=mode)
            for ordre, (code, libelle, poids, mode) in enumerate(criteres)
        )
        Jalon.objects.bulk_create(
            Jalon(
                ami=ami,
                ordre=ordre,
                libelle=shift_years(libelle, delta),
                quand=shift_years(quand, delta),
                date=_shift_date(date, delta),
            )
            for ordre, (libelle, quand, date) in enumerate(jalons)
        )
    return ami


def ami_update(*, ami: AMI, values: dict, by) -> AMI:
    """Save a draft's fields (`EDITABLE_FIELDS`). Refused: not a draft, a reference already used.
    An empty question deadline becomes 7 days before the deadline. Side effects: one history entry."""
    _refuse_unless_draft(ami)
    values = {name: value for name, value in values.items() if name in EDITABLE_FIELDS}
    if "reference" in values:
        values["reference"] = (values["reference"] or "").strip()
        _check_reference(values["reference"], ami)
    with transaction.atomic():
        for name, value in values.items():
            setattr(ami, name, value)
        if not ami.date_limite_questions:
            ami.date_limite_questions = ami.date_limite - datetime.timedelta(days=QUESTIONS_JOURS_AVANT)
        ami._history_user = by
        ami._change_reason = "Brouillon modifié"
        ami.save()
    return ami


def _sync(ami: AMI, model, rows: list[dict], fields: list[str], *, code_from: str | None = None):
    """Make the AMI's rows of `model` be `rows` (in their order): update those with an `id`, create the
    others, delete the rest. `rows` are the kept rows, each a dict of `fields` (and `id`)."""
    existing = {obj.pk: obj for obj in model.objects.filter(ami=ami)}
    unknown = [row["id"] for row in rows if row.get("id") and row["id"] not in existing]
    if unknown:
        raise Refused("Une des lignes n'appartient pas à cet AMI : rechargez la page.")
    kept = {row["id"] for row in rows if row.get("id")}
    model.objects.filter(ami=ami).exclude(pk__in=kept).delete()
    taken = {obj.code for pk, obj in existing.items() if pk in kept} if code_from else set()
    for ordre, row in enumerate(rows):
        obj = existing.get(row.get("id")) or model(ami=ami)
        for name in fields:
            setattr(obj, name, row[name])
        obj.ordre = ordre
        if code_from and not obj.code:
            obj.code = unique_code(row[code_from], taken)
        obj.save()


def ami_sections_save(*, ami: AMI, rows: list[dict], by) -> None:
    """The draft's text: `rows` ({code (empty for a new one), titre, texte}) in their order; absent
    sections are deleted.
    Refused: not a draft, a section without title or text."""
    _refuse_unless_draft(ami)
    for number, row in enumerate(rows, start=1):
        if not (row.get("titre") or "").strip() or not (row.get("texte") or "").strip():
            raise Refused(f"La section {number} doit avoir un titre et un texte.")
    with transaction.atomic():
        sections_apply(ami, [{**row, "titre": row["titre"].strip(), "texte": row["texte"].strip()} for row in rows])
        _history(ami, by, f"Texte modifié : {counted(len(rows), 'section', 'sections')}")


def criteres_total(rows: list[dict]) -> int:
    return sum(int(row.get("poids") or 0) for row in rows)


def ami_criteres_save(*, ami: AMI, rows: list[dict], by) -> None:
    """The draft's criteria ({id, libelle, poids, mode}) in their order; absent rows are deleted.
    Refused: not a draft, no criterion, weights whose sum is not 100, more than one computed criterion."""
    _refuse_unless_draft(ami)
    if not rows:
        raise Refused("L'AMI doit avoir au moins un critère de sélection.")
    total = criteres_total(rows)
    if total != 100:
        raise Refused(
            f"La somme des pondérations doit être égale à 100 % (actuellement {total} %) : "
            f"{'retirez' if total > 100 else 'ajoutez'} {counted(abs(100 - total), 'point', 'points')}."
        )
    if sum(1 for row in rows if row["mode"] == Critere.Mode.CALCULE) > 1:
        raise Refused("Un seul critère peut être calculé à partir des prix.")
    with transaction.atomic():
        _sync(ami, Critere, rows, ["libelle", "poids", "mode"], code_from="libelle")
        _history(ami, by, "Critères modifiés : " + ", ".join(f"{r['libelle']} {r['poids']} %" for r in rows))


def ami_jalons_save(*, ami: AMI, rows: list[dict], by) -> None:
    """The draft's calendar ({id, libelle, quand, date}) in its order; absent rows are deleted."""
    _refuse_unless_draft(ami)
    with transaction.atomic():
        _sync(ami, Jalon, rows, ["libelle", "quand", "date"])
        _history(ami, by, f"Calendrier modifié : {counted(len(rows), 'étape', 'étapes')}")


def _reason(text: str) -> str:
    """A history reason fits its column (100 characters)."""
    return text if len(text) <= 100 else text[:99] + "…"


def _history(ami: AMI, by, reason: str):
    """One history entry on the AMI for a change of its rows (sections, criteria, calendar)."""
    ami._history_user = by
    ami._change_reason = _reason(reason)
    ami.save()


def ami_publication_problems(ami: AMI, now=None) -> list[str]:
    """What prevents publishing the AMI now, each a French sentence saying what to fix (empty: ready)."""
    now = now or timezone.now()
    problems = []
    if ami.status != AMI.Status.BROUILLON:
        problems.append(f"L'AMI est déjà « {ami.get_status_display()} ».")
    if not ami.titre.strip():
        problems.append("Donnez un titre à l'AMI.")
    sections = list(ami.sections.all())
    if not sections:
        problems.append("Le texte de l'AMI n'a aucune section : ajoutez-en au moins une.")
    criteres = list(ami.criteres.all())
    total = sum(c.poids for c in criteres)
    if not criteres:
        problems.append("Ajoutez les critères de sélection et leur pondération.")
    elif total != 100:
        problems.append(f"La somme des pondérations des critères est de {total} % : elle doit être égale à 100 %.")
    if not ami.contact_email:
        problems.append("Indiquez l'adresse électronique de contact et de dépôt.")
    for name, label in [
        ("nb_sites", "le nombre de sites"),
        ("seances_par_site", "le nombre de séances par site"),
        ("duree_seance_heures", "la durée d'une séance"),
        ("taille_max_groupe", "la taille maximale d'un groupe"),
    ]:
        if not getattr(ami, name):
            problems.append(f"Indiquez {label} (au moins 1).")
    publication = ami.date_publication or timezone.localdate(now)
    questions = ami.questions_deadline
    if ami.date_limite <= now:
        problems.append(
            f"La date limite de dépôt ({deadline_text(ami.date_limite)}) est passée : choisissez une date à venir."
        )
    if questions >= ami.date_limite:
        problems.append(
            f"La date limite des questions ({deadline_text(questions)}) doit précéder la date limite de dépôt "
            f"({deadline_text(ami.date_limite)})."
        )
    if publication > timezone.localdate(questions):
        problems.append(
            f"La date de publication ({long_date(publication)}) doit précéder la date limite des questions "
            f"({deadline_text(questions)})."
        )
    if ami.date_publication and ami.date_publication > timezone.localdate(now):
        problems.append(
            f"La date de publication ({long_date(ami.date_publication)}) est à venir : "
            "l'AMI se publie le jour dit, ou videz ce champ pour la date du jour."
        )
    return problems


def ami_publication_warnings(ami: AMI) -> list[str]:
    """What staff should look at before publishing without it being wrong: years older than the AMI's."""
    older = {str(y) for y in range(2000, ami.annee)}
    places = [s.titre for s in ami.sections.all() if set(YEAR.findall(s.texte + s.titre)) & older]
    places += [j.libelle for j in ami.jalons.all() if set(YEAR.findall(j.quand + j.libelle)) & older]
    if not places:
        return []
    return [f"Une année antérieure à {ami.annee} figure encore dans : " + " ; ".join(places) + "."]


def ami_publish(*, ami: AMI, by, now=None) -> AMI:
    """Publish a draft AMI: its public page opens, candidates can apply and ask questions.

    Refused: any of `ami_publication_problems` (all listed in the message). Side effects, in one
    transaction: the publication date (today if empty), the status through `ami_set_state` (history by
    `by`), version 1 of the text. Nothing is emailed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ami = AMI.objects.select_for_update().get(pk=ami.pk)
        problems = ami_publication_problems(ami, now)
        if problems:
            raise Refused("L'AMI ne peut pas être publié : " + " ".join(problems))
        if ami.date_publication is None:
            ami.date_publication = timezone.localdate(now)
            ami.save(update_fields=["date_publication"])
        ami_set_state(ami=ami, status=AMI.Status.PUBLIE, by=by, now=now)
        ami_version_record(ami=ami, now=now)
    return ami
