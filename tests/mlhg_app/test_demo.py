from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mlhg_app.models import User


@pytest.mark.django_db
def test_load_demo_prints_one_line_per_account_with_every_role(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())

    lines = [line.split("\t") for line in out.getvalue().splitlines()]
    assert all(len(parts) == 3 for parts in lines)
    roles = {role for role, _email, _password in lines}
    assert roles == {r.value for r in User.Role}
    for role, email, password in lines:
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password(password)
    # several conseillers on every antenne
    for antenne_code in ["nord-est", "nord-ouest", "muretain", "lauragais", "comminges", "sud-garonne", "ouest"]:
        assert User.objects.filter(role="conseiller", antenne__code=antenne_code, is_manager=False).count() >= 3
    # the bilan 2026-2027, a draft built from window 1's comptes rendus
    from bilans.models import Bilan
    from bilans.selectors import synthese_live
    from bilans.services.writing import section_refusals

    bilan = Bilan.objects.get(programme__annee_debut=2026)
    assert bilan.status == Bilan.Status.BROUILLON and bilan.thematiques and not bilan.preconisations
    assert section_refusals(bilan) == {}
    figures = synthese_live(bilan)
    assert figures["seances"]["tenues"] > 0 and figures["themes"]


@pytest.mark.django_db
def test_load_demo_twice_creates_nothing_more(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    count = User.objects.count()
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    assert User.objects.count() == count


@pytest.mark.django_db
def test_load_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    assert User.objects.count() == 0
