"""Settings come from the environment through one reader, and production refuses to guess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.sqlite3.base import DatabaseWrapper

from website.settings.env import Env, parse_database_url, sqlite_database

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "essaim.example.org",
    "DATABASE_URL": "postgres://essaim:secret@db.internal:5432/essaim",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "BASE_URL": "https://essaim.example.org",
}


def clean_environ():
    """This process's environment without what the tests themselves set."""
    skipped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {k: v for k, v in os.environ.items() if k not in skipped}


def run_django(settings_module, env, code):
    clean = clean_environ()
    clean.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_postgres_url_is_parsed_into_a_django_database():
    database = parse_database_url("postgres://ana:p%40ss@db.example:6543/essaim?sslmode=require")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"]) == ("ana", "p@ss")
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.example",
        "6543",
        "essaim",
    )
    assert database["OPTIONS"] == {"sslmode": "require"}


def test_unknown_database_scheme_is_refused_with_its_name():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        parse_database_url("mysql://root@localhost/essaim")


def test_env_reader_types_and_required_values():
    env = Env({"FLAG": "yes", "COUNT": "12", "HOSTS": "a.org, b.org", "BAD": "perhaps"})
    assert env.bool("FLAG") is True
    assert env.bool("ABSENT", default=False) is False
    assert env.int("COUNT") == 12
    assert env.list("HOSTS") == ["a.org", "b.org"]
    with pytest.raises(ImproperlyConfigured, match="BAD"):
        env.bool("BAD")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env.str("SECRET_KEY")


def test_embedded_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path, django_db_blocker):
    settings_dict = sqlite_database(tmp_path / "essaim.sqlite3")
    assert settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    wrapper = DatabaseWrapper({**settings_dict, **_wrapper_defaults()}, alias="wal-check")
    with django_db_blocker.unblock():
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
        wrapper.close()


def _wrapper_defaults():
    return {
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }


def test_without_redis_tasks_run_in_process_and_with_redis_they_are_queued():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'])"
    )
    embedded = run_django("website.settings.dev", {"REDIS_URL": ""}, code)
    assert embedded.returncode == 0, embedded.stderr
    assert embedded.stdout.split() == [
        "True",
        "memory://",
        "django.core.cache.backends.locmem.LocMemCache",
    ]
    queued = run_django("website.settings.dev", {"REDIS_URL": "redis://127.0.0.1:6379/3"}, code)
    assert queued.stdout.split() == [
        "False",
        "redis://127.0.0.1:6379/3",
        "website.cachebackend.ResilientRedisCache",
    ]


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "BASE_URL"],
)
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_django("website.settings.production", env, "import django; django.setup()")
    assert result.returncode != 0
    assert f"The environment variable {missing} is required" in result.stderr


def test_production_deploy_check_reports_nothing():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean_environ(),
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "website.settings.production",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
