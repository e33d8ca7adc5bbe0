SAMPLES = {
    "password_reset_confirm": lambda world: {"uidb64": "MQ", "token": "jeton-invalide"},
}
