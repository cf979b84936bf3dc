"""Development and the embedded default (``make run``)."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", True)
ESSAIM_SERVE_MEDIA = True


def _dev_secret_key():
    """A random key kept in var/, so sessions survive restarts without a key in the code."""
    path = VAR_DIR / "dev_secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", None) or _dev_secret_key()
# runserver serves static files from the apps; WhiteNoise only needs the folder to exist.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
