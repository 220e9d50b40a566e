"""Pages of members.coverage (issue 17): line."""

from __future__ import annotations

urlpatterns: list = []
