"""The import's quick schema check (issue 20) changes no message: for valid files and for
hundreds of files with one or two values spoiled, the schema errors are exactly those of
JSON Schema validation alone."""

import copy
import json
import random
from pathlib import Path

from cares.program.interchange.importer import shape

DATA = Path(__file__).with_name("data")
SPOILERS = [None, True, False, 0, 1, -1, 1.5, 81, "", "x", "2020-13-01", "2021-02-03",
            "a@b.co", "bad@", "en", "zz-!!", "123456789012", "1234", [], {}, [1], {"a": 1},
            "x" * 300, 3.0, "ineligible", "in_person"]


def _paths(node, at=()):
    yield at
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, value in items:
        yield from _paths(value, (*at, key))


def _spoiled(data, rng):
    doc = copy.deepcopy(data)
    for _ in range(rng.choice((1, 2))):
        *parents, last = rng.choice(list(_paths(doc))[1:])
        node = doc
        for key in parents:
            node = node[key]
        if isinstance(node, dict) and rng.random() < 0.15:
            node.pop(last, None) if rng.random() < 0.5 else node.update({f"{last}_x": 1})
        else:
            node[last] = rng.choice(SPOILERS)
    return doc


def _jsonschema_alone(monkeypatch, doc):
    with monkeypatch.context() as patch:
        patch.setattr(shape, "_valid", lambda: lambda data: False)
        return shape.schema_errors(doc)


def test_the_quick_check_changes_no_schema_error(monkeypatch):
    rng = random.Random(20)
    for name in ("program.json", "example.json"):
        data = json.loads((DATA / name).read_text())
        assert shape.schema_errors(data) == [] == _jsonschema_alone(monkeypatch, data)
        for _ in range(150):
            doc = _spoiled(data, rng)
            assert shape.schema_errors(doc) == _jsonschema_alone(monkeypatch, doc)
