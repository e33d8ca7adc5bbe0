"""Participant feedback, anonymous by construction (issue 20): what a conseiller, a reader of the figures and an
attacker reading the database would notice."""

import datetime
import random
import re
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import models

from bilans.feedback import choose, differ_too_little, visible_sets
from bilans.models import AvisPublication
from mlhg_app.models import Antenne, User
from seances.feedback_tokens import feedback_token
from seances.models import Avis, AvisInvitation, Seance
from seances.services.attendance import attendance_record
from seances.services.feedback import feedback_answer
from tests.factories import MembreFactory, SeanceFactory, UserFactory
from tests.seances_world import build_programme, groupe_of
from tests.web import flash, login

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=PARIS)
HELD = datetime.date(2026, 10, 13)  # a Tuesday before NOW
ANSWER = {"libre": "4", "pratique": "5", "recul": "3", "remarque": ""}


@pytest.fixture
def world(users):
    with time_machine.travel(NOW, tick=False):
        yield {"users": users, "programme": build_programme(users)}


def held(world, code, n, *, fenetre=1, day=HELD, capture=None):
    """A séance of the site's group held with `n` present conseillers (and one absent), recorded through the
    attendance service: the invitations leave after commit."""
    programme = world["programme"]
    groupe = groupe_of(programme, code)
    members = [
        UserFactory(role="conseiller", antenne=groupe.antenne, first_name="Prénom", last_name=f"Nom{code}{i}{fenetre}")
        for i in range(n + 1)
    ]
    groupe.membres.add(*members)
    seance = Seance.objects.filter(groupe=groupe, fenetre__numero=fenetre).first() or SeanceFactory(
        programme=programme,
        groupe=groupe,
        fenetre=programme.fenetres.get(numero=fenetre),
        date=day,
        intervenant=programme.intervenants.first(),
        status=Seance.Status.CONVOQUEE,
    )
    presents = list(groupe.membres.filter(pk__in=[m.pk for m in members[:n]]))
    with capture(execute=True):  # the on-commit invitations run now
        attendance_record(seance=seance, user=world["users"]["intervenant"], presents=presents)
    return seance, presents


def answer(seance, person, **scores):
    values = {"libre": 4, "pratique": 5, "recul": 3, **scores}
    feedback_answer(user=person, token=feedback_token(person, seance), **values)


