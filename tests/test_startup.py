"""Web start-up stays fast: WeasyPrint (and its fonts) load only when a PDF is rendered."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

CODE = """
import sys
import cares.wsgi  # django.setup() and the WSGI application
from django.urls import get_resolver
get_resolver().url_patterns  # every URLconf and view module imported
print("weasyprint" in sys.modules, "notices.views" in sys.modules)
"""


def test_web_start_up_does_not_import_weasyprint():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    proc = subprocess.run([sys.executable, "-c", CODE], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-2:] == ["False", "True"], proc.stdout
