"""Kaft settings. Everything that differs between machines comes from the environment.

See the table in README.md for every variable. Nothing here is read by a domain module at import
time; domain code reads ``django.conf.settings`` when it runs.
"""

from __future__ import annotations

import base64
import hashlib
import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kaft.api.oidc.keys import oidc_rsa_private_key
from kaft.core.storage_url import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KAFT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


# "development" (the default, used by `make run` and the tests) or "production".
KAFT_ENV = os.environ.get("KAFT_ENV", "development")
PRODUCTION = KAFT_ENV == "production"

DEBUG = env_bool("KAFT_DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = os.environ["KAFT_SECRET_KEY"]  # fail loudly: production needs its own key
else:
    SECRET_KEY = os.environ.get(
        "KAFT_SECRET_KEY", "development-only-key-never-use-in-production-kaft-0123456789abcdef"
    )

ALLOWED_HOSTS = env_list(
    "KAFT_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("KAFT_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "kaft.core.admin_apps.KaftAdminConfig",  # django.contrib.admin behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # its swagger-ui files, served by Kaft's own static files (kaft/api/docs.py)
    "oauth2_provider",
    "kaft.catalog",
    "kaft.members",
    "kaft.circulation",
    "kaft.billing",
    "kaft.notices",
    "kaft.privacy",
    "kaft.outreach",
    "kaft.interlibrary",
    "kaft.desk",
    "kaft.portal",
    "kaft.sip2",
    "kaft.api",
    "kaft.demo",
    "kaft.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "kaft.core.middleware.NoStoreForPersonalPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaft.core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Page views per day and page group (KAFT_USAGE_STATISTICS): a logged-in member only with
    # their site_statistics consent, anyone else only after accepting in the cookie banner.
    "kaft.portal.page_views.PageViewMiddleware",
]

if PRODUCTION:
    # Kaft serves its own static files in production too (collectstatic into KAFT_VAR_DIR/static).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "kaft.urls"
WSGI_APPLICATION = "kaft.wsgi.application"
ASGI_APPLICATION = "kaft.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kaft" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaft.core.context_processors.library",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL=postgresql://... switches to PostgreSQL (psycopg 3).
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kaft.sqlite3'}"
# Lets several test runs on one machine keep apart (e.g. KAFT_TEST_DB_SUFFIX=_a).
_TEST_DB_SUFFIX = os.environ.get("KAFT_TEST_DB_SUFFIX", "")
# How long a web worker keeps its database connection (seconds; 0: one per request).
_CONN_MAX_AGE = int(os.environ.get("KAFT_DB_CONN_MAX_AGE", "60" if PRODUCTION else "0"))
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=_CONN_MAX_AGE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, whose transactions queue for SQLite's one write lock (kaft/core/db_sqlite).
    DATABASES["default"]["ENGINE"] = "kaft.core.db_sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; FULL syncs every commit to disk.
        # secure_delete: deleted content is overwritten with zeros, whatever the SQLite library
        # was built with (erased members must not linger in free pages; kaft/core/dead_rows.py).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA secure_delete=ON;"
        ),
        # Writers take the lock at BEGIN, so two desks never deadlock half-way a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-kaft{_TEST_DB_SUFFIX}.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Values travel apart from the statement (server-side binding), so psycopg prepares a
    # statement a connection runs again and again (a desk scan's dozen) and PostgreSQL stops
    # parsing and planning it each time. Behind a pooler in transaction mode (PgBouncer before
    # 1.21) prepared statements break: set KAFT_DB_SERVER_SIDE_BINDING=0 there.
    if os.environ.get("KAFT_DB_SERVER_SIDE_BINDING", "1") != "0":
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    DATABASES["default"]["TEST"] = {"NAME": f"test_kaft{_TEST_DB_SUFFIX}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Shared cache -----------------------------------------------------------------------------
# Attempt limits (kaft/core/limits.py) must be one count for every web worker. KAFT_CACHE_URL
# (redis://host:6379/1) uses Redis; without it Kaft's database cache, a table made by `migrate`.
KAFT_CACHE_URL = os.environ.get("KAFT_CACHE_URL", "").strip()


def cache_settings(url: str) -> dict[str, dict[str, object]]:
    """The CACHES setting for ``KAFT_CACHE_URL`` (empty: the database cache)."""
    if not url:
        return {
            "default": {
                "BACKEND": "kaft.core.cache.DatabaseCache",
                "LOCATION": "kaft_cache",
                # Culling (deleting a third of the entries when full) would forget counts.
                "OPTIONS": {"MAX_ENTRIES": 1_000_000},
            }
        }
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "KAFT_CACHE_URL must be a Redis address (redis://, rediss:// or unix://)."
        )
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "kaft",
        }
    }