def test_each_present_conseiller_gets_one_email_with_a_personal_link(world, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    seance, presents = held(world, "muretain", 3, capture=django_capture_on_commit_callbacks)
    invited = sorted(m.to[0] for m in mail.outbox if "Votre avis" in m.subject)
    assert invited == sorted(p.email for p in presents)
    body = next(m.body for m in mail.outbox if m.to == [presents[0].email])
    assert "« Je me suis senti·e libre de parler »" in body
    assert f"/seances/mes-seances/avis/{feedback_token(presents[0], seance)}/" in body
    # The attendance corrected later: nobody is invited twice.
    mail.outbox.clear()
    attendance_record(seance=seance, user=world["users"]["intervenant"], presents=presents)
    assert [m for m in mail.outbox if "Votre avis" in m.subject] == []
    # The home page's « À faire » and the own page show the link.
    page = login(presents[0]).get("/seances/mes-seances/").content.decode()
    assert "Donner mon avis sur la séance du mardi 13 octobre 2026" in page


def test_an_answer_cannot_be_linked_to_its_author_in_the_database(world, django_capture_on_commit_callbacks):
    seance, presents = held(world, "muretain", 3, capture=django_capture_on_commit_callbacks)
    tokens = [feedback_token(p, seance) for p in presents]
    answer(seance, presents[1], remarque="Un temps précieux.")
    # No column of the answer or of the invitation points to a person, the séance or a moment.
    for model in (Avis, AvisInvitation):
        related = [f.related_model for f in model._meta.get_fields() if f.is_relation]
        assert User not in related
    assert not [f for f in Avis._meta.get_fields() if isinstance(f, models.DateField | models.DateTimeField)]
    assert {f.name for f in Avis._meta.concrete_fields} == {
        "id", "programme", "antenne", "fenetre", "libre", "pratique", "recul", "remarque"
    }  # fmt: skip
    row = Avis.objects.values().get()
    assert isinstance(row["id"], type(Avis().id)) and row["remarque"] == "Un temps précieux."
    # The links' tokens are never stored; only the two unused invitations remain, without the person.
    stored = " ".join(str(v) for v in AvisInvitation.objects.values_list("token_hash", "seance_id", "expire_le"))
    assert not any(token in stored for token in tokens)
    assert AvisInvitation.objects.filter(seance=seance).count() == 2


def test_rows_are_rewritten_in_random_order_at_each_answer(world, django_capture_on_commit_callbacks):
    """An attacker reading the table in its physical order learns nothing of who answered last."""
    seance, presents = held(world, "muretain", 8, capture=django_capture_on_commit_callbacks)
    orders = []
    for person in presents:
        answer(seance, person)
        orders.append([str(pk) for pk in Avis.objects.order_by().values_list("pk", flat=True)])
    last_inserted_last = sum(order[-1] not in orders[i - 1] for i, order in enumerate(orders) if i)
    assert last_inserted_last < len(presents) - 1


def test_each_person_answers_once_a_replayed_link_is_refused(world, django_capture_on_commit_callbacks):
    seance, presents = held(world, "muretain", 2, capture=django_capture_on_commit_callbacks)
    client = login(presents[0])
    url = f"/seances/mes-seances/avis/{feedback_token(presents[0], seance)}/"
    assert client.get(url).status_code == 200
    response = client.post(url, ANSWER, follow=True)
    assert "Merci : votre avis est enregistré, sans votre nom." in flash(response)
    again = client.post(url, ANSWER)
    assert again.status_code == 404
    assert "Ce lien d&#x27;avis n&#x27;est pas valide ou a déjà servi" in again.content.decode()
    assert Avis.objects.count() == 1


def test_a_forged_link_or_someone_elses_is_refused_and_nothing_is_stored(world, django_capture_on_commit_callbacks):
    seance, presents = held(world, "muretain", 2, capture=django_capture_on_commit_callbacks)
    forged = login(presents[0]).post(f"/seances/mes-seances/avis/{'a' * 64}/", ANSWER)
    assert forged.status_code == 404 and "pas valide" in forged.content.decode()
    someone_elses = login(presents[1]).post(f"/seances/mes-seances/avis/{feedback_token(presents[0], seance)}/", ANSWER)
    assert someone_elses.status_code == 403
    assert Avis.objects.count() == 0 and AvisInvitation.objects.count() == 2


def test_a_remark_that_names_someone_is_refused_nothing_stored(world, django_capture_on_commit_callbacks):
    seance, presents = held(world, "muretain", 2, capture=django_capture_on_commit_callbacks)
    url = f"/seances/mes-seances/avis/{feedback_token(presents[0], seance)}/"
    colleague = presents[1]
    response = login(presents[0]).post(url, {**ANSWER, "remarque": f"Merci à {colleague.last_name} pour son cas."})
    assert response.status_code == 200
    assert f"Votre remarque contient des éléments identifiants : « {colleague.last_name} »" in response.content.decode()
    assert Avis.objects.count() == 0 and AvisInvitation.objects.count() == 2


def _figures(client, programme):
    page = client.get(f"/bilans/programme/{programme.pk}/avis/").content.decode()
    nom = Antenne.objects.get(code="muretain").nom
    row = re.search(rf"<th scope=\"row\">{re.escape(nom)}</th>(.*?)</tr>", page, re.S)
    return re.sub(r"<[^>]+>", " ", row.group(1)).split() if row else None


def test_a_site_with_4_answers_shows_nothing_with_5_shows_the_averages(world, django_capture_on_commit_callbacks):
    programme = world["programme"]
    seance, presents = held(world, "muretain", 6, capture=django_capture_on_commit_callbacks)
    staff = login(world["users"]["staff"])
    for person, libre in zip(presents[:4], (5, 4, 4, 3), strict=True):
        answer(seance, person, libre=libre)
    assert _figures(staff, programme) == ["masqué"]
    answer(seance, presents[4], libre=2)
    assert _figures(staff, programme) == ["5", "3,6", "5,0", "3,0"]
    # The 6th answer alone would show one person's scores: the figure stays as it was, « arrêté ».
    answer(seance, presents[5], libre=1)
    assert _figures(staff, programme) == ["5", "(arrêté)", "3,6", "5,0", "3,0"]


def test_prestataire_responsable_and_staff_see_the_same_figures(world, django_capture_on_commit_callbacks):
    programme = world["programme"]
    seance, presents = held(world, "muretain", 5, capture=django_capture_on_commit_callbacks)
    for person in presents:
        answer(seance, person)
    seen = [_figures(login(world["users"][role]), programme) for role in ("staff", "responsable", "prestataire")]
    assert seen == [["5", "4,0", "5,0", "3,0"]] * 3
    other = MembreFactory(user__email="autre.prestataire@exemple.fr").user
    assert login(other).get(f"/bilans/programme/{programme.pk}/avis/").status_code == 403
    assert login(presents[0]).get(f"/bilans/programme/{programme.pk}/avis/").status_code == 403


def test_a_window_minus_a_site_never_shows_a_small_site(world, django_capture_on_commit_callbacks):
    """Muretain 6 answers, another site 4, all in window 1: showing Muretain beside window 1 would give the
    other site's 4 answers by subtraction, so only window 1 is shown."""
    programme = world["programme"]
    a, a_presents = held(world, "muretain", 6, capture=django_capture_on_commit_callbacks)
    b, b_presents = held(world, "comminges", 4, capture=django_capture_on_commit_callbacks)
    for person in a_presents:
        answer(a, person)
    for person in b_presents:
        answer(b, person)
    page = login(world["users"]["responsable"]).get(f"/bilans/programme/{programme.pk}/avis/").content.decode()
    assert _figures(login(world["users"]["responsable"]), programme) == ["masqué"]
    assert re.search(r"septembre – décembre</th>\s*<td[^>]*>10<", page)
    assert list(AvisPublication.objects.values_list("membres", flat=True))[-1].keys() == {f"fenetre:{a.fenetre_id}"}


def _visible_sets(publications, k):
    """Every set a reader of these publications can see: each figure of each, sums of one publication's
    figures of one kind, and the empty set."""
    out = [0]
    for shown in publications:
        for prefix in ("site:", "fenetre:"):
            keys = [key for key in shown if key.startswith(prefix)]
            for size in range(1, len(keys) + 1):
                for chosen in combinations(keys, size):
                    mask = 0
                    for key in chosen:
                        mask |= shown[key]
                    out.append(mask)
    return out


@pytest.mark.parametrize("seed", range(40))
def test_two_aggregates_one_reader_sees_never_differ_by_fewer_than_k_answers(seed):
    """Answers arriving at random over 4 sites and 3 windows, published after each batch: no two sets a
    reader has seen (now or before) differ by 1 to k - 1 answers."""
    rng = random.Random(seed)
    k = rng.choice([3, 5])
    cells = [(s, w) for s in range(4) for w in range(3)]
    answers: list[tuple[int, int]] = []
    publications: list[dict] = []
    for _batch in range(8):
        answers += [rng.choice(cells) for _ in range(rng.randint(1, 6))]
        current: dict[str, int] = {}
        for n, (site, window) in enumerate(answers):
            for key in (f"site:{site}", f"fenetre:{window}"):
                current[key] = current.get(key, 0) | 1 << n
        last = {}
        for shown in publications:
            last.update(shown)
        earlier = [mask for shown in publications for mask in visible_sets(shown)]
        shown, _kept = choose(current, last, earlier, k)
        publications.append(shown)
        seen = _visible_sets(publications[:-1], k) + _visible_sets([shown], k)
        assert all(mask.bit_count() >= k for mask in shown.values())
        for i, a in enumerate(seen):
            for b in seen[i + 1 :]:
                if a in _visible_sets([shown], k) or b in _visible_sets([shown], k):
                    assert not differ_too_little(a, b, k)


def test_the_providers_review_shows_the_same_protected_figures(world, django_capture_on_commit_callbacks):
    """The review of the provision (seances.review_sources.FEEDBACK) reads the published figures: nothing
    from 4 answers, the site's averages from 5, never a séance."""
    from seances import review_sources

    programme = world["programme"]
    seance, presents = held(world, "muretain", 5, capture=django_capture_on_commit_callbacks)
    for person, libre in zip(presents[:4], (5, 4, 4, 3), strict=True):
        answer(seance, person, libre=libre)
    assert review_sources.collect(programme)["avis"]["lignes"] == []
    answer(seance, presents[4], libre=2)
    lines = review_sources.collect(programme)["avis"]["lignes"]
    nom = Antenne.objects.get(code="muretain").nom
    assert {
        "libelle": f"{nom} (5 avis)",
        "valeur": (
            "Je me suis senti·e libre de parler : 3,6 · La séance m'aide dans ma pratique : 5,0 · "
            "La séance m'a aidé·e à prendre du recul : 3,0"
        ),
    } in lines
    assert not any("séance du" in line["libelle"] for line in lines)


def test_reading_unchanged_figures_takes_no_lock_and_writes_nothing(world, django_capture_on_commit_callbacks):
    """The results page and the bilan read the figures on every view: once published, a read is two SELECTs,
    never a programme row locked (which would queue every reader) nor a publication written."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bilans.feedback import feedback_published

    programme = world["programme"]
    seance, presents = held(world, "muretain", 5, capture=django_capture_on_commit_callbacks)
    for person in presents:
        answer(seance, person)
    first = feedback_published(programme)
    with CaptureQueriesContext(connection) as queries:
        assert feedback_published(programme) == first
    sql = [q["sql"].upper() for q in queries.captured_queries]
    assert not [q for q in sql if "FOR UPDATE" in q or q.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert AvisPublication.objects.filter(programme=programme).count() == 1
