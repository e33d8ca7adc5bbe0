"""The programme year: from the convention, sub-groups, members, séances due."""

import pytest
from django.urls import reverse

from mlhg_app.models import Antenne, User
from mlhg_app.refusals import Refused
from seances.group_sizes import default_group_count, split_sizes
from seances.models import Groupe
from seances.selectors import seances_due
from seances.services.programme import groupe_add_member, groupe_remove_member, site_set_groups
from tests.factories import UserFactory
from tests.seances_world import build_programme
from tests.web import login


def test_default_sub_groups_and_balanced_sizes():
    assert default_group_count(17) == 1
    assert default_group_count(18) == 2
    assert default_group_count(0) == 1
    assert split_sizes(20, 2) == [10, 10]
    assert split_sizes(35, 3) == [12, 12, 11]
    assert split_sizes(9, 1) == [9]


@pytest.fixture
def programme(users):
    return build_programme(users)


@pytest.mark.django_db
def test_more_sub_groups_need_a_justification_and_members_are_rebalanced(programme):
    muret = Antenne.objects.get(code="muretain")
    # 20 active conseillers in the directory (the fixture's one and 19 more): the site's headcount.
    for i in range(19):
        UserFactory(email=f"cm{i}@ml31.org", role="conseiller", antenne=muret, last_name=f"Membre{i}")
    UserFactory(email="chef@ml31.org", role="conseiller", antenne=muret, is_manager=True, last_name="Chef")
    site = programme.sites.get(antenne=muret)
    with pytest.raises(Refused, match="20 conseillers demandent au moins 2 groupe"):
        site_set_groups(site=site, nb_groupes=1)
    site_set_groups(site=site, nb_groupes=2)
    groupes = list(Groupe.objects.filter(programme=programme, antenne=muret).order_by("numero"))
    assert [str(g) for g in groupes] == ["Antenne Muretain – sous-groupe 1/2", "Antenne Muretain – sous-groupe 2/2"]
    sizes = sorted(g.membres.count() for g in groupes)
    assert sizes == [10, 10]  # 20 eligible conseillers (the manager is never placed nor counted)
    assert not Groupe.objects.filter(membres__email="chef@ml31.org").exists()
    with pytest.raises(Refused, match="justifiez le choix de 3 sous-groupes"):
        site_set_groups(site=site, nb_groupes=3)
    site_set_groups(site=site, nb_groupes=3, justification="Deux équipes aux horaires décalés.")
    assert Groupe.objects.filter(programme=programme, antenne=muret).count() == 3
    due = seances_due(programme)
    assert due["total"] == (6 + 3) * 3
    assert due["minimum"] == 21


def _refused_here_and_on_the_page(programme, staff, groupe, user):
    """Adding `user` to `groupe` is refused by the service, then asked by `staff` on the sites page: the refusal's
    message and the page shown after the post."""
    with pytest.raises(Refused) as refusal:
        groupe_add_member(groupe=groupe, user=user)
    response = login(staff).post(
        reverse("seances:sites", args=[programme.pk]),
        {"action": "ajouter", "groupe": groupe.pk, "user": user.pk},
        follow=True,
    )
    return str(refusal.value), response.content.decode()


@pytest.mark.django_db
def test_a_line_manager_is_refused_with_a_message(programme, users):
    chef = UserFactory(
        email="chef.muret@ml31.org",
        role="conseiller",
        antenne=users["conseiller"].antenne,
        is_manager=True,
        first_name="Olivier",
        last_name="Ribes",
    )
    groupe = Groupe.objects.get(programme=programme, antenne=users["conseiller"].antenne)
    message, page = _refused_here_and_on_the_page(programme, users["staff"], groupe, chef)
    assert message == (
        "Olivier Ribes est encadrant hiérarchique : il ne peut pas être membre d'un groupe d'APP "
        "(séances hors présence hiérarchique, AMI §5.1)."
    )
    assert "Olivier Ribes est encadrant hiérarchique" in page
    assert not groupe.membres.filter(pk=chef.pk).exists()
    with pytest.raises(Refused):
        groupe_add_member(groupe=groupe, user=users["responsable"])
    assert User.objects.get(pk=users["responsable"].pk).is_line_manager


@pytest.mark.django_db
def test_the_sites_page_shows_due_counts_and_the_size_warning(programme, users):
    muret = users["conseiller"].antenne
    for i in range(15):  # 16 conseillers in the site's one group
        UserFactory(email=f"cm{i}@ml31.org", role="conseiller", antenne=muret, last_name=f"Membre{i}")
    site_set_groups(site=programme.sites.get(antenne=muret), nb_groupes=1)
    page = login(users["staff"]).get(reverse("seances:sites", args=[programme.pk])).content.decode()
    assert (
        "Séances dues sur l&#x27;année : <strong>21</strong>" in page
        or "Séances dues sur l'année : <strong>21</strong>" in page
    )
    assert "dépasse la taille usuelle de la méthode (8 personnes pour codéveloppement professionnel)" in page


@pytest.mark.django_db
def test_the_sites_page_never_offers_a_line_manager_as_a_member(programme, users):
    """Seed §5.1 (séances hors présence hiérarchique): the « add a member » list holds only the conseillers
    the service would accept; a line manager of the site is not offered (he would only be refused)."""
    muret = users["conseiller"].antenne
    UserFactory(email="chef@ml31.org", role="conseiller", antenne=muret, is_manager=True, last_name="Chefdequipe")
    UserFactory(email="nouvelle@ml31.org", role="conseiller", antenne=muret, last_name="Nouvelle")
    page = login(users["staff"]).get(reverse("seances:sites", args=[programme.pk])).content.decode()
    assert "Nouvelle" in page
    assert "Chefdequipe" not in page and "(encadrant)" not in page


