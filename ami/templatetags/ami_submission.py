from django import template
from django.utils import timezone

from ami.models import Dossier
from ami.serialisation import content_hash, dossier_content, dossier_queryset_for_content
from mlhg_app.french import deadline_text

register = template.Library()


@register.inclusion_tag("ami/version/_panel.html", takes_context=True)
def submission_panel(context, dossier, completeness):
    """The submission panel of a dossier's overview: versions, deposit and withdrawal."""
    now = timezone.now()
    versions = list(dossier.versions.select_related("submitted_by").order_by("-numero"))
    complete = all(section.complete for section in completeness)
    changed = False
    if versions and complete:
        fresh = dossier_queryset_for_content().get(pk=dossier.pk)
        changed = content_hash(dossier_content(fresh)) != versions[0].sha256
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "dossier": dossier,
        "versions": versions,
        "complete": complete,
        "is_open": dossier.ami.is_open(now),
        "deadline": deadline_text(dossier.ami.date_limite),
        "changed": changed,
        "deposited": dossier.status == Dossier.Status.DEPOSE,
        "withdrawn": dossier.status == Dossier.Status.RETIRE,
        "lettres": dossier.lettres.filter(sent_at__isnull=False).select_related("decision"),
        "convention": getattr(dossier, "convention", None) if hasattr(dossier, "convention") else None,
    }
