"""Start-up check: which font-subsetting path WeasyPrint will take (without importing it)."""

from django.core.checks import Warning, register

from cares.base import pdf


@register()
def harfbuzz_subset_check(app_configs=None, **kwargs):
    if pdf.harfbuzz_subset_installed():
        return []
    return [Warning(
        "libharfbuzz-subset0 is not installed: WeasyPrint subsets fonts with fontTools, "
        "several times slower with the CJK fonts of Chinese letters (WeasyPrint issue 2120).",
        hint="apt-get install libharfbuzz-subset0 (make system-deps does it).",
        id="notices.W001")]
