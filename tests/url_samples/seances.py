"""Samples for the séances' URLs: the demo-like programme with one séance of the conseiller's group."""


def programme(world):
    if "programme" not in world:
        from tests.seances_world import build_programme

        world["programme"] = build_programme(world["users"])
    return world["programme"]


SAMPLES = {
    "seances:board": lambda w: {"pk": programme(w).pk},
    "seances:sites": lambda w: {"pk": programme(w).pk},
    "seances:plan": lambda w: {"pk": programme(w).pk},
    "seances:validate_all": lambda w: {"pk": programme(w).pk},
    "seances:seance_validate": lambda w: {"pk": programme(w).seances.first().pk},
    "seances:seance_request_change": lambda w: {"pk": programme(w).seances.first().pk},
    "seances:seance_move": lambda w: {"pk": programme(w).seances.first().pk},
    "seances:seance_ics": lambda w: {"pk": programme(w).seances.first().pk},
    "seances:feed": lambda w: {"token": "jeton-inconnu"},
}
