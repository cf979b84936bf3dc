"""Settings shared by every environment.

``dev``, ``test`` and ``production`` only override what differs. Everything that comes
from the environment is read through ``website.settings.env.env``.
"""

from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from website.security import tile_server_origin

from .env import env, sqlite_database

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.str("ESSAIM_VAR_DIR", str(BASE_DIR / "var")))

# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
# Where the site is really served: every absolute link (calendars, JSON-LD, the API, mails,
# the admin) is made from it (website/addresses.py). ``make run`` sets it from HOST and PORT.
BASE_URL = env.str("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The right-hand side of every calendar UID, when you choose it before the first migrate;
# else the host of BASE_URL then. Recorded once (website.Installation) and never changed:
# calendars keep one entry per UID, so a new domain would duplicate every entry.
ESSAIM_CALENDAR_UID_DOMAIN = env.str("CALENDAR_UID_DOMAIN", "")

INSTALLED_APPS = [
    # Ours. ``website`` is the site-wide Wagtail app; accounts live beside it.
    "website",
    "website.accounts",
    "website.notifications",
    "website.calendars",
    "network.directory",
    "network.spaces",
    "network.incubators",
    "events",
    "forums",
    "practices",
    "benchmarks",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.sitemaps",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves visitors the pages views opted in, once made (website/cache.py): a hit is
    # answered here, before sessions, authentication and the locale are looked at. What the
    # middlewares below add to a page (its policy headers, Vary) is kept with it; a cookie
    # they set keeps it out, except the language cookie, which a hit sets again.
    "website.cache.PublicPageCacheMiddleware",
    # After WhiteNoise (static files need no policy), before everything that renders.
    "website.security.ContentSecurityPolicyMiddleware",
    "website.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (it reads the person's preferred language), before CommonMiddleware.
    "website.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "website.accounts.middleware.TimezoneMiddleware",
    "website.accounts.middleware.StaffTwoFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # After CSRF, authentication and messages: the admin's writes to one page, one at a time,
    # and moderators told where the page stands (website/moderation.py).
    "website.moderation.PageWritesMiddleware",
    # A view that cannot reach the database answers 503 (website/unavailable.py).
    "website.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "website.urls"
WSGI_APPLICATION = "website.wsgi.application"
ASGI_APPLICATION = "website.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: PostgreSQL when DATABASE_URL is set, else the embedded SQLite file.
# ---------------------------------------------------------------------------
DATABASES = {
    "default": env.database("DATABASE_URL", None) or sqlite_database(VAR_DIR / "essaim.sqlite3")
}

# ---------------------------------------------------------------------------
# Cache, Celery and background work: Redis when REDIS_URL is set, else in-process.
# ---------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", None)

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, degrading to a miss while Redis is down (cachebackend.py).
            "BACKEND": "website.cachebackend.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "essaim",
            # A Redis that does not answer must not hold each request for long.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for visitors who are not signed in, invalidated when their content changes.
ESSAIM_PAGE_CACHE = env.bool("PAGE_CACHE", True)

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without Redis, tasks run in the process that sends them, right after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message not acknowledged within this delay is delivered again (worker killed mid-task).
# A broker that does not answer must not hold a request for long: what a request publishes
# after commit is in the database already, and the periodic tasks queue it once Redis is back.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 1}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "UTC"
# Every periodic task of the platform, in one place.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "website.accounts.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60,
    },
    "dispatch-due-notifications": {
        "task": "website.notifications.tasks.dispatch_due",
        "schedule": 60,
    },
    "send-digests": {
        "task": "website.notifications.tasks.send_digests",
        "schedule": 60 * 60,
    },
    "send-event-reminders": {
        "task": "events.tasks.send_reminders",
        "schedule": 5 * 60,
    },
    "extend-open-ended-event-series": {
        "task": "events.tasks.extend_open_ended_series",
        "schedule": 24 * 60 * 60,
    },
    "remind-actor-admins": {
        "task": "network.tasks.remind_actor_admins",
        "schedule": 24 * 60 * 60,
    },
    "bookings-housekeeping": {
        "task": "network.tasks.bookings_housekeeping",
        "schedule": 5 * 60,
    },
    "incubator-call-alerts": {
        "task": "network.tasks.calls_alert",
        "schedule": 5 * 60,
    },
}

# ---------------------------------------------------------------------------
# Mail: every message leaves through a Celery task (website.mail).
# ---------------------------------------------------------------------------
EMAIL_BACKEND = "website.mail.CeleryEmailBackend"
if env.is_set("EMAIL_HOST"):
    ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 30
elif env.is_set("EMAIL_FILE_PATH"):
    ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
else:
    ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Essaim <ne-pas-repondre@essaim.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------
