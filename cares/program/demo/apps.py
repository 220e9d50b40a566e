from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and benchmarks: ``seed_demo``, ``demo_code``, ``bench`` and the letter
    benchmark. Fictional people only; refused unless DEBUG is on."""

    name = "cares.program.demo"
    label = "demo"
    verbose_name = "Demo data and benchmarks"
