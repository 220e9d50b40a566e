"""Routes of the around-the-clock records (namespace ``coverage``), gathered from each part's
view module."""

from __future__ import annotations

from members.coverage.views import availability, backup, line, roster, supervision

app_name = "coverage"

urlpatterns = [
    *roster.urlpatterns,
    *line.urlpatterns,
    *availability.urlpatterns,
    *backup.urlpatterns,
    *supervision.urlpatterns,
]
