def _seance_history(world):
    from tests.url_samples.seances import seance

    return {"label": "seances.seance", "pk": seance(world).pk}


SAMPLES = {
    "password_reset_confirm": lambda world: {"uidb64": "MQ", "token": "jeton-invalide"},
    "history": _seance_history,
}
