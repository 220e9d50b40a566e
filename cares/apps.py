"""The composition root's app config: ``django.contrib.admin`` with the audited site
(``cares.admin.CaresAdminSite``, named as a string so it is imported once every app's models
are loaded)."""

from django.contrib.admin.apps import AdminConfig


class CaresAdminConfig(AdminConfig):
    default_site = "cares.admin.CaresAdminSite"
