"""The URLconf of ``make bench``, never the site's: the site's own URLs and, beside them, the
page that does only what a measured page must do (``cares.program.demo.bench_must_do``). The
bench sets ``ROOT_URLCONF`` to this module only while it times that page."""

from django.urls import include, path

from cares.program.demo.bench_must_do import must_do

urlpatterns = [
    path("bench/must-do/<slug:name>/", must_do),
    path("", include("cares.urls")),
]
