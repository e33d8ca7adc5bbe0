"""Settings of the MLHG APP platform.

Every value that differs between machines is read here, once, from the
environment (see `.env.example`). The rest of the code reads `settings.X`.

Two modes:
- development (the default): DEBUG on, SQLite file, Celery eager, emails
  written as files under `var/mail/`;
- production (`MLHG_ENV=production`): DEBUG off, `SECRET_KEY` required,
  secure cookies, HSTS, HTTPS redirect.
The Content-Security-Policy and the session expiry hold in both.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


# -- typed getters -----------------------------------------------------------


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.strip() else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def get_mandatory_secret(name: str) -> str:
    """Return the variable, or stop start-up with one line naming it."""
    value = env_str(name)
    if not value:
        sys.exit(
            f"Configuration incomplète : la variable d'environnement {name} est obligatoire quand DEBUG est désactivé."
        )
    return value


# -- mode ----------------------------------------------------------------------

MLHG_ENV = env_str("MLHG_ENV", "development")
if MLHG_ENV not in {"development", "production"}:
    sys.exit(f"MLHG_ENV doit valoir development ou production (reçu : {MLHG_ENV!r}).")
PRODUCTION = MLHG_ENV == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production-1234567890"
else:
    SECRET_KEY = get_mandatory_secret("SECRET_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Several structures (Missions Locales) on one deployment (mlhg_app/routing.py): a request names its
# structure by its host name (Structure.domaine, to be listed in ALLOWED_HOSTS too) or, when this is on,
# by the path prefix /<slug>/…; with one structure, nothing to name.
STRUCTURE_PATH_PREFIX = env_bool("STRUCTURE_PATH_PREFIX", True)
# The structure (its slug) of a request that names none, when several share the deployment: the demo's
# MLHG at http://127.0.0.1:8000/, its second structure at /mlap/. Empty in production unless set: a
# request that names no structure then works for none (the portal, the login) or answers a French 404.
DEFAULT_STRUCTURE = env_str("DEFAULT_STRUCTURE", "" if PRODUCTION else "mlhg")
# The site's domain, which ends every iCalendar UID and every Message-ID the product makes
# (`<uid>@app.ml31.org`): a calendar keys its events by UID, so it never changes once in production.
SITE_DOMAIN: str = env_str("SITE_DOMAIN", "app.ml31.org")

# -- applications ----------------------------------------------------------

INSTALLED_APPS = [
    "mlhg_app.apps.MlhgAppConfig",
    "ami",
    "seances",
    "bilans",
    "mlhg_app.apps.MLHGAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mlhg_app.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mlhg_app.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mlhg_app.routing.StructureMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mlhg_app.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mlhg_app.jobs.JobsDelayedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "mlhg_app.urls"
WSGI_APPLICATION = "mlhg_app.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mlhg_app.context_processors.navigation",
            ],
        },
    },
]

# -- data ------------------------------------------------------------------------

VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # Persistent connections in production (one per worker, checked before reuse): opening a PostgreSQL
        # connection per request cost more than most pages.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
# The PostgreSQL login role of the application (`manage.py create_app_role`): not the tables' owner, so that
# the row-level security of the structures holds for it (mlhg_app/rls.py). The owner runs the migrations.
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE", "mlhg_app")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "mlhg_app.User"

# Uploaded files are private: MEDIA_ROOT is outside anything served and files
# are only downloadable through views that check the user. No MEDIA_URL route.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))


def s3_storage(
    *,
    bucket: str,
    access_key: str,
    secret_key: str,
    endpoint_url: str = "",
    region: str = "",
    addressing_style: str = "",
    prefix: str = "",
) -> dict:
    """The storage of the uploaded and generated files in a private S3 bucket (django-storages): every object
    is read and written with the keys, never public, and reaches a browser only through the views that check
    the user (no URL of the bucket is ever given out). Names never overwrite one another, as on the disk."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "access_key": access_key,
            "secret_key": secret_key,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # SeaweedFS, MinIO, Garage… answer on one host name: the bucket in the path.
            "addressing_style": addressing_style or ("path" if endpoint_url else None),
            "signature_version": "s3v4",
            "location": prefix,
            "file_overwrite": False,
            "default_acl": None,  # the bucket's own rule: private
            "querystring_auth": True,
            "querystring_expire": 60,
            # A file read from the bucket is held in memory up to 8 Mio, then in a temporary file.
            "max_memory_size": 8 * 1024 * 1024,
        },
    }


