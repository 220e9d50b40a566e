from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """The public contract of ``../shared/spec/interchange.md``: ``import_caseload`` and
    ``compliance_report`` (program level, above the deadline engine)."""

    name = "cares.program.interchange"
    label = "interchange"
    verbose_name = "Caseload import and compliance report"