CACHES = cache_settings(KAFT_CACHE_URL)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B: a minimum length, a check against common passwords, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kaft.members.auth.MemberCardOrEmailBackend",
    # Django's model backend (usernames), loading the staff profile with the user.
    "kaft.members.auth.StaffBackend",
]
LOGIN_URL = "portal:login"
AXES_FAILURE_LIMIT = int(os.environ.get("KAFT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False
# Failures are counted per normalised username: e-mail lower-cased, card number without spaces.
AXES_USERNAME_CALLABLE = "kaft.members.auth.login_username"
AXES_CLIENT_IP_CALLABLE = "kaft.members.auth.login_client_address"  # IPv6: per /64

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
# Django's database sessions, written only when changed and inside the view's transaction when
# it holds one (a desk scan commits its loan, access log and session rows at once).
SESSION_ENGINE = "kaft.core.sessions"

# --- Language -------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kaft" / "locale"]
TIME_ZONE = os.environ.get("KAFT_TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True
# European dates in both languages ("17 December 2026", 17-12-2026): kaft/formats/.
FORMAT_MODULE_PATH = ["kaft.formats"]

# --- Static files: everything is served by Kaft itself, nothing from another site -------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "kaft" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Files every worker must reach: letters to print, SEPA files, exports. Local under var/files
    # by default (see docs/operations.md).
    # KAFT_STORAGE_URL (s3://bucket?endpoint_url=...): an S3-compatible store instead, so that web
    # servers and workers on different machines see the same files (kaft/core/storage_url.py).
    "files": storage_from_url(
        os.environ["KAFT_STORAGE_URL"],
        access_key=os.environ.get("KAFT_STORAGE_ACCESS_KEY", ""),
        secret_key=os.environ.get("KAFT_STORAGE_SECRET_KEY", ""),
    )
    if os.environ.get("KAFT_STORAGE_URL", "").strip()
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "files")},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Content-Security-Policy (django-csp): only Kaft's own origin ------------------------------
# No inline script, no eval, no inline style: every script and style sheet is a file Kaft serves
# (templates keep no <script> without src, no on*= handler and no style attribute; a test checks).
# The QR code for the second factor is inline SVG in the page, so images need no data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- The REST API's OAuth 2 server (django-oauth-toolkit; kaft/api, docs/api.md) -------------------
# Systems get a token with client credentials, a member's app with authorization code + PKCE.
# Which scopes a client may ask for is its ApiClient's (kaft/api/scopes.py); what a token may
# touch is decided in kaft/api/access.py.
_SITE_URL_FOR_OIDC = os.environ.get("KAFT_SITE_URL", "http://localhost:8000").rstrip("/")
OAUTH2_PROVIDER = {
    # The consent page shows a member these in their language (kaft.api.models.Scope).
    "SCOPES": {
        "catalog:read": "Search the catalogue",
        "availability:read": "See where copies are available",
        "circulation:write": "Lend and take in copies",
        "members:read": "Look up the membership status of members",
        "me": "A member's own loans, reservations and charges",
        # OpenID Connect for partner services (docs/partners.md): ``openid`` signs a member in
        # with a pseudonym, membership and age band; the others add a claim the partner is
        # registered for (kaft.privacy.models.partner_clients).
        "openid": "Sign in to a partner service",
        "profile": "Your name",
        "email": "Your e-mail address",
        "card_number": "Your card number",
        "birthdate": "Your date of birth",
    },
    "DEFAULT_SCOPES": [],
    "SCOPES_BACKEND_CLASS": "kaft.api.scopes.ClientScopes",
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["https", "http"],
    # An hour for an access token; a member's app renews it with its refresh token (30 days,
    # a new one each time) rather than asking the member to log in again.
    "ACCESS_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 60 * 60 * 24 * 30,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REQUEST_APPROVAL_PROMPT": "auto",
    # OAuth 2.0 Security BCP (RFC 9700) throughout: no implicit or password grant, PKCE S256
    # only, tokens in the Authorization header only, `iss` in the authorization response,
    # tokens kept as hashes, and a replayed refresh token revokes its whole family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    # OpenID Connect provider for partner services (kaft/api/oidc, docs/partners.md): ID tokens
    # signed RS256 with KAFT_OIDC_RSA_PRIVATE_KEY (generated into var/ outside production), the
    # subject a pairwise pseudonym and the claims only those registered and agreed.
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": oidc_rsa_private_key(
        environ=dict(os.environ), var_dir=VAR_DIR, production=PRODUCTION
    ),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    # Confidential partners send their secret (Basic or in the form); public ones (PKCE only,
    # like the demo's e-book client) none.
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ],
    # In production the issuer is the site's own address, whatever Host a request carried.
    "OIDC_ISS_ENDPOINT": f"{_SITE_URL_FOR_OIDC}/oauth" if PRODUCTION else "",
    "ID_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "OAUTH2_VALIDATOR_CLASS": "kaft.api.oidc.validator.KaftValidator",
}
# The secret of the pairwise pseudonyms partners get (kaft/privacy/services/partner_sign_in.py).
# Production must set its own and keep it: a new secret gives every member new pseudonyms.
if PRODUCTION:
    KAFT_OIDC_PAIRWISE_SECRET = os.environ.get("KAFT_OIDC_PAIRWISE_SECRET", "").strip()
    if not KAFT_OIDC_PAIRWISE_SECRET:
        raise ImproperlyConfigured(
            "Set KAFT_OIDC_PAIRWISE_SECRET: the pseudonyms of members at partner services."
        )
