"""The séances' and bilans' list selectors return exactly the objects their view permission allows,
for every object of the demo and every demo user."""

import io

import pytest
from django.core.management import call_command

from bilans.models import Bilan
from bilans.selectors import bilans_visible_to
from mlhg_app.models import User
from seances import selectors
from seances.models import Groupe, Programme, Releve, RevuePrestation, Seance
from tests.factories import ReleveFactory

CASES = [
    (Programme, selectors.programmes_visible_to, "seances.view_programme"),
    (Groupe, selectors.groupes_visible_to, "seances.view_groupe"),
    (Seance, selectors.seances_visible_to, "seances.view_seance"),
    (Releve, selectors.releves_visible_to, "seances.view_releve"),
    (RevuePrestation, selectors.revues_visible_to, "seances.view_revue"),
    (Bilan, bilans_visible_to, "bilans.view_bilan"),
]


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    if not Releve.objects.exists():  # the demo issues no statement: one of its programme, by staff
        ReleveFactory(
            programme=Programme.objects.get(),
            numero="REL-2026-001",
            sequence=1,
            emis_par=User.objects.filter(role=User.Role.STAFF).first(),
        )


def _disagreements(model, visible_to, perm, users):
    objects = list(model.objects.all())
    problems = []
    for user in users:
        visible = set(visible_to(user).values_list("pk", flat=True))
        for obj in objects:
            if (obj.pk in visible) != user.has_perm(perm, obj):
                problems.append(f"{user.email} {perm} {obj.pk}: liste {obj.pk in visible}")
    return problems


@pytest.mark.django_db
def test_selectors_agree_with_view_permissions_on_the_demo(demo):
    # One user per role and site (conseillers of every group), every other account as is.
    users = list(User.objects.filter(is_active=True).exclude(role=User.Role.CONSEILLER))
    seen_sites = set()
    for conseiller in User.objects.filter(role=User.Role.CONSEILLER, is_active=True).order_by("email"):
        groups = tuple(conseiller.groupes_app.values_list("pk", flat=True))
        key = (conseiller.antenne_id, groups)
        if key not in seen_sites:
            seen_sites.add(key)
            users.append(conseiller)
    # A responsable who is not the programme's référent sees none of it.
    programme = Programme.objects.get()
    assert User.objects.filter(role=User.Role.RESPONSABLE, is_active=True).exclude(pk=programme.responsable_id)
    problems = []
    for model, visible_to, perm in CASES:
        assert model.objects.exists(), f"la démo n'a aucun {model._meta.verbose_name}"
        problems += _disagreements(model, visible_to, perm, users)
    assert problems == []
