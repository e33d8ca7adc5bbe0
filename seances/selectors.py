"""Reads that carry the séances' rules: who sees which programme and séance."""

from django.http import Http404

from seances.models import Programme, Seance


def programmes_visible_to(user):
    base = Programme.objects.select_related("prestataire", "responsable")
    if user.role in {"staff", "responsable"}:
        return base
    if user.role == "prestataire":
        membre = getattr(user, "membre", None)
        return base.filter(prestataire_id=membre.prestataire_id) if membre else base.none()
    return base.none()


def programme_for(user, pk: int) -> Programme:
    programme = programmes_visible_to(user).filter(pk=pk).first()
    if programme is None:
        raise Http404("Programme introuvable")
    return programme


def seances_for(user):
    """The séances a conseiller (as a member) or an intervenant (as facilitator) attends."""
    base = Seance.objects.select_related("groupe__antenne", "fenetre", "intervenant", "programme")
    if user.role == "conseiller":
        return base.filter(groupe__membres=user)
    if user.role == "intervenant":
        return base.filter(intervenant__user=user)
    return base.none()
