"""The composition root's app config: ``django.contrib.admin`` with the audited site
(``cares.admin.CaresAdminSite``, named as a string so it is imported once every app's models
are loaded), and, once they are, the models' ``get_FOO_display`` that translates only the
label it shows (``cares.base.choices``)."""

from django.contrib.admin.apps import AdminConfig

from cares.base.choices import install_fast_display


class CaresAdminConfig(AdminConfig):
    default_site = "cares.admin.CaresAdminSite"

    def ready(self):
        super().ready()
        install_fast_display()
