"""The Django admin is a console for technical superusers only, read-only on the domain (issue 15): staff
never enter it (they work in the people directory and on the sites page). The console's people screen saves
through the services (hierarchy rule, group size), its sites screen is read only."""

import datetime
import html
import re

import pytest
import time_machine
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mlhg_app.models import Antenne, User
from mlhg_app.refusals import Refused
from seances import reference
from seances.models import Groupe, Seance, Theme
from tests.factories import (
    AMIFactory,
    CompteRenduFactory,
    EmargementFactory,
    IntervenantProgrammeFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from tests.web import login

# The demo-like programme is 2026-2027: its groups are the current ones during that year.
IN_THE_YEAR = datetime.datetime(2026, 10, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(users):
    """The demo-like programme, a held séance with a compte rendu (two themes) and its attendance."""
    from tests.url_samples.seances import programme, realised

    reference.load()
    w = {"users": users}
    w["programme"] = programme(w)
    seance = realised(w)
    compte_rendu = CompteRenduFactory(
        seance=seance, observations="Échanges sur la posture.", themes=Theme.objects.order_by("pk")[:2]
    )
    EmargementFactory(seance=seance, presents=seance.groupe.membres.all()[:1])
    w["seance"] = seance
    w["compte_rendu"] = compte_rendu
    return w


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="technique@exemple.fr", password="mot-de-passe-solide-42")


def _body(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8", errors="ignore")


def _user_form(user: User, **changes) -> dict:
    """The fields of the people screen, as a browser posts them."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "antenne": user.antenne_id or "",
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "date_joined_0": user.date_joined.strftime("%d/%m/%Y"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if user.is_manager:
        data["is_manager"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _seance_form(seance: Seance, **changes) -> dict:
    """The fields of the séance's admin page (before it was read-only), as a browser posts them."""
    return {
        "programme": seance.programme_id,
        "groupe": seance.groupe_id,
        "fenetre": seance.fenetre_id,
        "date": seance.date.strftime("%d/%m/%Y"),
        "heure_debut": "09:30",
        "intervenant": seance.intervenant_id,
        "status": seance.status,
    } | changes


# -- hole 4: delete-confirmation pages list the compte rendu's themes ---------------------------------


@pytest.mark.django_db
def test_hole_04_delete_pages_of_seance_and_theme_are_unreachable(world, users, superuser):
    seance = world["seance"]
    theme = world["compte_rendu"].themes.first()
    urls = [
        reverse("admin:seances_seance_delete", args=[seance.pk]),
        reverse("admin:seances_theme_delete", args=[theme.pk]),
    ]
    for client in [login(superuser)]:
        for url in urls:
            response = client.get(url)
            body = _body(response)
            assert response.status_code in {403, 404}, url
            assert "CompteRendu_themes" not in body
            assert "relationship" not in body
    assert Seance.objects.filter(pk=seance.pk).exists()
    assert world["compte_rendu"].themes.count() == 2


@pytest.mark.django_db
def test_hole_04_no_changelist_filter_goes_through_comptes_rendus_or_attendance(world, users, superuser):
    compte_rendu = world["compte_rendu"]
    emargement = world["seance"].emargement
    for url in [
        f"/admin/seances/theme/?comptes_rendus={compte_rendu.pk}",
        f"/admin/seances/theme/?comptes_rendus__seance={world['seance'].pk}",
        f"/admin/seances/seance/?compte_rendu={compte_rendu.pk}",
        "/admin/seances/seance/?compte_rendu__isnull=False",
        f"/admin/seances/seance/?emargement={emargement.pk}",
    ]:
        response = login(superuser).get(url)
        assert response.status_code == 400, url
    response = login(superuser).get(f"/admin/mlhg_app/user/?groupes_app__seances__compte_rendu={compte_rendu.pk}")
    assert response.status_code == 400


# -- hole 5: staff can become an intervenant ----------------------------------------------------------


@pytest.mark.django_db
def test_hole_05_no_password_form_for_another_person(users, superuser):
    intervenant = users["intervenant"]
    url = f"/admin/mlhg_app/user/{intervenant.pk}/password/"
    for client in [login(superuser)]:
        page = client.get(url, follow=True)
        assert page.status_code in {200, 403, 404}
        assert 'name="password1"' not in _body(page)
        client.post(url, {"password1": "Nouveau-mot-2-passe!", "password2": "Nouveau-mot-2-passe!"}, follow=True)
    intervenant.refresh_from_db()
    assert not intervenant.check_password("Nouveau-mot-2-passe!")


@pytest.mark.django_db
def test_hole_05_the_people_screen_sends_a_reset_link_instead(users, superuser):
    intervenant = users["intervenant"]
    client = login(superuser)
    page = _body(client.get(reverse("admin:mlhg_app_user_change", args=[intervenant.pk])))
    assert "/password/" not in page
    assert 'name="password' not in page
    response = client.post(
        reverse("admin:mlhg_app_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [intervenant.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 lien de réinitialisation envoyé." in _body(response)
    assert [m.to for m in mail.outbox] == [[intervenant.email]]
    assert mail.outbox[0].subject == "Réinitialisation de votre mot de passe – MLHG APP"
    link = re.search(r"https://app\.test(/\S+/)", mail.outbox[0].body).group(1)
    assert link.startswith("/mot-de-passe-oublie/")


@pytest.mark.django_db
def test_hole_05_the_email_of_an_account_cannot_be_changed_in_the_console(users, superuser):
    """Otherwise an account would be pointed to another address, then a reset link asked for it."""
    intervenant = users["intervenant"]
    client = login(superuser)
    url = reverse("admin:mlhg_app_user_change", args=[intervenant.pk])
    client.post(url, _user_form(intervenant, email="perso@exemple.fr"))
    intervenant.refresh_from_db()
    assert intervenant.email == "intervenant@exemple.fr"


@pytest.mark.django_db
def test_hole_05_seance_intervenant_and_intervenant_account_cannot_be_changed(world, users, superuser):
    seance = world["seance"]
    other = IntervenantProgrammeFactory(
        programme=world["programme"], prenom="Autre", nom="Animatrice", email="autre@exemple.fr"
    )
    intervenant = seance.intervenant
    for client in [login(superuser)]:
        response = client.post(
            reverse("admin:seances_seance_change", args=[seance.pk]), _seance_form(seance, intervenant=other.pk)
        )
        assert response.status_code == 403
        response = client.post(
            reverse("admin:seances_intervenantprogramme_change", args=[intervenant.pk]),
            {
                "programme": intervenant.programme_id,
                "user": users["staff"].pk,
                "prenom": intervenant.prenom,
                "nom": intervenant.nom,
                "email": intervenant.email,
                "antennes": [a.pk for a in intervenant.antennes.all()],
            },
        )
        assert response.status_code == 403
    seance.refresh_from_db()
    intervenant.refresh_from_db()
    assert seance.intervenant_id == intervenant.pk
    assert intervenant.user_id == users["intervenant"].pk


@pytest.mark.django_db
def test_hole_05_no_totp_secret_in_the_admin(users, superuser):
    colleague = UserFactory(email="collegue@exemple.fr", role=User.Role.STAFF, is_staff=True)
    device = TOTPDeviceFactory(user=colleague)
    key = device.key
    for client in [login(superuser)]:
        for url in [
            f"/admin/otp_totp/totpdevice/{device.pk}/config/",
            f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
            f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        ]:
            response = client.get(url)
            assert response.status_code in {403, 404}, url
            assert key not in _body(response)


@pytest.mark.django_db
def test_hole_05_a_lost_phone_is_reset_without_showing_the_key(users, superuser):
    colleague = UserFactory(email="collegue@exemple.fr", role=User.Role.STAFF, is_staff=True)
    TOTPDeviceFactory(user=colleague)
    response = login(superuser).post(
        reverse("admin:mlhg_app_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [colleague.pk]},
        follow=True,
    )
    assert "Double authentification réinitialisée pour 1 compte(s)" in _body(response)
    assert not TOTPDevice.objects.filter(user=colleague).exists()


@pytest.mark.django_db
def test_hole_05_staff_hold_no_model_permission(users, world):
    """Issue 15: staff's work needs no admin page, so they hold none of the admin's model permissions."""
    staff = User.objects.get(pk=users["staff"].pk)
    for perm in [
        "seances.change_seance",
        "seances.delete_theme",
        "seances.change_intervenantprogramme",
        "seances.change_groupe",
        "ami.change_ami",
        "ami.delete_dossier",
        "otp_totp.view_totpdevice",
        "otp_totp.change_totpdevice",
        "mlhg_app.view_user",
        "mlhg_app.change_user",
        "mlhg_app.add_user",
        "mlhg_app.delete_user",
        "mlhg_app.view_antenne",
        "mlhg_app.change_antenne",
        "mlhg_app.view_outgoingmessage",
    ]:
        assert not staff.has_perm(perm), perm
    assert not staff.has_module_perms("mlhg_app")
    assert not users["responsable"].has_perm("mlhg_app.change_user")


@pytest.mark.django_db
def test_hole_05_a_superuser_holds_no_product_permission_by_the_flag_alone(superuser):
    """The console reads the flag itself; the product's pages ask the role's rules (a superuser is staff)."""
    for perm in ["seances.record", "ami.evaluate", "ami.use_portal", "bilans.write", "seances.validate"]:
        assert not superuser.has_perm(perm), perm
    assert superuser.has_perm("ami.manage_selection")  # the role staff's


# -- hole 10: a manager in a group ---------------------------------------------------------------------


@pytest.mark.django_db
def test_hole_10_the_group_admin_adds_no_one(world, users, superuser):
    groupe = world["seance"].groupe
    before = set(groupe.membres.values_list("pk", flat=True))
    for client in [login(superuser)]:
        response = client.post(
            reverse("admin:seances_groupe_change", args=[groupe.pk]),
            {
                "programme": groupe.programme_id,
                "antenne": groupe.antenne_id,
                "numero": groupe.numero,
                "nb_groupes_site": groupe.nb_groupes_site,
                "membres": [*before, users["responsable"].pk],
            },
        )
        assert response.status_code == 403
    assert set(groupe.membres.values_list("pk", flat=True)) == before


@pytest.mark.django_db
@time_machine.travel(IN_THE_YEAR, tick=False)
def test_hole_10_a_member_flagged_manager_is_refused_naming_his_groups(world, users, superuser):
    member = users["conseiller"]
    groupe = Groupe.objects.get(membres=member)
    client = login(superuser)
    url = reverse("admin:mlhg_app_user_change", args=[member.pk])
    response = client.post(url, _user_form(member, is_manager="on"))
    assert response.status_code == 200
    page = html.unescape(_body(response))
    assert (
        f"{member.get_full_name()} est encadrant hiérarchique : il ne peut pas être membre d'un groupe d'APP "
        "(séances hors présence hiérarchique, AMI §5.1)." in page
    )
    assert f"Membre de : {groupe} ({groupe.programme}). Retirez-le d'abord de ce groupe." in page
    member.refresh_from_db()
    assert member.is_manager is False
    assert groupe.membres.filter(pk=member.pk).exists()
    # the same member, made responsable, or moved to another site: refused the same way
    other_site = Antenne.objects.exclude(pk=member.antenne_id).order_by("pk").first()
    for changes in [{"role": "responsable", "antenne": ""}, {"antenne": other_site.pk}]:
        response = client.post(url, _user_form(member, **changes))
        assert response.status_code == 200
        assert f"Membre de : {groupe} ({groupe.programme})." in html.unescape(_body(response))
    member.refresh_from_db()
    assert (member.role, member.antenne_id, member.is_manager) == ("conseiller", groupe.antenne_id, False)


@pytest.mark.django_db
def test_hole_10_a_conseiller_in_no_group_can_be_flagged_manager(world, users, superuser):
    outsider = UserFactory(email="cadre@exemple.fr", role="conseiller", antenne=world["seance"].groupe.antenne)
    response = login(superuser).post(
        reverse("admin:mlhg_app_user_change", args=[outsider.pk]), _user_form(outsider, is_manager="on")
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.is_manager is True


@pytest.mark.django_db
@time_machine.travel(IN_THE_YEAR, tick=False)
def test_hole_10_the_group_services_use_the_same_check(world, users):
    from seances.services.programme import groupe_add_member

    groupe = Groupe.objects.get(membres=users["conseiller"])
    with pytest.raises(Refused, match="est encadrant hiérarchique : il ne peut pas être membre"):
        groupe_add_member(groupe=groupe, user=users["responsable"])
    assert not groupe.membres.filter(pk=users["responsable"].pk).exists()


@pytest.mark.django_db
def test_a_person_added_in_the_admin_is_invited_without_a_password(
    users, superuser, django_capture_on_commit_callbacks
):
    client = login(superuser)
    page = _body(client.get(reverse("admin:mlhg_app_user_add")))
    assert 'name="password1"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:mlhg_app_user_add"),
            {"email": "Nouvelle@Exemple.fr", "first_name": "Inès", "last_name": "Garcia", "role": "responsable"},
        )
    assert response.status_code == 302
    person = User.objects.get(email="nouvelle@exemple.fr")
    assert (person.role, person.is_staff, person.has_usable_password()) == ("responsable", False, False)
    assert [m.to for m in mail.outbox] == [["nouvelle@exemple.fr"]]
    refused = client.post(
        reverse("admin:mlhg_app_user_add"),
        {"email": "NOUVELLE@exemple.fr", "first_name": "Paul", "last_name": "Roux", "role": "responsable"},
    )
    assert refused.status_code == 200
    assert User.objects.filter(email__iexact="nouvelle@exemple.fr").count() == 1


@pytest.mark.django_db
def test_a_superuser_enters_the_console_with_the_second_factor_only(superuser, settings):
    from django.test import Client

    settings.OTP_REQUIRED_FOR_STAFF = True
    client = Client()
    client.post(reverse("admin:login"), {"username": superuser.email, "password": "mot-de-passe-solide-42"})
    response = client.get(reverse("admin:seances_seance_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))


# -- hole 11: the admin bypasses every service rule ---------------------------------------------------


@pytest.mark.django_db
def test_hole_11_a_seance_cannot_be_saved_realisee_on_a_saturday_in_august(world, users, superuser):
    seance = world["programme"].seances.exclude(pk=world["seance"].pk).exclude(status="realisee").first()
    before = (seance.date, seance.status)
    for client in [login(superuser)]:
        response = client.post(
            reverse("admin:seances_seance_change", args=[seance.pk]),
            _seance_form(seance, date="14/08/2027", status="realisee"),
        )
        assert response.status_code == 403
        assert client.get(reverse("admin:seances_seance_add")).status_code == 403
    seance.refresh_from_db()
    assert (seance.date, seance.status) == before
    assert datetime.date(2027, 8, 14).weekday() == 5


# -- the console: who enters, what it shows -------------------------------------------------------------


@pytest.mark.django_db
def test_superusers_read_the_domain_staff_do_not_enter(world, users, superuser):
    staff = login(users["staff"])
    for url in [
        reverse("admin:index"),
        reverse("admin:mlhg_app_user_changelist"),
        reverse("admin:mlhg_app_user_change", args=[users["conseiller"].pk]),
        reverse("admin:mlhg_app_antenne_changelist"),
        reverse("admin:seances_seance_changelist"),
    ]:
        response = staff.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url
    # the staff's menu has no link to the console; the superuser's has « Console technique »
    home = html.unescape(_body(staff.get(reverse("home"))))
    assert "/admin/" not in home and "Console technique" not in home and "Administration</a>" not in home
    root = login(superuser)
    assert 'href="/admin/">Console technique</a>' in _body(root.get(reverse("home")))
    index = _body(root.get(reverse("admin:index")))
    assert "/admin/mlhg_app/user/" in index and "/admin/seances/" in index
    assert root.get(reverse("admin:seances_seance_changelist")).status_code == 200
    page = _body(root.get(reverse("admin:seances_seance_change", args=[world["seance"].pk])))
    assert 'name="intervenant"' not in page and 'name="_save"' not in page


@pytest.mark.django_db
def test_a_staff_member_posting_to_the_people_screen_changes_no_one(users):
    conseiller = users["conseiller"]
    response = login(users["staff"]).post(
        reverse("admin:mlhg_app_user_change", args=[conseiller.pk]), _user_form(conseiller, last_name="Changé")
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    conseiller.refresh_from_db()
    assert conseiller.last_name != "Changé"


@pytest.mark.django_db
def test_the_sites_screen_of_the_console_is_read_only(users, superuser):
    antenne = users["conseiller"].antenne
    root = login(superuser)
    assert root.get(reverse("admin:mlhg_app_antenne_add")).status_code == 403
    page = _body(root.get(reverse("admin:mlhg_app_antenne_change", args=[antenne.pk])))
    assert 'name="_save"' not in page and 'name="nom"' not in page
    response = root.post(
        reverse("admin:mlhg_app_antenne_change", args=[antenne.pk]),
        {"nom": "Renommé", "adresse": antenne.adresse, "code_postal": antenne.code_postal, "ville": antenne.ville},
    )
    assert response.status_code == 403
    antenne.refresh_from_db()
    assert antenne.nom != "Renommé"


def _admin_urls():
    yield reverse("admin:index")
    for model in admin.site._registry:
        label = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{label}_changelist")
        yield reverse(f"{label}_add")
        for obj in model._default_manager.order_by("pk")[:3]:
            for view in ["change", "delete", "history"]:
                yield reverse(f"{label}_{view}", args=[obj.pk])
        if model is User:
            for obj in model._default_manager.order_by("pk")[:3]:
                yield f"/admin/mlhg_app/user/{obj.pk}/password/"


@pytest.mark.django_db
def test_the_admin_shows_no_theme_of_a_seance_no_totp_key_no_password_hash(world, users, superuser):
    colleague = UserFactory(email="collegue@exemple.fr", role=User.Role.STAFF, is_staff=True)
    key = TOTPDeviceFactory(user=colleague).key
    seance = world["seance"]
    themes = [str(t.libelle) for t in world["compte_rendu"].themes.all()]
    hashes = [u.password for u in User.objects.exclude(password="")]
    pages = 0
    for client in [login(superuser)]:
        for url in _admin_urls():
            response = client.get(url)
            assert response.status_code in {200, 302, 403, 404}, url
            body = _body(response)
            text = html.unescape(body)
            pages += response.status_code == 200
            assert "CompteRendu_themes" not in body and "relationship" not in body, url
            assert "compte rendu" not in text.lower() or "/seances/theme/" not in url, url
            assert key not in body and world["compte_rendu"].observations not in text, url
            assert not any(h and h in body for h in hashes), url
            assert "md5$" not in body and "pbkdf2" not in body, url
            if "/seances/seance/" in url or "/seances/groupe/" in url:
                assert not any(t in text for t in themes), url
            if "/seances/theme/" in url:
                assert str(seance) not in text and seance.date.strftime("%d/%m/%Y") not in text, url
            assert "Émargement" not in text and "présents" not in text.lower(), url
    assert pages > 30


@pytest.mark.django_db
def test_staff_pages_offer_no_link_to_the_admin_only_a_superuser_s_menu_does(users, superuser):
    """Issue 15: staff's work needs no /admin/ page; their home and the committee page say where to go instead."""
    ami = AMIFactory(reference="ami-sans-evaluateur")
    staff = login(users["staff"])
    User.objects.filter(role="evaluateur").delete()
    for url in (reverse("home"), reverse("ami:committee", args=[ami.reference])):
        page = _body(staff.get(url))
        assert 'href="/admin/' not in page, url
    committee = html.unescape(_body(staff.get(reverse("ami:committee", args=[ami.reference]))))
    assert "Aucun compte évaluateur." in committee
    assert f'href="{reverse("people_create")}"' in committee and f'href="{reverse("people_import")}"' in committee
    assert 'href="/admin/"' in _body(login(superuser).get(reverse("home")))
