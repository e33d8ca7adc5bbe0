"""Samples for the séances' URLs: the demo-like programme with one séance of the conseiller's group."""


def programme(world):
    if "programme" not in world:
        from tests.seances_world import build_programme

        world["programme"] = build_programme(world["users"])
    return world["programme"]


def feed_token(world):
    """A live feed of the conseiller: the feed answers 404 for an unknown token, 200 for a valid one."""
    if "feed" not in world:
        from seances.services.own import user_feed_get_or_create

        programme(world)
        world["feed"] = user_feed_get_or_create(user=world["users"]["conseiller"])
    return world["feed"].token


SAMPLES = {
    "seances:board": lambda w: {"pk": programme(w).pk},
    "seances:sites": lambda w: {"pk": programme(w).pk},
    "seances:plan": lambda w: {"pk": programme(w).pk},
    "seances:validate_all": lambda w: {"pk": programme(w).pk},
    "seances:seance_validate": lambda w: {"pk": programme(w).seances.first().pk},
    "seances:seance_request_change": lambda w: {"pk": programme(w).seances.first().pk},
    "seances:seance_move": lambda w: {"pk": programme(w).seances.first().pk},
    "seances:seance_ics": lambda w: {"pk": programme(w).seances.first().pk},
    "seances:feed": lambda w: {"token": feed_token(w)},
}
