"""Domain data (document types, issuers, agencies, provinces, indicators, cue words) and its loader.

Every file is read through `load(name)`, which checks it before any stage sees it: the file
parses, each entry of its entry lists has the keys its file requires and a non-empty list of
`examples`, and every regular expression (`pattern`, `patterns`, `cue`) compiles. A malformed
entry fails at load with its file and line (`GazetteerError: gazetteer/chrome.json:41: ...`),
not later as a wrong answer. Whether the examples really match their entries is for the test
named after each file (tests/test_gazetteer_<file>.py): that needs the stage that reads it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from json import scanner
from typing import Any


class GazetteerError(ValueError):
    """A gazetteer file that cannot be used, with its file and line."""


# Per file: where its entry lists are (a top-level key, or "" for a JSONL file's rows, by `type`)
# and the keys every entry of a list must have besides `examples`.
REQUIRED: dict[str, dict[str, tuple[str, ...]]] = {
    "agencies.jsonl": {"agency": ("id", "name", "kind", "scope"), "variant": ("from", "to")},
    "chrome.json": {"entries": ("kind", "pattern")},
    "collectives.json": {"entries": ("id", "name", "patterns")},
    "doc_headings.json": {"types": ("heading", "type", "codes"), "signer_titles": ("pattern", "title"),
                          "issuer_bodies": ("upper", "short"), "proper_phrases": ("phrase",),
                          "agency_heads": ("pattern",)},
    "doctypes.json": {"entries": ("word",)},
    "indicators.json": {"entries": ("code", "name_vi", "name_en", "aliases")},
    "issuers.json": {"codes": ("code", "name", "scope"), "names": ("pattern", "canonical", "scope")},
    "ocr_repairs.json": {"phrases": ("phrase",), "labels": ("label", "pattern")},
    "provinces.json": {"old": ("name", "kind", "new"), "new": ("name", "kind", "merged_from")},
    "query_grammar.json": {},
    "relation_cues.json": {"entries": ("relation", "where", "cue")},
    "target_cues.json": {},
    "wrap_cues.json": {"entries": ("word",), "caps_bigrams": ("pair",)},
}
# Keys whose values are regular expressions (a string or a list of them).
REGEX_KEYS = ("pattern", "patterns", "cue")
# Dictionaries that are descriptions of a file or a group, not entries: they need no examples.
_NOT_ENTRY_KEYS = {"description", "about", "source", "effective", "note"}


def _positions(text: str) -> tuple[Any, dict[int, int]]:
    """Parse JSON text; also return the offset where each object starts (by the object's id)."""
    starts: dict[int, int] = {}
    decoder = json.JSONDecoder()
    parse_object = decoder.parse_object

    def recording(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        obj, end = parse_object(s_and_end, *args)
        starts[id(obj)] = s_and_end[1] - 1
        return obj, end

    decoder.parse_object = recording  # type: ignore[assignment]
    decoder.scan_once = scanner.py_make_scanner(decoder)
    return decoder.decode(text), starts


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _check_regexes(where: str, entry: dict[str, Any]) -> None:
    for key in REGEX_KEYS:
        values = entry.get(key)
        for rx in [values] if isinstance(values, str) else values if isinstance(values, list) else ():
            try:
                re.compile(rx)
            except (re.error, TypeError) as exc:
                raise GazetteerError(f"{where}: `{key}` is not a regular expression ({exc}): {rx!r}") from None


def _check_entry(where: str, entry: Any, required: tuple[str, ...]) -> None:
    if not isinstance(entry, dict):
        raise GazetteerError(f"{where}: an entry must be an object, not {type(entry).__name__}")
    missing = [k for k in required if k not in entry]
    if missing:
        raise GazetteerError(f"{where}: entry lacks {', '.join(missing)}")
    examples = entry.get("examples")
    if not isinstance(examples, list) or not examples:
        raise GazetteerError(f"{where}: entry has no examples (every entry carries real phrases it must match)")
    _check_regexes(where, entry)


def _check_json(name: str, text: str, data: Any, starts: dict[int, int]) -> None:
    required = REQUIRED.get(name, {})
    if not isinstance(data, dict):
        raise GazetteerError(f"gazetteer/{name}:1: the file must hold one object")

    def where(obj: Any) -> str:
        return f"gazetteer/{name}:{_line(text, starts.get(id(obj), 0))}"

    for key, value in data.items():
        if key in required:
            if not isinstance(value, list):
                raise GazetteerError(f"{where(data)}: `{key}` must be a list of entries")
            for entry in value:
                _check_entry(where(entry), entry, required[key])
        elif isinstance(value, list) and value and all(isinstance(e, dict) for e in value) \
                and not key.endswith("examples"):
            for entry in value:
                _check_entry(where(entry), entry, ())
        elif isinstance(value, dict) and key not in _NOT_ENTRY_KEYS:
            # A group (`units`, `plan_signals`): its regular expressions must compile, and a group that
            # holds its own list of entries is checked like a top-level list.
            _check_regexes(where(value), value)
            for entry in value.get("entries") or ():
                if isinstance(entry, dict):
                    _check_entry(where(entry), entry, ())


def _read(name: str) -> Any:
    try:
        text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GazetteerError(f"gazetteer/{name}: cannot read: {exc}") from None
    if name.endswith(".jsonl"):
        rows = []
        required = REQUIRED.get(name, {})
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise GazetteerError(f"gazetteer/{name}:{n}: not JSON: {exc}") from None
            _check_entry(f"gazetteer/{name}:{n}", row, required.get(row.get("type", ""), ()) if isinstance(row, dict) else ())
            rows.append(row)
        return rows
    try:
        data, starts = _positions(text)
    except ValueError as exc:
        raise GazetteerError(f"gazetteer/{name}: not JSON: {exc}") from None
    _check_json(name, text, data, starts)
    return data


@cache
def load(name: str) -> Any:
    """One gazetteer file, parsed and checked (JSON or JSONL); raises GazetteerError with file and line."""
    return _read(name)


@cache
def load_chrome() -> tuple[str, ...]:
    """Line starts that mark portal chrome, not document content."""
    return tuple(e["pattern"] for e in load("chrome.json")["entries"])
