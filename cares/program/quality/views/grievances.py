"""Pages of cares.program.quality (issue 18): grievances."""

from __future__ import annotations

urlpatterns: list = []
