"""Essaim's project package: settings, URLs, the Celery app and the site-wide Wagtail app.

The product card calls it ``site/``; ``site`` is a standard-library module, so it is ``website``.
"""

from .celery_app import app as celery_app

__all__ = ("celery_app",)
