"""Run N callables at the same moment, each in its own thread with its own database
connection, for the PostgreSQL concurrency suite.

    from tests.concurrency.race import race, postgres_only

    @postgres_only
    @pytest.mark.django_db(transaction=True)
    def test_one_wins():
        results = race(lambda: episode_enroll(...), n=8)
        assert len(successes(results)) == 1
        assert all(isinstance(r, Refused) for r in failures(results))

``race(fn, n=8)`` returns a list of n items, each what ``fn()`` returned or the exception it
raised (never re-raised). ``fn`` may also be a list of callables (run each once, at once).
Every thread waits at a ``threading.Barrier`` before calling, and closes its database
connection afterwards so the test database can be dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection, connections

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks and concurrent transactions: PostgreSQL (SQLite serialises writers)")


def race(fn: Callable[[], Any] | Sequence[Callable[[], Any]], n: int = 8,
         timeout: float = 60) -> list[Any]:
    """Call ``fn`` from ``n`` threads released together; return results or exceptions."""
    fns = list(fn) if isinstance(fn, (list, tuple)) else [fn] * n
    barrier = threading.Barrier(len(fns))
    results: list[Any] = [None] * len(fns)

    def run(i: int, f: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[i] = f()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f), daemon=True) for i, f in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    if any(t.is_alive() for t in threads):
        raise AssertionError("a racing thread did not finish (deadlock?)")
    return results


def successes(results: list[Any]) -> list[Any]:
    return [r for r in results if not isinstance(r, BaseException)]


def failures(results: list[Any]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException)]