else:
    KAFT_OIDC_PAIRWISE_SECRET = (
        os.environ.get("KAFT_OIDC_PAIRWISE_SECRET", "").strip()
        or hashlib.sha256(("kaft-oidc-pairwise:" + SECRET_KEY).encode()).hexdigest()
    )
# The library's ISIL that partners receive as ``member_of`` (empty: the first branch's).
KAFT_LIBRARY_ISIL = os.environ.get("KAFT_LIBRARY_ISIL", "").strip()
# The toolkit's own models (named, so Kaft's migrations can point at them).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
# Requests per minute a client may make unless its ApiClient says otherwise (kaft/api/limits.py).
KAFT_API_RATE_PER_MINUTE = int(os.environ.get("KAFT_API_RATE_PER_MINUTE", "600"))

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("KAFT_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("KAFT_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("KAFT_EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("KAFT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KAFT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KAFT_EMAIL_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("KAFT_FROM_EMAIL", "bibliotheek@example.org")
if (
    not PRODUCTION
    and "KAFT_EMAIL_BACKEND" not in os.environ
    and "KAFT_EMAIL_HOST" not in os.environ
):
    # `make run` has no mail server: messages are written to var/mail so you can read them.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# --- Celery: one code path in every mode --------------------------------------------------------
# With KAFT_BROKER_URL (redis://...) any number of workers and one beat. Without it, a broker kept
# in files under var/ so `make run` needs no extra server.
KAFT_BROKER_URL = os.environ.get("KAFT_BROKER_URL", "")
CELERY_BROKER_URL = KAFT_BROKER_URL or "filesystem://localhost//"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if not KAFT_BROKER_URL:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("KAFT_TASKS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "expire-uncollected-holds": {
        "task": "kaft.circulation.tasks.expire_uncollected_holds",
        "schedule": 60 * 60,  # hourly; the task only acts on holds whose deadline has passed
    },
    "send-due-soon-notices": {
        "task": "kaft.notices.tasks.queue_due_soon_notices",
        "schedule": 60 * 60 * 6,
    },
    "send-pending-notices": {
        "task": "kaft.notices.tasks.send_pending_notices",
        "schedule": 60 * 5,  # picks up anything a crashed worker left behind
    },
    "apply-retention": {
        "task": "kaft.privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),  # daily, at night (CELERY_TIMEZONE)
    },
    "lapse-family-requests": {
        "task": "kaft.members.tasks.lapse_family_requests",
        "schedule": crontab(hour=3, minute=15),  # daily: unanswered requests after 14 days
    },
    "update-fines": {
        "task": "kaft.billing.tasks.update_fines",
        "schedule": crontab(hour=0, minute=20),  # daily, just after midnight: today's fines
    },
    "sepa-daily": {
        "task": "kaft.billing.tasks.sepa_daily",
        "schedule": crontab(hour=2, minute=45),  # daily: lapse unused mandates, renew fees
    },
    "membership-ending-notices": {
        "task": "kaft.notices.tasks.queue_membership_ending_notices",
        "schedule": crontab(hour=7, minute=0),  # daily: memberships ending within 30 days
    },
    "run-reminders": {
        "task": "kaft.notices.tasks.run_reminders",
        # daily, early morning: reminders, invoices and lost loans of the schedule; a day the job
        # did not run is caught up the next time
        "schedule": crontab(hour=6, minute=0),
    },
    "newsletter-run": {
        "task": "kaft.outreach.tasks_newsletter_issues.newsletter_run",
        "schedule": 60,  # scheduled issues whose time has come; sending a lost chain left
    },
    "interlibrary-send-pending": {
        "task": "kaft.interlibrary.tasks.send_pending_messages",
        "schedule": 60 * 5,  # ISO 18626 messages a partner did not take yet
    },
    "interlibrary-overdue": {
        "task": "kaft.interlibrary.tasks.mark_overdue",
        "schedule": crontab(hour=6, minute=30),  # daily: copies lent to partners past due
    },
    "contests-close-ended": {
        "task": "kaft.outreach.tasks_contests.close_ended_contests",
        "schedule": crontab(hour=0, minute=30),  # daily: contests past their last day
    },
    "panel-close-ended": {
        "task": "kaft.outreach.tasks_panel.close_ended_panel_surveys",
        "schedule": crontab(hour=0, minute=35),  # daily: panel surveys past their last day
    },
    "statistics-members-month": {
        "task": "kaft.outreach.tasks_statistics.snapshot_members_month",
        # daily, before the retention job (03:30) unlinks loans: new and active members per month
        "schedule": crontab(hour=3, minute=0),
    },
}

# --- Library policy -------------------------------------------------------------------------
KAFT_DUE_SOON_DAYS = int(os.environ.get("KAFT_DUE_SOON_DAYS", "3"))
# How many days before a membership ends the member is told (not those paying by direct debit:
# they are renewed automatically).
KAFT_MEMBERSHIP_ENDING_DAYS = int(os.environ.get("KAFT_MEMBERSHIP_ENDING_DAYS", "30"))
# Joining online: a sign-up whose e-mail address was not confirmed within this many days, or
# that the desk did not complete (ID check) within this many days of joining, is deleted
# entirely by the daily retention job (kaft/members/services/signup.py).
KAFT_SIGNUP_VERIFY_DAYS = int(os.environ.get("KAFT_SIGNUP_VERIFY_DAYS", "7"))
KAFT_SIGNUP_COMPLETE_DAYS = int(os.environ.get("KAFT_SIGNUP_COMPLETE_DAYS", "30"))
# Interlibrary loan, books other libraries lend us for a member: the member's due date is this
# many days before the lender's (time to ship it back), and a book its lender recalls is due
# back from the member within this many days (kaft/interlibrary/services/requesting.py).
KAFT_ILL_SHIPPING_DAYS = int(os.environ.get("KAFT_ILL_SHIPPING_DAYS", "5"))
KAFT_ILL_RECALL_DAYS = int(os.environ.get("KAFT_ILL_RECALL_DAYS", "7"))
KAFT_LIBRARY_NAME = os.environ.get("KAFT_LIBRARY_NAME", "Bibliotheek Kaft")
# The portal's public address, for links in e-mails (no trailing slash).
KAFT_SITE_URL = os.environ.get("KAFT_SITE_URL", "http://localhost:8000").rstrip("/")

# --- Newsletter subscriptions (kaft/outreach/services/newsletter_subscriptions.py) ---------
# The secret behind every unsubscribe link and bounce address (HMAC). Production must set its
# own and keep it: a new secret makes the unsubscribe links in mails already sent stop working.
if PRODUCTION:
    KAFT_NEWSLETTER_SECRET = os.environ.get("KAFT_NEWSLETTER_SECRET", "").strip()
    if not KAFT_NEWSLETTER_SECRET:
        raise ImproperlyConfigured(
            "Set KAFT_NEWSLETTER_SECRET: the key of the newsletter's unsubscribe links."
        )
else:
    KAFT_NEWSLETTER_SECRET = (
        os.environ.get("KAFT_NEWSLETTER_SECRET", "").strip()
        or hashlib.sha256(("kaft-newsletter:" + SECRET_KEY).encode()).hexdigest()
    )
# Days a newsletter confirmation link works; a sign-up not confirmed by then is deleted.
KAFT_NEWSLETTER_CONFIRM_DAYS = int(os.environ.get("KAFT_NEWSLETTER_CONFIRM_DAYS", "7"))
# The domain of the per-message bounce addresses (bounce+<delivery>-<check>@domain); empty: the
# domain of DEFAULT_FROM_EMAIL. Its mail must reach the bounce webhook (docs/operations.md).
KAFT_NEWSLETTER_BOUNCE_DOMAIN = os.environ.get("KAFT_NEWSLETTER_BOUNCE_DOMAIN", "").strip()
# The shared secret the mail provider sends in the Authorization header ("Bearer <secret>") when
# it posts a bounce to /api/newsletter/bounces. Empty: the webhook is off (answers 404).
KAFT_NEWSLETTER_BOUNCE_SECRET = os.environ.get("KAFT_NEWSLETTER_BOUNCE_SECRET", "").strip()

# --- Newsletter issues (kaft/outreach/services/newsletter_sending.py) ----------------------
# Newsletter mails per minute at most, all workers and issues together (the mail provider's limit).
KAFT_NEWSLETTER_RATE = int(os.environ.get("KAFT_NEWSLETTER_RATE", "600"))
# Deliveries a worker claims and sends at a time.
KAFT_NEWSLETTER_BATCH = int(os.environ.get("KAFT_NEWSLETTER_BATCH", "50"))
# Sending chains started per issue; any number of Celery workers share them.
KAFT_NEWSLETTER_PARALLEL = int(os.environ.get("KAFT_NEWSLETTER_PARALLEL", "2"))
# Subscriptions queued per statement when an issue is queued.
KAFT_NEWSLETTER_QUEUE_CHUNK = int(os.environ.get("KAFT_NEWSLETTER_QUEUE_CHUNK", "10000"))
# The largest image staff may add to an issue, in kB (PNG, JPEG or GIF).
KAFT_NEWSLETTER_IMAGE_KB = int(os.environ.get("KAFT_NEWSLETTER_IMAGE_KB", "1024"))

# --- Contests (kaft/outreach/services/contests.py) -----------------------------------------
# Days a contest keeps its entries after its last day, for a new contest (retention rule
# contest_entries: from 7 to 90; the privacy officer may set the library's own default).
KAFT_CONTEST_ENTRY_DAYS = int(os.environ.get("KAFT_CONTEST_ENTRY_DAYS", "30"))

# --- Research panel (kaft/outreach/services/panel_invitations.py) --------------------------
# The secret of the pseudonymous panel ids an external survey tool gets (one per survey and
# member). Production must set its own and keep it: a new secret gives every member new ids.
if PRODUCTION:
    KAFT_PANEL_SECRET = os.environ.get("KAFT_PANEL_SECRET", "").strip()
    if not KAFT_PANEL_SECRET:
        raise ImproperlyConfigured(
            "Set KAFT_PANEL_SECRET: the pseudonymous ids of panel members at survey tools."
        )
else:
    KAFT_PANEL_SECRET = (
        os.environ.get("KAFT_PANEL_SECRET", "").strip()
        or hashlib.sha256(("kaft-panel:" + SECRET_KEY).encode()).hexdigest()
    )
# Days the invitations of a survey are kept after it closes (retention rule panel_invitations).
KAFT_PANEL_INVITATION_DAYS = int(os.environ.get("KAFT_PANEL_INVITATION_DAYS", "30"))

# --- Interlibrary loan: client certificates (mutual TLS, docs/interlibrary.md) -------------
# The request header in which the reverse proxy passes the client certificate it verified
# (nginx: `proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;`). Empty: off, no header
# is read and partners set to certificates are refused. Set it only behind a proxy that sets or
# clears this header on every request it passes, so no one outside can send it.
KAFT_ILL_CLIENT_CERT_HEADER = os.environ.get("KAFT_ILL_CLIENT_CERT_HEADER", "").strip()
# Kaft's own client certificate and key (PEM file paths) for messages to partners set to
# certificates, and the CA file their servers are verified against (empty: the system's CAs).
KAFT_ILL_CLIENT_CERT = os.environ.get("KAFT_ILL_CLIENT_CERT", "").strip()
KAFT_ILL_CLIENT_KEY = os.environ.get("KAFT_ILL_CLIENT_KEY", "").strip()
KAFT_ILL_CA_FILE = os.environ.get("KAFT_ILL_CA_FILE", "").strip()

# --- Self-service kiosks (SIP2) --------------------------------------------------------------
# The port `kaft sip2-server` listens on, and how long an idle kiosk connection stays open
# (seconds; kiosks poll every 5-7 minutes, so at least 600).
SIP2_PORT = int(os.environ.get("SIP2_PORT", "6001"))
SIP2_IDLE_TIMEOUT = float(os.environ.get("SIP2_IDLE_TIMEOUT", "900"))

# --- Privacy ----------------------------------------------------------------------------------
# Keys for fields encrypted at rest (kaft/core/crypto.py): comma-separated Fernet keys, the first
# encrypts, all decrypt. Production must set its own; elsewhere one is derived from SECRET_KEY.
if PRODUCTION:
    KAFT_FIELD_KEYS = [k.strip() for k in os.environ.get("KAFT_FIELD_KEYS", "").split(",") if k]
    if not KAFT_FIELD_KEYS:
        raise ImproperlyConfigured(
            "Set KAFT_FIELD_KEYS: production encrypts dates of birth with its own key "
            "(make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())')."
        )
else:
    KAFT_FIELD_KEYS = [
        k.strip() for k in os.environ.get("KAFT_FIELD_KEYS", "").split(",") if k.strip()
    ] or [
        base64.urlsafe_b64encode(
            hashlib.sha256(("kaft-field-key:" + SECRET_KEY).encode()).digest()
        ).decode()
    ]
# Staff notes on a member: default and longest expiry, in days.
KAFT_NOTE_DEFAULT_DAYS = int(os.environ.get("KAFT_NOTE_DEFAULT_DAYS", "30"))
KAFT_NOTE_MAX_DAYS = int(os.environ.get("KAFT_NOTE_MAX_DAYS", "365"))
# First-party, aggregated usage statistics of the website; off unless the library turns them on,
# and then only counted for visitors who accepted.
KAFT_USAGE_STATISTICS = env_bool("KAFT_USAGE_STATISTICS")
# The staff statistics page shows a search term only when it was used at least this often in the
# chosen period (rare terms could point at a person).
KAFT_STATS_MIN_TERM_COUNT = int(os.environ.get("KAFT_STATS_MIN_TERM_COUNT", "5"))
# Days after which a day's count of a search term used fewer than KAFT_STATS_MIN_TERM_COUNT times
# in its calendar month is deleted, never before that month is over (retention rule
# rare_search_terms).
KAFT_STATS_RARE_TERM_DAYS = int(os.environ.get("KAFT_STATS_RARE_TERM_DAYS", "35"))
# Roles that must use a second factor (TOTP) at the desk.
KAFT_OTP_ROLES = ("privacy_officer", "administrator")
OTP_TOTP_ISSUER = KAFT_LIBRARY_NAME  # the name the authenticator app shows for the account
# What a member sees of who looked at their data in MijnBibliotheek: "display_name" (the staff
# member's display name and role, as they were at the time) or "role" (only the role).
KAFT_ACCESS_LOG_SHOWS = os.environ.get("KAFT_ACCESS_LOG_SHOWS", "display_name")
if KAFT_ACCESS_LOG_SHOWS not in ("display_name", "role"):
    raise ImproperlyConfigured('KAFT_ACCESS_LOG_SHOWS must be "display_name" or "role".')
# The name on a holds-shelf slip (the shelf is open to everyone): "initials" (initials and the
# last four digits of the card) or "number" (the pickup number). Never the full name.
# Money (kaft/billing): a member who owes more than this is blocked from borrowing until it is
# paid; so is a member with an open invoice.
KAFT_BLOCK_OWED_THRESHOLD = Decimal(os.environ.get("KAFT_BLOCK_OWED_THRESHOLD", "10.00"))
# An invoice of the reminder schedule is to be paid within this many days.
KAFT_INVOICE_DUE_DAYS = int(os.environ.get("KAFT_INVOICE_DUE_DAYS", "14"))
# The account the library takes bank transfers on, named in invoices ("" : pay at the desk).
KAFT_INVOICE_IBAN = os.environ.get("KAFT_INVOICE_IBAN", "")
# Staff roles that may waive a charge (with a reason, logged); a login can also be given the
# permission billing.waive_charge one by one.
KAFT_WAIVE_ROLES = tuple(env_list("KAFT_WAIVE_ROLES") or ["finance", "administrator"])
# A copy declared lost that is brought back within this many days: the replacement charge is
# cancelled (refunded when it was paid). Later: it stays.
KAFT_LOST_REFUND_DAYS = int(os.environ.get("KAFT_LOST_REFUND_DAYS", "90"))
# Whether the late fee of such a copy stays (true) or is cancelled with it (false).
KAFT_LOST_FOUND_KEEP_FINES = env_bool("KAFT_LOST_FOUND_KEEP_FINES", True)
# Whether a self-service kiosk may lift a block that a kiosk placed (SIP2 patron enable, 25).
# Blocks placed by staff are never lifted at a kiosk (kaft/sip2/handlers/blocks.py).
KAFT_SIP2_KIOSK_MAY_UNBLOCK = env_bool("KAFT_SIP2_KIOSK_MAY_UNBLOCK")

# SEPA direct debit: the library as creditor (checked at startup, see kaft/billing/creditor.py).
# Left empty, the library does not collect by direct debit.
KAFT_SEPA_CREDITOR_ID = os.environ.get("KAFT_SEPA_CREDITOR_ID", "")
KAFT_SEPA_CREDITOR_NAME = os.environ.get("KAFT_SEPA_CREDITOR_NAME", "")
KAFT_SEPA_CREDITOR_IBAN = os.environ.get("KAFT_SEPA_CREDITOR_IBAN", "")
KAFT_SEPA_CREDITOR_BIC = os.environ.get("KAFT_SEPA_CREDITOR_BIC", "")
# Days between the pre-notification and the collection date (the SEPA rulebook's default: 14).
KAFT_SEPA_PRENOTICE_DAYS = int(os.environ.get("KAFT_SEPA_PRENOTICE_DAYS", "14"))
# What the library charges for a returned direct debit; 0: nothing.
KAFT_SEPA_RETURN_FEE = Decimal(os.environ.get("KAFT_SEPA_RETURN_FEE", "0.00"))
# Which kinds of charges are collected by direct debit.
KAFT_SEPA_CHARGE_KINDS = tuple(env_list("KAFT_SEPA_CHARGE_KINDS") or ["membership"])

KAFT_PICKUP_LABEL = os.environ.get("KAFT_PICKUP_LABEL", "initials")
if KAFT_PICKUP_LABEL not in ("initials", "number"):
    raise ImproperlyConfigured('KAFT_PICKUP_LABEL must be "initials" or "number".')
# How long a password-reset code or link stays valid (also Django's own reset links).
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Production profile: `manage.py check --deploy` is clean ---------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("KAFT_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KAFT_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("KAFT_HSTS_PRELOAD")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    if not env_bool("KAFT_HSTS_PRELOAD"):
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAFT_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- SMS (kaft/notices/sms.py): CM.com's JSON gateway. Empty URL: no SMS provider, and a message
# a member wants by SMS is kept as failed ("no SMS provider") for the desk to see.
KAFT_SMS_URL = os.environ.get("KAFT_SMS_URL", "").strip()
KAFT_SMS_TOKEN = os.environ.get("KAFT_SMS_TOKEN", "")
KAFT_SMS_SENDER = os.environ.get("KAFT_SMS_SENDER", "")  # at most 11 letters/digits

# --- Copy cataloguing (kaft/catalog/sru.py): the SRU server of a catalogue to copy titles from
# by ISBN (the national catalogue offers SRU with MARCXML). Empty: the desk offers no copying.
KAFT_SRU_URL = os.environ.get("KAFT_SRU_URL", "").strip()
KAFT_SRU_ISBN_INDEX = os.environ.get("KAFT_SRU_ISBN_INDEX", "bath.isbn").strip()
KAFT_SRU_RECORD_SCHEMA = os.environ.get("KAFT_SRU_RECORD_SCHEMA", "marcxml").strip()
KAFT_SRU_TIMEOUT = float(os.environ.get("KAFT_SRU_TIMEOUT", "10"))
# The library's postal address on letters: lines separated by "|" ("Postbus 12|1000 AA Kaftstad").
KAFT_LIBRARY_ADDRESS = [
    line.strip()
    for line in os.environ.get("KAFT_LIBRARY_ADDRESS", "Stationsplein 1|1234 AB Kaftstad").split(
        "|"
    )
    if line.strip()
]
KAFT_LIBRARY_PHONE = os.environ.get("KAFT_LIBRARY_PHONE", "")
