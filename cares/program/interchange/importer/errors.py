"""The one error of an import and the JSON paths its lines name (interchange.md: "every error
with the JSON path of the bad value")."""

from __future__ import annotations


class CaseloadImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def json_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"
