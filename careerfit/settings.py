"""CareerFit settings: one module, configured through environment variables (see
docs/deployment.md for the list)."""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from careerfit.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

# Serving requests (gunicorn through careerfit.wsgi/asgi, or runserver) needs a real key:
# sessions, CSRF tokens and password-reset links are signed with it. Commands that serve
# nothing (makemigrations, migrate, import_matrix) may run without one.
SERVING = env_bool("CAREERFIT_SERVING", default=False) or sys.argv[1:2] == ["runserver"]

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    # Without DEBUG, a throwaway: nothing signed with it outlives a command that serves
    # nothing, and serving refuses to start without a real key (at the end of this module).
    SECRET_KEY = "insecure-local-development-key" if DEBUG else secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
ALLOWED_HOSTS_SET = "ALLOWED_HOSTS" in os.environ
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "careerfit",
    "roles",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "careerfit.middleware.private_pages_not_cached",
]

ROOT_URLCONF = "careerfit.urls"
WSGI_APPLICATION = "careerfit.wsgi.application"

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
            ],
        },
    },
    # The report's body (templates/assessments/*.jinja; assessments/report_views.py says why).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "careerfit.templating.environment"},
    },
]

# Databases: SQLite by default; DATABASE_URL (postgres://...) for anything beyond one machine.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so concurrent
                # writers wait for the busy timeout instead of failing on lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_TIMEOUT", 20),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not memory, so that live-server tests see real locking and WAL.
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH", str(BASE_DIR / ".test-db.sqlite3"))},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:list"
LOGOUT_REDIRECT_URL = "home"

# Lock a username at one address after repeated failures, and a whole address after many
# failures across usernames (one password sprayed over many accounts); the lock lifts after
# the cool-off, so an attacker cannot keep a real user out for good. The log-in form, the
# password change form and the delete-account form all count (careerfit.throttling).
AXES_HANDLER = "careerfit.throttling.LoginThrottle"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Behind PROXY_COUNT reverse proxies, each appending to X-Forwarded-For, the client's address
# is the PROXY_COUNT-th from the right (careerfit.proxy); without a proxy, REMOTE_ADDR. The
# proxy is also trusted to say whether the client used HTTPS, and nothing else is: without a
# proxy, a client could claim HTTPS with the header itself.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "careerfit.proxy.client_ip"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PROXY_COUNT else None

# In the database, read once a request: a cache in front of it (cached_db) would have to be
# shared by every app process, or a log-out on one process would leave the session alive in
# the others' caches (their copies outlive the row); the site runs no shared cache.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Without EMAIL_HOST, mail is printed to the console: fine for development, never for
# production, where it would print password-reset links to the logs (serving refuses below).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CareerFit <noreply@localhost>")
# Mail leaves on a background thread of the app process (careerfit.mail), so no request waits
# for the mail server and a password reset takes as long for a known address as an unknown
# one. In development it is sent at once, in the request.
EMAIL_IN_BACKGROUND = env_bool("EMAIL_IN_BACKGROUND", default=not DEBUG)

# Mentor invitations (assessments.models.mentoring): how long a link works, how many a seeker
# may e-mail in 24 hours (new or sent again), and how soon the same address may be e-mailed
# again (the link itself can be copied from the mentoring page meanwhile).
MENTOR_INVITATION_DAYS = env_int("MENTOR_INVITATION_DAYS", 14)
MENTOR_INVITATIONS_PER_DAY = env_int("MENTOR_INVITATIONS_PER_DAY", 10)
MENTOR_INVITATION_RESEND_MINUTES = env_int("MENTOR_INVITATION_RESEND_MINUTES", 60)

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Health checks come over plain HTTP from the proxy or the orchestrator.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Every page: scripts, styles, images and requests from this site only; no inline code, no
# eval (htmx is configured with allowEval false in base.html), no plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the site never uses, denied to it and to anything it could embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes reports every successful login at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Production (serving with DEBUG off) refuses to start without the settings that matter,
# naming every one that is missing.
if SERVING and not DEBUG:
    _missing = [
        problem
        for problem, missing in (
            (
                "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
                "(or DEBUG=1 for local development only).",
                not env_str("SECRET_KEY"),
            ),
            (
                "ALLOWED_HOSTS is not set. Set it to the host names the site answers to, "
                "comma-separated.",
                not ALLOWED_HOSTS_SET or not ALLOWED_HOSTS,
            ),
            (
                "EMAIL_HOST is not set. Set EMAIL_HOST (and EMAIL_HOST_USER/PASSWORD) so that "
                "password-reset and sign-up mail is sent, not printed to the logs.",
                not EMAIL_HOST,
            ),
        )
        if missing
    ]
    if _missing:
        raise ImproperlyConfigured(" ".join(_missing))
