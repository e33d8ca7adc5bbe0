"""Panels of the AMI on the role homes (prestataire, staff, evaluator)."""

from django import template

from ami.selectors import amis_accepting, amis_on_home, dossiers_of_member

register = template.Library()


@register.inclusion_tag("ami/home/_prestataire.html", takes_context=True)
def prestataire_dossiers(context):
    user = context["request"].user
    return {"dossiers": dossiers_of_member(user).order_by("-ami__date_limite"), "open_amis": amis_accepting()}


@register.inclusion_tag("ami/home/_staff.html", takes_context=True)
def staff_amis(context):
    user = context["request"].user
    return {"amis": amis_on_home(user), "user": user, "can_select": user.has_perm("ami.manage_selection")}
