"""Pages of cares.program.quality (issue 18): surveys."""

from __future__ import annotations

urlpatterns: list = []
