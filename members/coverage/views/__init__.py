"""Pages of the around-the-clock records, one module per part; ``members.coverage.urls``
gathers their ``urlpatterns``."""
