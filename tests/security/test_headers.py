"""Headers and production settings (45 CFR 164.312(e) transmission security; ASVS V14)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import enrolled_member, sign_in

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "CARES_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgres://cares@db.example.org:5432/cares?sslmode=verify-full",
    "CELERY_BROKER_URL": "rediss://redis.example.org:6380/0?ssl_cert_reqs=required",
    "ALLOWED_HOSTS": "cares.example.org",
    "CARES_MAIL_GATEWAY": "smtp+tls://cares:secret@mail-gateway.example.org:587",
    "EMAIL_URL": "smtp+tls://cares:secret@mail.example.org:587",
}


def run_manage(*args, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                          "DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY",
                          "DJANGO_ALLOW_ASYNC_UNSAFE")}
    clean["DJANGO_SETTINGS_MODULE"] = "cares.settings"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT,
                          env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        **PRODUCTION_ENV, CARES_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("override", "message"), [
    ({"DATABASE_URL": "postgres://cares@db.example.org:5432/cares"}, "TLS to PostgreSQL"),
    ({"DATABASE_URL": "postgres://cares@db.example.org:5432/cares?sslmode=require"},
     "verified certificate"),
    ({"CELERY_BROKER_URL": "redis://redis.example.org:6379/0"}, "TLS to Redis"),
    ({"CELERY_BROKER_URL": "rediss://redis.example.org:6380/0?ssl_cert_reqs=none"},
     "TLS to Redis"),
    ({"CARES_MAIL_GATEWAY": ""}, "secure mail gateway"),
    ({"CARES_MAIL_GATEWAY": "smtp://mail.example.org:25"}, "secure mail gateway"),
    # Every e-mail, not only letters: break-glass notices name a member record.
    ({"EMAIL_URL": ""}, "e-mail only over TLS"),
    ({"EMAIL_URL": "consolemail://"}, "e-mail only over TLS"),
    ({"EMAIL_URL": "filemail:///tmp/mail"}, "e-mail only over TLS"),
    ({"EMAIL_URL": "smtp://cares:secret@mail.example.org:25"}, "e-mail only over TLS"),
    ({"DATABASE_URL": "sqlite:///x.sqlite3"}, "PostgreSQL"),
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ({"DEBUG": "1"}, "DEBUG must be off"),
])
def test_production_refuses_to_start_without_tls_or_key(tmp_path, override, message):
    result = run_manage("check", **{**PRODUCTION_ENV, **override},
                        CARES_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.django_db
def test_phi_pages_carry_security_headers(client, coordinator):
    member = enrolled_member(coordinator)
    sign_in(client, coordinator.user)
    response = client.get(reverse("members:detail", args=[member.pk]))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "default-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_session_cookie_flags(client, coordinator):
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": coordinator.user.email,
                                              "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_production_cookies_and_hsts_are_strict():
    result = subprocess.run(
        [sys.executable, "-c",
         "import django;django.setup();from django.conf import settings as s;"
         "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
         " s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_HTTPONLY)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items()
                if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}, **PRODUCTION_ENV,
             "DJANGO_SETTINGS_MODULE": "cares.settings"})
    assert result.stdout.split() == ["True"] * 5, result.stderr


@pytest.mark.django_db
def test_no_state_change_on_get(client, coordinator):
    sign_in(client, coordinator.user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get("/members/").status_code == 200  # still signed in


@pytest.mark.django_db
def test_state_changes_need_the_csrf_token(coordinator):
    from django.test import Client

    from members.models import Member

    client = sign_in(Client(enforce_csrf_checks=True), coordinator.user)
    response = client.post("/members/new/", {"legal_first_name": "X"})
    assert response.status_code == 403
    assert not Member.objects.exists()
