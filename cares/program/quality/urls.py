"""Routes of quality management (namespace ``quality``), gathered from each part's view
module."""

from __future__ import annotations

from cares.program.quality.views import grievances, hub, packets, requests, surveys

app_name = "quality"

urlpatterns = [
    *hub.urlpatterns,
    *requests.urlpatterns,
    *packets.urlpatterns,
    *surveys.urlpatterns,
    *grievances.urlpatterns,
]
