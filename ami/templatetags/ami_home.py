"""Panels of the AMI on the role homes (prestataire, staff, evaluator)."""

from django import template
from django.db.models import Count, Q

from ami.models import AMI, Dossier
from ami.selectors import dossiers_of_member

register = template.Library()


@register.inclusion_tag("ami/home/_prestataire.html", takes_context=True)
def prestataire_dossiers(context):
    user = context["request"].user
    dossiers = dossiers_of_member(user).order_by("-ami__date_limite")
    return {"dossiers": dossiers, "open_amis": AMI.objects.filter(status=AMI.Status.PUBLIE).order_by("date_limite")}


@register.inclusion_tag("ami/home/_staff.html", takes_context=True)
def staff_amis(context):
    user = context["request"].user
    amis = AMI.objects.exclude(status=AMI.Status.BROUILLON)
    can_select = user.has_perm("ami.manage_selection")
    if not can_select:  # an evaluator: the AMIs they are assigned to
        amis = amis.filter(evaluateurs=user)
    amis = amis.annotate(
        nb_dossiers=Count("dossiers", filter=~Q(dossiers__status=Dossier.Status.BROUILLON), distinct=True)
    ).order_by("-date_limite")
    return {"amis": amis, "user": user, "can_select": can_select}
