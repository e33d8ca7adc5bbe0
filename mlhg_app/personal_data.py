"""A person's own data, as JSON, downloaded from their account page (RGPD, right of access).

This module builds the account's part; the other apps add theirs through a small
registry, since `mlhg_app` never imports them (dependencies point one way):

    from mlhg_app import personal_data
    personal_data.register("dossiers", dossiers_of)   # in the app's AppConfig.ready

An exporter is `func(user) -> JSON-serialisable value or None` (None: nothing for this
user, the section is left out). It returns **only this user's own data**: what they
are, wrote or were convened to; never another person's name, address or scores.
"""

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mlhg_app.models import OutgoingMessage, User

Exporter = Callable[[User], Any]
_exporters: dict[str, Exporter] = {}


def register(name: str, func: Exporter) -> None:
    """Add (or replace) the section `name` of the export."""
    _exporters[name] = func


def iso(value) -> str | None:
    return value.isoformat() if value else None


def _account(user: User) -> dict:
    return {
        "adresse_electronique": user.email,
        "prenom": user.first_name,
        "nom": user.last_name,
        "role": user.role,
        "role_libelle": str(user.get_role_display()),
        "site_de_rattachement": user.antenne.nom if user.antenne_id else None,
        "encadrant_hierarchique": user.is_manager,
        "compte_actif": user.is_active,
        "acces_administration": user.is_staff,
        "inscrit_le": iso(user.date_joined),
        "derniere_connexion": iso(user.last_login),
        "double_authentification": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }


def _messages(user: User) -> list[dict]:
    rows = OutgoingMessage.objects.filter(recipient=user.email.lower()).order_by("sent_at")
    return [{"type": m.kind, "objet": m.subject, "envoye_le": iso(m.sent_at)} for m in rows]


def personal_data_of(user: User) -> dict:
    """Everything the platform keeps about `user`, by section."""
    data = {
        "export": {"plateforme": "MLHG APP", "genere_le": iso(timezone.now())},
        "compte": _account(user),
        "courriels_recus": _messages(user),
    }
    for name, func in _exporters.items():
        section = func(user)
        if section is not None:
            data[name] = section
    return data
