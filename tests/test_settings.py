"""Settings read from the environment: embedded defaults, security invariants, required key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent

# Printed by a fresh interpreter, so nothing the test run did to django.conf.settings (the test
# database name is written into settings.DATABASES) can leak into the answer.
_DUMP_DATABASE = """
import json
import django
django.setup()
from django.conf import settings
dumped = {"db": settings.DATABASES["default"], "var_dir": str(settings.VAR_DIR)}
print(json.dumps(dumped, default=str))
"""


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Only what an interpreter needs, plus a private var/ directory."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "CARES_VAR_DIR": str(tmp_path / "var"),
    }
    env.update(extra)
    return env


def test_default_database_follows_database_url():
    # cares.settings itself: tests.settings gives the suite a var/ of its own.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cares.settings"}
    env.pop("CARES_VAR_DIR", None)
    proc = _python(_DUMP_DATABASE, env)
    assert proc.returncode == 0, proc.stderr
    dumped = json.loads(proc.stdout.strip().splitlines()[-1])
    db = dumped["db"]

    if os.environ.get("DATABASE_URL"):
        assert db["ENGINE"] == "django.db.backends.postgresql"
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    else:
        var_dir = BASE_DIR / "var"
        assert Path(dumped["var_dir"]) == var_dir
        assert db["ENGINE"] == "django.db.backends.sqlite3"
        assert Path(db["NAME"]) == var_dir / "cares.sqlite3"
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_time_zone_and_aware_datetimes():
    assert settings.TIME_ZONE == "America/New_York"
    assert settings.USE_TZ is True


def test_passwords_are_hashed_with_argon2_first():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_custom_user_model():
    assert settings.AUTH_USER_MODEL == "staff.User"


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    proc = _python("import cares.settings", _clean_env(tmp_path))
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert "SECRET_KEY" in proc.stderr


def test_debug_runs_without_a_secret_key(tmp_path):
    proc = _python("import cares.settings", _clean_env(tmp_path, DEBUG="1"))
    assert proc.returncode == 0, proc.stderr
