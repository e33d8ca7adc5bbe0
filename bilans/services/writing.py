"""Writing the bilan and remitting it: the three sections (saved even with an identifying term, never
remitted with one), and the remise that freezes a version (texts and figures) for the responsable."""

from django.db import transaction

from bilans import aggregation, differences
from bilans.models import Bilan, BilanVersion
from bilans.selectors import SECTIONS, WRITABLE, is_writer, latest_version, synthese_live
from bilans.services.state import bilan_set_state
from mlhg_app.refusals import Refused
from seances.anonymisation import identifying_terms, names_for_programme


def version_figures(bilan) -> dict:
    """The figures a new version freezes: today's, unless subtracting an earlier version's from them would
    show what fewer than k groups contributed; then the previous version's (bilans/differences.py)."""
    earlier = [
        {"numero": v.numero, "synthese": v.synthese, "empreintes": v.empreintes}
        for v in bilan.versions.order_by("numero")
    ]
    for _attempt in range(3):  # the figures and the séances' fingerprints must describe the same data
        shares = aggregation.shares(bilan.programme)
        live = synthese_live(bilan)
        if aggregation.shares(bilan.programme) == shares:
            synthese, empreintes = differences.protect_against_differences(earlier, live, shares, bilan.seuil_k)
            return {"synthese": synthese, "empreintes": empreintes}
    raise Refused("Des comptes rendus sont en cours d'enregistrement : remettez le bilan dans un instant.")


def section_refusals(bilan, texts: dict | None = None) -> dict[str, list[str]]:
    """The identifying terms (names, emails, phone numbers) of each section; {} when all are anonymous."""
    texts = texts if texts is not None else {key: bilan.section_text(key) for key, _label in SECTIONS}
    names = names_for_programme(bilan.programme)
    refusals = {}
    for key, _label in SECTIONS:
        terms = identifying_terms(texts.get(key, ""), names)
        if terms:
            refusals[key] = terms
    return refusals


def remise_refusal(bilan) -> str:
    """Why the bilan cannot be remitted now ('' when it can)."""
    if bilan.status not in WRITABLE:
        return f"Le bilan est {bilan.get_status_display()} : il ne peut pas être remis à nouveau."
    empty = [str(label) for key, label in SECTIONS if not bilan.section_text(key).strip()]
    if empty:
        return "Complétez avant de remettre le bilan : " + " ; ".join(empty) + "."
    refusals = section_refusals(bilan)
    if refusals:
        terms = ", ".join(f"« {term} »" for terms in refusals.values() for term in terms)
        return f"Le bilan contient des éléments identifiants : {terms}. Retirez-les : le bilan est anonyme."
    return ""


def bilan_write(*, bilan: Bilan, user, texts: dict) -> dict[str, list[str]]:
    """Save the three sections (a draft, or a revision after comments). Saved even with an identifying
    term, so that nothing typed is lost; such a bilan cannot be remitted. Returns the refusals."""
    if not is_writer(user, bilan):
        raise Refused("Seul le prestataire rédige le bilan.")
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update().get(pk=bilan.pk)
        if bilan.status not in WRITABLE:
            raise Refused(f"Le bilan est {bilan.get_status_display()} : il n'est plus modifiable.")
        for key, _label in SECTIONS:
            setattr(bilan, key, (texts.get(key) or "").strip())
        bilan.save()
    return section_refusals(bilan)


def bilan_remettre(*, bilan: Bilan, user) -> BilanVersion:
    """Freeze a new version (texts and figures) and email the responsable."""
    if not is_writer(user, bilan):
        raise Refused("Seul le prestataire remet le bilan.")
    with transaction.atomic():
        bilan = Bilan.objects.select_for_update().select_related("programme").get(pk=bilan.pk)
        refusal = remise_refusal(bilan)
        if refusal:
            raise Refused(refusal)
        previous = latest_version(bilan)
        numero = (previous.numero if previous else 0) + 1
        version = BilanVersion.objects.create(
            bilan=bilan,
            numero=numero,
            thematiques=bilan.thematiques,
            attention=bilan.attention,
            preconisations=bilan.preconisations,
            **version_figures(bilan),
            remis_par=user,
        )
        bilan_set_state(bilan=bilan, status=Bilan.Status.REMIS, by=user)  # the responsable emailed on commit
    return version