@pytest.mark.django_db
def test_a_group_of_17_refuses_an_18th_member_and_offers_a_new_split(programme, users):
    muret = users["conseiller"].antenne
    for i in range(16):
        UserFactory(email=f"cm{i}@ml31.org", role="conseiller", antenne=muret, last_name=f"Membre{i}")
    site = programme.sites.get(antenne=muret)
    site_set_groups(site=site, nb_groupes=1)
    groupe = Groupe.objects.get(programme=programme, antenne=muret)
    assert groupe.membres.count() == 17
    newcomer = UserFactory(
        email="nouveau@ml31.org", role="conseiller", antenne=muret, first_name="Noé", last_name="Neuf"
    )
    message, page = _refused_here_and_on_the_page(programme, users["staff"], groupe, newcomer)
    assert message == (
        "Ce groupe compte déjà 17 membres (17 au plus par groupe ou sous-groupe) : "
        "passez le site à 2 sous-groupes pour y ajouter Noé Neuf."
    )
    assert "Ce groupe compte déjà 17 membres" in page
    assert groupe.membres.count() == 17
    # the site's headcount is its members (17), not the directory's 18 conseillers
    assert 'Antenne Muretain <span class="text-muted small">– 17 membres, 1 groupe (17)' in page


@pytest.mark.django_db
def test_the_sites_page_counts_a_site_by_its_members(programme, users):
    muret = users["conseiller"].antenne
    for i in range(3):
        UserFactory(email=f"cm{i}@ml31.org", role="conseiller", antenne=muret, last_name=f"Membre{i}")
    site_set_groups(site=programme.sites.get(antenne=muret), nb_groupes=1)
    groupe = Groupe.objects.get(programme=programme, antenne=muret)
    groupe_remove_member(groupe=groupe, user=users["conseiller"])
    page = login(users["staff"]).get(reverse("seances:sites", args=[programme.pk])).content.decode()
    assert 'Antenne Muretain <span class="text-muted small">– 3 membres, 1 groupe (3)' in page


def select_options(page: str, select_id: str) -> list[tuple[str, str]]:
    """The (value, label) of each option of the <select id=select_id> of the page."""
    import re

    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert found, select_id
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', found.group(1))


@pytest.mark.django_db
def test_the_sites_page_lists_a_site_s_conseillers_once_with_bare_ids_that_can_be_submitted(programme, users):
    """Issue 18: one list of candidates per site (not one per group), and ids never localized: at pk 1002 an
    option's value is « 1002 », never « 1 002 » (which the form could not submit)."""
    muret = users["conseiller"].antenne
    UserFactory(pk=1002, email="n1002@ml31.org", role="conseiller", antenne=muret, last_name="Millezéro")
    site = programme.sites.get(antenne=muret)
    site_set_groups(site=site, nb_groupes=1)
    Groupe.objects.create(pk=1002, programme=programme, antenne=muret, numero=2, nb_groupes_site=2)
    page = login(users["staff"]).get(reverse("seances:sites", args=[programme.pk])).content.decode()
    assert page.count('name="user" id="ajout-') == programme.sites.count()  # one list a site, not one a group
    candidates = select_options(page, f"ajout-{site.pk}")
    assert ("1002", "Millezéro") in [(value, label.split()[-1]) for value, label in candidates]
    assert [value for value, _label in select_options(page, f"groupe-{site.pk}")][-1] == "1002"
    assert "1 002" not in page and "1\u202f002" not in page and "1\xa0002" not in page
    # the values as the browser sends them
    response = login(users["staff"]).post(
        reverse("seances:sites", args=[programme.pk]),
        {"action": "ajouter", "groupe": "1002", "user": "1002"},
        follow=True,
    )
    assert response.status_code == 200
    assert list(Groupe.objects.get(pk=1002).membres.values_list("pk", flat=True)) == [1002]


@pytest.mark.django_db
def test_each_site_form_shows_its_own_saved_split_and_justification_and_each_group_its_members(programme, users):
    """The sites' forms are stamped from one crispy rendering (seances.views.board.site_form_fields): each still
    reads as crispy writes that site's fields, with its prefix, number of groups and justification (escaped);
    each group lists its own members with their « retirer » button."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from seances.forms.board import SiteForm

    muret = users["conseiller"].antenne
    UserFactory(email="cm@ml31.org", role="conseiller", antenne=muret, first_name="Zoé", last_name="<Zèbre> & co")
    site_set_groups(
        site=programme.sites.get(antenne=muret), nb_groupes=2, justification="Deux <b>salles</b> & « plus »"
    )
    page = login(users["staff"]).get(reverse("seances:sites", args=[programme.pk])).content.decode()
    for site in programme.sites.all():
        form = SiteForm(
            prefix=f"s{site.pk}", initial={"nb_groupes": site.nb_groupes, "justification": site.justification}
        )
        assert str(as_crispy_field(form["nb_groupes"])) in page, site
        assert str(as_crispy_field(form["justification"])) in page, site
    assert "Deux &lt;b&gt;salles&lt;/b&gt; &amp; « plus »" in page
    zoe = User.objects.get(email="cm@ml31.org")
    assert (
        f'<li>Zoé &lt;Zèbre&gt; &amp; co <button type="submit" name="user" value="{zoe.pk}" class="btn btn-link '
        'btn-sm p-0" data-confirm="Retirer Zoé &lt;Zèbre&gt; &amp; co du groupe ?">retirer</button></li>' in page
    )
    empty = Groupe.objects.filter(programme=programme).exclude(membres__isnull=False).count()
    assert page.count('<li class="text-muted">Aucun membre.</li>') == empty
