"""The directory of people, as staff run it: invite, edit, deactivate and reactivate a person.

Every change goes through `mlhg_app/services/users.py` (`user_invite`, `user_update` and its checks:
no role `staff` given or taken but by a technical superuser, the hierarchy rule on group memberships).
A deactivated person leaves the groups of the later apps (`mlhg_app.departures`, filled by seances) and
can no longer log in; their history is kept (django-simple-history on `User`).
"""

from django.db import transaction

from mlhg_app import departures, twofactor
from mlhg_app.models import Antenne, User
from mlhg_app.refusals import Refused
from mlhg_app.selectors import antenne_headcounts
from mlhg_app.services.users import user_invite, user_update, user_update_check

EMAIL_TAKEN = "L'adresse {email} est déjà celle de {person} : modifiez cette personne plutôt que d'en créer une autre."
# Taken by an account this structure does not hold (another Mission Locale's, a provider's): never named.
EMAIL_TAKEN_ELSEWHERE = "L'adresse {email} est déjà celle d'un compte de la plateforme : choisissez-en une autre."


def person_check(*, role: str, antenne: Antenne | None) -> None:
    """Refuse what no person may be: a conseiller without a site."""
    if role == User.Role.CONSEILLER and antenne is None:
        raise Refused("Un conseiller doit être rattaché à un site.", field="antenne")


def person_invite(
    *, by: User, email: str, first_name: str, last_name: str, role: str, antenne=None, is_manager: bool = False
) -> User:
    """Create a person and send their invitation (a link to choose a password; nobody sets it for them).

    Refused: an address already taken (whatever its case), a conseiller without a site, the role `staff`
    given by anyone but a technical superuser. Side effects: one user; after commit, the invitation.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    taken = User.objects.filter(email__iexact=email).first()
    if taken is not None:
        if not User.objects.in_structure().filter(pk=taken.pk).exists():
            raise Refused(EMAIL_TAKEN_ELSEWHERE.format(email=email), field="email")
        raise Refused(EMAIL_TAKEN.format(email=email, person=taken), field="email")
    person_check(role=role, antenne=antenne)
    user_update_check(user=User(email=email), by=by, role=role, antenne=antenne, is_manager=is_manager)
    return user_invite(
        email=email, first_name=first_name, last_name=last_name, role=role, antenne=antenne, is_manager=is_manager
    )


def person_update(
    *, user: User, by: User, first_name: str, last_name: str, role: str, antenne, is_manager: bool
) -> User:
    """Change a person's name, role, site or manager flag (`user_update`: a change that would break a group
    membership is refused and names the groups). Side effects: the user saved, its history recorded."""
    person_check(role=role, antenne=antenne)
    if user.is_superuser and not by.is_superuser:
        raise Refused("Le compte d'un administrateur technique ne se modifie pas ici.")
    return user_update(
        user=user,
        by=by,
        first_name=first_name,
        last_name=last_name,
        role=role,
        antenne=antenne,
        is_manager=is_manager,
        is_active=user.is_active,
    )


@transaction.atomic
def person_twofactor_reset(*, user: User, by: User) -> bool:
    """A lost phone: remove the person's TOTP device (no key shown); they enrol again at their next login.
    Returns whether they had one.

    Refused: a technical superuser's account (but by a superuser). Side effects: the devices deleted."""
    if user.is_superuser and not by.is_superuser:
        raise Refused("La double authentification d'un administrateur technique ne se réinitialise pas ici.")
    return twofactor.twofactor_reset(users=User.objects.filter(pk=user.pk)) > 0


def person_deactivate(*, user: User, by: User) -> list[str]:
    """Deactivate a person who leaves: they can no longer log in (their open sessions end at the next
    page), they leave their APP groups of programme years not yet over (their convocations still to come
    are withdrawn), and everything they did stays, with their history. Returns the groups left, in French.

    Refused: oneself, a technical superuser's account (but by a superuser). Side effects: the user saved;
    the memberships removed (`mlhg_app.departures`).
    """
    if user.pk == by.pk:
        raise Refused("Vous ne pouvez pas désactiver votre propre compte.")
    if user.is_superuser and not by.is_superuser:
        raise Refused("Le compte d'un administrateur technique ne se désactive pas ici.")
    if not user.is_active:
        return []
    with transaction.atomic():
        left = departures.leave_all(user)
        _set_active(user=user, by=by, is_active=False)
    return left


def person_reactivate(*, user: User, by: User) -> User:
    """Reactivate a person who comes back: they log in again (with their password, or a new invitation);
    they join no group by themselves (staff place them on the programme's sites page).
    Side effects: the user saved."""
    if user.is_active:
        return user
    return _set_active(user=user, by=by, is_active=True)


def _set_active(*, user: User, by: User, is_active: bool) -> User:
    """`user_update` of the activity alone: the person's name, role, site and manager flag are kept."""
    kept = {name: getattr(user, name) for name in ("first_name", "last_name", "role", "antenne", "is_manager")}
    return user_update(user=user, by=by, is_active=is_active, **kept)


def headcount_warnings(*, headcounts: dict[int, int] | None = None) -> list[str]:
    """What staff must adjust in the programme once the directory changed: each site whose headcount
    (`headcounts` by site id, by default read from the directory) its planned groups cannot hold."""
    # late: seances depends on mlhg_app (bilans → seances → ami → mlhg_app), not the reverse
    from seances.services.programme import antenne_headcount_check

    headcounts = antenne_headcounts() if headcounts is None else headcounts
    warnings = []
    for antenne in Antenne.objects.filter(pk__in=headcounts):
        try:
            antenne_headcount_check(antenne=antenne, effectif=headcounts[antenne.pk])
        except Refused as refusal:
            warnings.append(str(refusal))
    return warnings
