"""The gazetteer loader: every file loads, and a malformed entry fails at load with its file and line."""

from __future__ import annotations

from importlib import resources

import pytest
from vnplan import gazetteer

FILES = sorted(p.name for p in resources.files("vnplan.gazetteer").iterdir() if p.name.endswith((".json", ".jsonl")))


@pytest.mark.parametrize("name", FILES)
def test_every_file_loads(name: str) -> None:
    assert gazetteer.load(name)


def _read(monkeypatch, name: str, text: str):
    """`gazetteer._read(name)` over `text` instead of the packaged file."""

    class Fake:
        def joinpath(self, _name):
            return self

        def read_text(self, encoding):
            return text

    monkeypatch.setattr(gazetteer.resources, "files", lambda _pkg: Fake())
    return gazetteer._read(name)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("chrome.json", '{"entries": [\n {"kind": "line", "pattern": "a", "examples": ["a"]},\n {"kind": "line", "pattern": "b"}\n]}',
     "gazetteer/chrome.json:3: entry has no examples"),
    ("chrome.json", '{"entries": [\n {"kind": "line", "pattern": "(", "examples": ["a"]}\n]}',
     "gazetteer/chrome.json:2: `pattern` is not a regular expression"),
    ("wrap_cues.json", '{"entries": [\n\n {"examples": ["x"]}\n]}', "gazetteer/wrap_cues.json:3: entry lacks word"),
    ("agencies.jsonl", '{"type": "agency", "id": "a", "name": "A", "kind": "k", "scope": "s", "examples": ["A"]}\n'
     '{"type": "agency", "id": "b", "name": "B", "scope": "s", "examples": ["B"]}', "gazetteer/agencies.jsonl:2: entry lacks kind"),
    ("agencies.jsonl", '{"type": "variant", "from": "UBND", "to": ["Ủy ban"], "examples": ["UBND"]}\n{"type": ', "gazetteer/agencies.jsonl:2: not JSON"),
    ("new_cues.json", '{"description": "d", "groups": {"entries": [\n {"cue": "x"}\n]}}', "gazetteer/new_cues.json:2: entry has no examples"),
])
def test_malformed_entry_fails_with_file_and_line(monkeypatch, name: str, text: str, message: str) -> None:
    with pytest.raises(gazetteer.GazetteerError) as err:
        _read(monkeypatch, name, text)
    assert str(err.value).startswith(message)


def test_a_description_needs_no_examples(monkeypatch) -> None:
    data = _read(monkeypatch, "new_cues.json", '{"description": "d", "entries": [{"cue": "a", "examples": ["a"]}]}')
    assert data["entries"][0]["cue"] == "a"
