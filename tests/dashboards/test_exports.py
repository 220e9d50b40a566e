"""Every table exports to CSV, and every export is written to the audit log."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from cares.base.audit.models import Action, AuditEvent
from cares.base.exports import cell
from cares.program.dashboards.views import PROGRAM_TABLES
from tests.dashboards.conftest import coordinators
from tests.factories import make_director, sign_in

pytestmark = pytest.mark.django_db


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cares-')
    assert "no-store" in response["Cache-Control"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def last_export() -> AuditEvent:
    return AuditEvent.objects.filter(action=Action.EXPORT).latest("pk")


def test_every_dashboard_table_exports_and_is_audited(program):
    director = make_director()
    client = sign_in(Client(), director.user)
    for table in PROGRAM_TABLES:
        before = AuditEvent.objects.filter(action=Action.EXPORT).count()
        got = rows(client.get(f"/dashboard/?period=year&export={table}"))
        assert got and got[0], table
        assert AuditEvent.objects.filter(action=Action.EXPORT).count() == before + 1
        event = last_export()
        assert event.actor == director.user
        assert event.detail["table"] == f"dashboard-{table}"
        assert event.detail["rows"] == len(got) - 1
        assert event.detail["filters"]["period"] == "year"
        assert event.path == "/dashboard/"
    assert client.get("/dashboard/?export=nonsense").status_code == 404


def test_the_compliance_export_has_the_page_numbers(program):
    client = sign_in(Client(), make_director().user)
    context = client.get("/dashboard/?period=year").context
    got = rows(client.get("/dashboard/?period=year&export=compliance"))
    header = got[0]
    by_rule = {r[header.index("rule")]: r for r in got[1:]}
    for row, _links in context["rules"]:
        line = by_rule[row.rule]
        assert int(line[header.index("due")]) == row.counts.total
        assert int(line[header.index("overdue")]) == row.counts.overdue
        assert line[header.index("spec")] == row.citation
    assert int(by_rule["all"][header.index("met")]) == context["total"].met


def test_member_lists_export_member_ids_to_the_audit_log_never_names(program):
    client = sign_in(Client(), make_director().user)
    got = rows(client.get("/dashboard/deadlines/?status=overdue&export=1"))
    event = last_export()
    header = got[0]
    ids = {int(r[header.index("member_id")]) for r in got[1:] if r[header.index("member_id")]}
    assert ids and set(event.detail["member_ids"]) == ids
    assert event.detail["filters"] == {"status": "overdue"}
    names = {r[header.index("subject")] for r in got[1:]}
    assert not any(name in str(event.detail) for name in names)


def test_worklist_tables_export(program):
    client = sign_in(Client(), coordinators()[0].user)
    for table in ("deadlines", "referrals", "birthdays", "releases"):
        got = rows(client.get(f"/worklist/?export={table}"))
        assert got[0], table
        assert last_export().detail["table"] == f"worklist-{table}"
    assert client.get("/worklist/?export=nonsense").status_code == 404


def test_cells_that_a_spreadsheet_would_run_are_defused():
    assert cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert cell("+1+2") == "'+1+2" and cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell("-3") == "-3" and cell(-3) == "-3" and cell(None) == ""
    assert cell("O'Brien") == "O'Brien"
