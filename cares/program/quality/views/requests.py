"""Pages of cares.program.quality (issue 18): requests."""

from __future__ import annotations

urlpatterns: list = []