# Accounts: django-allauth, e-mail only, verified, with TOTP two-factor authentication.
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "profile"
ACCOUNT_ADAPTER = "website.accounts.adapter.AccountAdapter"
# Hashes the password for a known address too: sign-up takes as long whether or not the
# address has an account (tests/accounts/test_sign_up_enumeration.py).
ACCOUNT_FORMS = {"signup": "website.accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Same answers whether or not an address has an account (sign-up, reset, login).
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's rate limits, all written out (allauth 65 fills in a missing action with its own
# default). "amount/period/per": per client address (ip), per signed-in person (user) or per
# e-mail address typed (key); periods in s, m, h or d; several rates separated by commas.
# Past a limit allauth answers with templates/429.html (status 429), except failed logins,
# which get a form error ("Too many failed login attempts"). They count in the cache, shared
# by every process when REDIS_URL is set. Proved by tests/accounts/test_rate_limits.py.
ACCOUNT_RATE_LIMITS = {
    # Logins: a generous cap per address (a city hall behind one NAT), and 5 wrong
    # passwords for one account in 5 minutes, whatever the address.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    # Sign-ups: 20 a minute from one address (a workshop signing up together), 60 an hour.
    "signup": "20/m/ip,60/h/ip",
    # Reset mails: 20 a minute from one address, 5 an hour to one mailbox.
    "reset_password": "20/m/ip,5/h/key",
    # The page the reset mail links to (guessing keys).
    "reset_password_from_key": "20/m/ip",
    # Verification mail sent again: one every 3 minutes per address.
    "confirm_email": "1/3m/key",
    # Signed in: password change, addresses, asking the password again.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    # Log-in codes and phone numbers: not used here (no code login, no phone).
    "request_login_code": "20/m/ip,3/m/key",
    "change_phone": "1/m/user",
    "verify_phone": "1/30s/key,3/m/ip",
}
# The client address that rate limits count: behind the reverse proxy, the number of proxies
# that append to X-Forwarded-For (0: REMOTE_ADDR, which behind a proxy is the proxy itself,
# so every visitor would share one count).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)
# Rate limits of the site's own writes (website/ratelimit.py): action -> (attempts, seconds),
# per signed-in person, or per client address for visitors. Past one: the 429 page.
# Proved by tests/website/test_rate_limits.py.
ESSAIM_RATE_LIMITS = {
    "actor_create": (5, 60 * 60),  # new actors proposed to the moderators
    "actor_change": (20, 60 * 60),  # changes to an actor (some wait for a moderator)
    "join_request": (20, 60 * 60),  # asking to join an actor or an umbrella network
    "booking_create": (30, 60 * 60),  # booking requests (a series is one request)
    "registration_create": (30, 60 * 60),  # registrations for event dates
    "subscription_request": (10, 60 * 60),  # the public form that mails a confirmation link
    # A read, but each may call an outside geocoder (website/geocoding/views.py).
    "geocode": (60, 60),
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Essaim] "
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if BASE_URL.startswith("https") else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Essaim"
# When true, people who can open the Wagtail admin must activate TOTP before using it.
ESSAIM_MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", False)

# ---------------------------------------------------------------------------
# Languages and time zones: French first, English second.
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "essaim_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
# The site's time zone: what events default to, and what anonymous visitors see.
TIME_ZONE = env.str("TIME_ZONE", "Europe/Paris")

# ---------------------------------------------------------------------------
# Static and uploaded files
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Small installs without a reverse proxy let Django serve uploads.
ESSAIM_SERVE_MEDIA = env.bool("SERVE_MEDIA", False)
# Uploads that only some people may read (forum attachments): outside MEDIA_ROOT, with no
# URL of their own, served only by the view that checks access (forums/views.py).
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Behind nginx, that view may leave the sending to it: the internal location that aliases
# PRIVATE_MEDIA_ROOT (e.g. "/_private/", README "Production"). Empty: Django sends the file.
ESSAIM_PRIVATE_MEDIA_ACCEL_REDIRECT = env.str("PRIVATE_MEDIA_ACCEL_REDIRECT", "")
if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured(
        "PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT: whatever serves /media/ would serve "
        "the private files too."
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "website.security.PrivateFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ---------------------------------------------------------------------------
# Wagtail
# ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Essaim"
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"
# Passwords are managed in one place, the allauth pages.
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True
# The database backend uses PostgreSQL full-text search when the database is PostgreSQL, with
# the French configuration without accents that migration website 0005 makes ("cooperative"
# finds "coopératives"); SQLite's FTS5 already ignores accents and has no stemmer.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        **(
            {"SEARCH_CONFIG": "essaim_french"}
            if "postgresql" in DATABASES["default"]["ENGINE"]
            else {}
        ),
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "odp", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# The admin must not call out to the internet (update check, "what's new" feed).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No avatars from gravatar.com: people upload one in their admin profile if they wish.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_MODERATION_ENABLED = True

# Map tiles: none by default (the maps then draw the bundled Natural Earth layer of
# static/vendor/basemap/, from our own origin). Set a tile server you are allowed to use, e.g.
# MAP_TILE_URL=https://tile.example.org/{z}/{x}/{y}.png and its attribution.
ESSAIM_MAP_TILE_URL = env.str("MAP_TILE_URL", "")
ESSAIM_MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", "")

# ---------------------------------------------------------------------------
# Geocoding: addresses to positions on the map (website/geocoding, README "Geocoding").
# ---------------------------------------------------------------------------
# "gazetteer" (default): offline, the commune the address names (GeoNames, bundled); "ban":
# France's Base Adresse Nationale, to the house number; "nominatim" or "photon":
# OpenStreetMap, world wide. A service that fails falls back to the gazetteer.
ESSAIM_GEOCODER = env.str("GEOCODER", "gazetteer")
if ESSAIM_GEOCODER not in {"gazetteer", "ban", "nominatim", "photon"}:
    raise ImproperlyConfigured(
        f"GEOCODER must be gazetteer, ban, nominatim or photon, not {ESSAIM_GEOCODER!r}."
    )
# The service's address; empty: its public one (api-adresse.data.gouv.fr/search/,
# nominatim.openstreetmap.org/search, photon.komoot.io/api/). Your own server here.
ESSAIM_GEOCODER_URL = env.str("GEOCODER_URL", "")
# The BAN knows France only (with its overseas departments): for an address whose country is
# another, this backend answers ("" = the gazetteer; or "nominatim" or "photon", at
# GEOCODER_ABROAD_URL or its public address).
ESSAIM_GEOCODER_ABROAD = env.str("GEOCODER_ABROAD", "")
if ESSAIM_GEOCODER_ABROAD not in {"", "gazetteer", "nominatim", "photon"}:
    raise ImproperlyConfigured(
        f"GEOCODER_ABROAD must be empty, gazetteer, nominatim or photon, not "
        f"{ESSAIM_GEOCODER_ABROAD!r}."
    )
ESSAIM_GEOCODER_ABROAD_URL = env.str("GEOCODER_ABROAD_URL", "")
# Seconds a service may take before the gazetteer answers instead (a save waits this long).
ESSAIM_GEOCODER_TIMEOUT = env.int("GEOCODER_TIMEOUT", 3)
# Nominatim's usage policy asks for a User-Agent that names the application and a contact.
ESSAIM_GEOCODER_USER_AGENT = env.str("GEOCODER_USER_AGENT", f"Essaim geocoder (+{BASE_URL})")
# Nominatim's public server: at most one request a second (per process, here).
ESSAIM_GEOCODER_MIN_INTERVAL = 1.0
# Answers are cached this long (Django's cache), per backend, query, country and language.
ESSAIM_GEOCODER_CACHE_SECONDS = 24 * 60 * 60

# ---------------------------------------------------------------------------
# Security (production tightens these); docs/security.md lists what each test proves.
# ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp 4, website.security): nothing inline on the public site.
# Scripts and styles come from our origin; an inline <script> needs request.csp_nonce; no
# style="..." attribute is allowed (style-src has no 'unsafe-inline'). Images may come from
# the configured tile server.
_TILE_ORIGIN = tile_server_origin(ESSAIM_MAP_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Wagtail's admin writes inline scripts and styles (and frames its own previews): it gets a
# relaxed policy of its own rather than none. No nonce here, or browsers would ignore
# 'unsafe-inline'.
ESSAIM_ADMIN_CSP_PREFIXES = ["/admin/"]
ESSAIM_ADMIN_CONTENT_SECURITY_POLICY = {
    "default-src": [SELF],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
    "font-src": [SELF, "data:"],
    "connect-src": [SELF],
    "object-src": [NONE],
    "frame-src": [SELF],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}
# Browser features the site never uses, switched off (Permissions-Policy header).
ESSAIM_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "browsing-topics": [],
}

# ---------------------------------------------------------------------------
# Logging: to the console, for the process manager to collect.
# ---------------------------------------------------------------------------
# Secrets never reach a log line (website/logfilters.py): feed tokens, signed links and
# allauth's keys in addresses, passwords, cookies and credentials become "[redacted]". The
# filter sits on the root handler (every record written) and on the loggers that write
# addresses, so that records are clean for any other handler too (tests, error trackers).
# gunicorn's access log: see the README (--logger-class website.logfilters...).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "website.logfilters.RedactingFilter"},
        "disallowed_host": {"()": "website.security.DisallowedHostFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
        # runserver's request lines (development), which Django's own handler would print as is.
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["redact"]},
        "django.security": {"filters": ["redact"]},
        # A Host outside ALLOWED_HOSTS is answered 400 (website/views.py::bad_request) and
        # logged as one warning line, not as an error with a traceback.
        "django.security.DisallowedHost": {"filters": ["redact", "disallowed_host"]},
        "django.server": {
            "handlers": ["server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact"],
        },
        "django.db.backends": {"level": "WARNING", "filters": ["redact"]},
        # Wagtail's own background jobs log every run at INFO.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
