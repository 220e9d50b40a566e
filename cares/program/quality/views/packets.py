"""Pages of cares.program.quality (issue 18): packets."""

from __future__ import annotations

urlpatterns: list = []
