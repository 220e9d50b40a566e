"""The loopback-only trial: ``CARES_ENV=production`` on one machine without TLS.

``CARES_LOOPBACK_TRIAL=1`` relaxes the guards that only matter on a network: TLS to PostgreSQL,
Redis and SMTP, and the HTTPS redirect. Nothing else (DEBUG off, the secret key, PostgreSQL,
secure cookies, HSTS over HTTPS). It is honoured only when every address the program binds or
connects to is on this machine (127.0.0.0/8, ::1, ``localhost``, or a Unix socket): the web
bind (``BIND``, or ``HOST``), ``DATABASE_URL``, ``CELERY_BROKER_URL``, ``CELERY_RESULT_BACKEND``
and any SMTP server (``EMAIL_URL``, ``CARES_MAIL_GATEWAY``); otherwise the settings refuse to
load. Read by ``cares.settings`` and ``cares.gunicorn_conf`` (which checks gunicorn's final
bind again, command-line ``--bind`` included). Imports nothing from the project.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

TRIAL = "CARES_LOOPBACK_TRIAL"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = "8000"
# The environment variables naming a server the program connects to (unset: the embedded
# default on this machine: SQLite, the filesystem broker, the console).
CONNECTED = ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "EMAIL_URL",
             "CARES_MAIL_GATEWAY")

logger = logging.getLogger(__name__)


def asked(environ: Mapping[str, str]) -> bool:
    return environ.get(TRIAL, "").strip().lower() in ("1", "true", "yes", "on")


def web_binds(environ: Mapping[str, str]) -> list[str]:
    """gunicorn's addresses: ``BIND`` (comma- or space-separated, e.g. ``127.0.0.1:8000`` or
    ``unix:/run/cares.sock``), else ``HOST``:``PORT`` (default 127.0.0.1:8000)."""
    bind = environ.get("BIND", "").strip()
    if bind:
        return [part for part in re.split(r"[,\s]+", bind) if part]
    host = environ.get("HOST", "").strip() or DEFAULT_HOST
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return [f"{host}:{environ.get('PORT', '').strip() or DEFAULT_PORT}"]


def is_loopback_host(host: str | None) -> bool:
    """True for a loopback name or address; None or "" (a Unix socket, the default) too."""
    if not host:
        return True
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_bind(bind: str) -> bool:
    if bind.startswith("unix:"):
        return True
    if bind.startswith("fd://"):
        return False  # a socket handed over by someone else: cannot tell
    if bind.startswith("["):
        return is_loopback_host(bind[1:].split("]", 1)[0])
    return is_loopback_host(bind.rsplit(":", 1)[0] if ":" in bind else bind)


def is_loopback_url(url: str) -> bool:
    try:
        return is_loopback_host(urlsplit(url).hostname)
    except ValueError:
        return False


def off_loopback(environ: Mapping[str, str], binds: Iterable[str] | None = None) -> list[str]:
    """What is not on this machine, named without credentials: e.g. ``["web bind
    0.0.0.0:8000", "DATABASE_URL"]``."""
    binds = web_binds(environ) if binds is None else binds
    found = [f"web bind {bind}" for bind in binds if not is_loopback_bind(bind)]
    return found + [name for name in CONNECTED
                    if environ.get(name) and not is_loopback_url(environ[name])]


def loopback_trial(environ: Mapping[str, str]) -> bool:
    """True when the trial is asked for and everything is on loopback (with a loud warning);
    False when not asked; ImproperlyConfigured when asked for with anything off loopback."""
    if not asked(environ):
        return False
    refuse_off_loopback(off_loopback(environ))
    logger.warning(
        "!!! %s=1: a loopback-only trial. TLS to PostgreSQL, Redis and SMTP and the HTTPS "
        "redirect are OFF. Never use it with a network address or for a live program: "
        "README, Deploying. !!!", TRIAL)
    return True


def refuse_off_loopback(found: list[str]) -> None:
    if found:
        raise ImproperlyConfigured(
            f"{TRIAL}=1 is honoured only when everything is on this machine (127.0.0.1, "
            f"localhost or a Unix socket); not on loopback: {', '.join(found)}. Unset "
            f"{TRIAL} and set up TLS (README, Deploying).")
