"""Running the interchange commands from tests: a caseload file and a command's output."""

import io
import json

from django.core.management import call_command


def write(tmp_path, data, name="caseload.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()
