from django import template
from django.utils import timezone

from ami.models import Dossier
from ami.selectors import draft_changed_since, letters_sent_to, versions_of
from mlhg_app.french import deadline_text

register = template.Library()


@register.inclusion_tag("ami/version/_panel.html", takes_context=True)
def submission_panel(context, dossier, completeness):
    """The submission panel of a dossier's overview: versions, deposit and withdrawal."""
    now = timezone.now()
    versions = versions_of(dossier)
    complete = all(section.complete for section in completeness)
    changed = bool(versions and complete) and draft_changed_since(dossier, versions[0])
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
        "lettres": letters_sent_to(dossier),
        "convention": getattr(dossier, "convention", None) if hasattr(dossier, "convention") else None,
    }