# Files on S3-compatible object storage (several application servers; README « Plusieurs serveurs ») when
# S3_BUCKET is set, else on the local disk under MEDIA_ROOT (the embedded default).
S3_BUCKET = env_str("S3_BUCKET")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if S3_BUCKET:
    for _name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
        if not env_str(_name):
            sys.exit(f"Configuration incomplète : S3_BUCKET est défini, la variable {_name} est obligatoire.")
    STORAGES["default"] = s3_storage(
        bucket=S3_BUCKET,
        access_key=env_str("S3_ACCESS_KEY_ID"),
        secret_key=env_str("S3_SECRET_ACCESS_KEY"),
        endpoint_url=env_str("S3_ENDPOINT_URL"),
        region=env_str("S3_REGION"),
        addressing_style=env_str("S3_ADDRESSING_STYLE"),
        prefix=env_str("S3_PREFIX"),
    )
STATIC_URL = "/static/"
# `make backup` writes its archives here (mlhg_app/backups.py); keep a copy off this machine.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# -- authentication ------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Our permissions are django-rules' and answered there without a query (mlhg_app/backends.py); the
    # ModelBackend logs people in (sessions name it) and answers Django's own model permissions.
    "mlhg_app.backends.RulesPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link expires after one day
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: an account + IP pair is locked for 15 minutes after 5 failures.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form field that holds the email
AXES_VERBOSE = False
# The client's address behind TRUSTED_PROXY_COUNT reverse proxies (X-Forwarded-For), the same for
# axes and the throttles; 0 (the default) ignores X-Forwarded-For, which any client could write.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "mlhg_app.client_address.client_ip"

# Two-factor authentication (TOTP, django-otp): staff and evaluators may enable it from
# /compte/; with OTP_REQUIRED_FOR_STAFF every staff page first asks staff to enrol.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", PRODUCTION)
OTP_TOTP_ISSUER = "MLHG APP"

# Throttling of the requests that send an email to an address typed by a visitor
# (registration, password reset, verification link): per address and per IP, in a
# window of an hour (mlhg_app/throttle.py), counted in the cache below.
THROTTLE_PER_ADDRESS = env_int("THROTTLE_PER_ADDRESS", 3)
THROTTLE_PER_IP = env_int("THROTTLE_PER_IP", 10)
THROTTLE_WINDOW = timedelta(hours=1)

# The cache holds the throttling counters, the failed logins (axes), the sessions (read through it) and
# computed figures (results of a decided AMI, charts). LocMem (the default) counts per process: with several
# gunicorn workers or servers, set CACHE_URL to a Redis database of its own (e.g. redis://127.0.0.1:6379/1,
# not the Celery broker's) so that they share one count (`manage.py check --deploy` warns otherwise).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    # django-axes counts the failed logins there too (atomic increments): every server sees one count, so
    # the fifth failure locks the account + IP pair whichever servers took the five. Without a shared cache
    # axes counts in the database (AccessAttempt rows), which every server shares as well.
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mlhg"}}
# Sessions live in the database; with a cache shared by every worker (CACHE_URL), they are read through it
# (cached_db): a logged-in request then costs no session query, and a log-out is seen by every worker at
# once. Never through the per-process LocMem cache: another worker would still accept a closed session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if CACHE_URL else "django.contrib.sessions.backends.db"

