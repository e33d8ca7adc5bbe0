"""The AMI's list selectors return exactly the objects its object permissions allow, for every demo user."""

from io import StringIO

import pytest
from django.core.management import call_command

from ami.models import Convention, Dossier, Evaluation, Fichier, Lettre
from ami.rules import has_declared_conflict
from ami.selectors import (
    conventions_visible_to,
    dossiers_readable_by,
    dossiers_to_evaluate,
    dossiers_visible_to,
    evaluations_visible_to,
    fichiers_visible_to,
    lettres_visible_to,
)
from mlhg_app.models import User

# (model, list selector, the object permission it must agree with)
AGREEMENTS = [
    (Dossier, dossiers_visible_to, "ami.view_dossier"),
    (Dossier, dossiers_readable_by, "ami.read_dossier"),
    (Fichier, fichiers_visible_to, "ami.view_fichier"),
    (Lettre, lettres_visible_to, "ami.view_lettre"),
    (Convention, conventions_visible_to, "ami.view_convention"),
    (Evaluation, evaluations_visible_to, "ami.view_evaluation"),
]


@pytest.mark.django_db
def test_every_ami_list_selector_agrees_with_its_object_permission_for_every_demo_user(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    users = list(User.objects.filter(is_active=True).select_related("membre"))
    problems, seen = [], {}
    for model, selector, perm in AGREEMENTS:
        objects = list(model.objects.all())
        assert objects, f"la démo n'a aucun objet {model.__name__}"
        for user in users:
            listed = set(selector(user).values_list("pk", flat=True))
            for obj in objects:
                allowed = user.has_perm(perm, obj)
                seen.setdefault(perm, set()).add(allowed)
                if (obj.pk in listed) != allowed:
                    problems.append(
                        f"{perm} {model.__name__} n° {obj.pk} pour {user.email} ({user.role}) : "
                        f"sélecteur {obj.pk in listed}, permission {allowed}"
                    )
    # the evaluator's list: the dossiers they may evaluate, and those they stepped back from (a conflict)
    dossiers = list(Dossier.objects.all())
    for user in users:
        listed = set(dossiers_to_evaluate(user).values_list("pk", flat=True))
        for dossier in dossiers:
            allowed = user.has_perm("ami.evaluate_dossier", dossier) or has_declared_conflict(user, dossier)
            if (dossier.pk in listed) != allowed:
                problems.append(f"dossiers_to_evaluate n° {dossier.pk} pour {user.email} : {dossier.pk in listed}")
    assert problems == []
    # the demo exercises both answers of every permission
    assert all(answers == {True, False} for answers in seen.values()), seen