# Single sign-on (OpenID Connect, mozilla-django-oidc; mlhg_app/sso.py): MLHG employees (staff,
# evaluators, responsables, conseillers) log in with their organisation's account, matched by email
# to the directory; prestataires and intervenants keep their password. Off (no button, the SSO URLs
# answer 404) unless OIDC_ISSUER is set. Microsoft Entra ID: the tenant's issuer
# https://login.microsoftonline.com/<tenant id>/v2.0, redirect URI <SITE_URL>/connexion/sso/retour/.
# The endpoints are read from the issuer's discovery document unless given one by one.
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
SSO_ENABLED = bool(OIDC_ISSUER)
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
if SSO_ENABLED:
    for _name, _value in (("OIDC_CLIENT_ID", OIDC_RP_CLIENT_ID), ("OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET)):
        if not _value:
            sys.exit(f"Configuration incomplète : OIDC_ISSUER est défini, la variable {_name} est obligatoire.")
SSO_LABEL = env_str("SSO_LABEL", "Se connecter avec le compte Microsoft de la Mission Locale")
SSO_PROVIDER_NAME = env_str("SSO_PROVIDER_NAME", "Microsoft")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_URI")
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_END_SESSION_ENDPOINT")
# Logging out also offers to end the provider's session (a link: it signs the person out of every
# Microsoft application of the browser, which they may not want).
SSO_LOGOUT_AT_PROVIDER = env_bool("SSO_LOGOUT_AT_PROVIDER", True)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_CREATE_USER = False  # the directory is the source: SSO never creates anyone
OIDC_STORE_ID_TOKEN = True  # the provider's end-session link carries it as a hint
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
# The backend is always listed (it answers only the SSO callback, and only when SSO_ENABLED).
AUTHENTICATION_BACKENDS.append("mlhg_app.sso.SSOBackend")

# -- RGPD: how long data is kept (mlhg_app/retention.py, task `purge_expired`) ------------

# Dossiers of candidates not retained: years after the AMI's notification letters.
RETENTION_DOSSIER_NON_RETENU_YEARS = env_int("RETENTION_DOSSIER_NON_RETENU_YEARS", 5)
# The retained dossier and its convention: years after the end of the programme.
RETENTION_DOSSIER_RETENU_YEARS = env_int("RETENTION_DOSSIER_RETENU_YEARS", 10)
# Attendance sheets (émargements) with the billing statements (relevés): years.
RETENTION_EMARGEMENT_YEARS = env_int("RETENTION_EMARGEMENT_YEARS", 10)
# Comptes rendus: deleted once the year's bilan is validated and this many days have passed.
RETENTION_COMPTE_RENDU_GRACE_DAYS = env_int("RETENTION_COMPTE_RENDU_GRACE_DAYS", 90)
# Files made by an export job (rapport d'analyse, archive): a copy for the download, kept this many days.
RETENTION_EXPORT_DAYS = env_int("RETENTION_EXPORT_DAYS", 7)
# Participant feedback (issue 20): results are shown from FEEDBACK_K answers (never below 3); a link is
# valid FEEDBACK_DAYS days after the séance.
FEEDBACK_K = env_int("FEEDBACK_K", 5)
if FEEDBACK_K < 3:
    sys.exit("Configuration incorrecte : FEEDBACK_K vaut au moins 3 (les avis sont montrés à partir de k réponses).")
FEEDBACK_DAYS = env_int("FEEDBACK_DAYS", 30)

# -- internationalisation ------------------------------------------------------

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # years and ids bare (« 2026 », value="1002"); amounts grouped by mlhg_app.french
LOCALE_PATHS = [BASE_DIR / "locale"]

# -- email ---------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MLHG APP <ne-pas-repondre@ml31.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The MLHG's contact address shown to visitors (the accessibility statement's contact).
MLHG_CONTACT_EMAIL = env_str("MLHG_CONTACT_EMAIL", "mlhg@ml31.org")

# -- Celery ----------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without a broker, tasks run eagerly, in-process, when they are queued.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job taken by a worker that dies is given again to another one after the visibility timeout (Redis):
# longer than the slowest job (a bilan PDF takes seconds; 2 h leaves room), shorter than nothing at all.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Abandoned jobs are looked for every minute at most (every fifth of the timeout when it is short).
    "unacked_restore_interval": max(1, min(60, CELERY_VISIBILITY_TIMEOUT // 5)),
    "unacked_restore_throttle": 1,
}
# Queueing from a page when Redis is down fails fast (mlhg_app/jobs.py keeps the job for later).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict = {}  # filled in mlhg_app/celery.py, in one place

# -- forms and messages ----------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

from django.contrib.messages import constants as message_constants  # noqa: E402

MESSAGE_TAGS = {message_constants.ERROR: "danger"}

# -- logging ---------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# -- security --------------------------------------------------------------------

# Content-Security-Policy, enforced (never report-only) in every environment, so a
# violation shows up in development and in the browser tests (tests/e2e) before
# production. No inline script or style anywhere: only the vendored files of static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],  # the export pages poll their status (static/js/export-status.js)
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # Strict would log out a user who follows a link from an email
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "mlhg_app.views.health.csrf_failure"  # templates/403_csrf.html, in French
FILE_UPLOAD_PERMISSIONS = 0o640

# A session ends after SESSION_COOKIE_AGE seconds without a request (default 2 hours): a request pushes
# the expiry back, writing the session at most once every SESSION_REFRESH_SECONDS
# (mlhg_app.middleware.SlidingSessionMiddleware), not on every request.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 2)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 5 * 60)

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Hashed names (cached for a year by browsers) and gzip/brotli copies, made by collectstatic.
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    # gunicorn serves the collected static files itself (WhiteNoise), right after the security headers.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
