"""Segment stage: cleaned text -> documents, each with its section tree.

`split_documents` finds where each document of a file starts; `build_tree`
reads heading markers line by line and nests them by kind. The order in which
kinds nest is not fixed by the kind itself (a plan may use `1.` under `I.` or
on its own), so a new marker kind opens a level below the current one and a
kind already on the stack closes everything under it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .models import Cleaned, Document, Section, Source

# Heading markers, tried in order; the first that matches a line start wins.
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(r"^Phần\s+(thứ\s+\w+|[IVXLC]+|\d+)\b[.:]?\s*", re.I)),
    ("chapter", re.compile(r"^Chương\s+([IVXLC]+|\d+)\b[.:]?\s*", re.I)),
    ("item", re.compile(r"^Mục\s+(\d+|[IVXLC]+)\b[.:]?\s*")),
    ("article", re.compile(r"^Điều\s+(\d+[a-z]?)\s*[.:]\s*")),
    ("annex", re.compile(r"^PHỤ\s+LỤC(?:\s+(?:SỐ\s+)?([IVXLC]+|\d+))?\b\s*", re.I)),
    ("roman", re.compile(r"^([IVXLC]{1,5})\s*[.\-–/)]\s*(?=\S)")),
    ("arabic", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)/]\s*(?=\S)|^(\d{1,2}(?:\.\d{1,2}){1,3})\s+(?=\S)")),
    ("letter", re.compile(r"^([a-zđ])\s*\)\s*")),
    ("dash", re.compile(r"^([-–•])\s*(?=\S)")),
    ("plus", re.compile(r"^(\+)\s*(?=\S)")),
)


def match_marker(line: str) -> tuple[str, str, int] | None:
    """The kind, label and marker length of a heading line, or None for plain text."""
    for kind, pat in MARKERS:
        m = pat.match(line)
        if m:
            label = next((g for g in m.groups() if g), "") if m.groups() else ""
            if kind == "annex":
                label = f"PL{label or ''}"
            return kind, label, m.end()
    return None


def _arabic_depth(label: str) -> int:
    return label.count(".")


def build_tree(text: str, start: int, end: int) -> tuple[Section, ...]:
    """The section tree of `text[start:end]`, root first, in text order."""
    root = Section("", "root", "", "", start, start, end, 0, None)
    done: list[Section] = [root]
    # stack of [kind, label, path, start, heading_end, depth]
    stack: list[list] = []
    counters: dict[str, int] = {}

    def close_to(n: int, at: int) -> None:
        while len(stack) > n:
            kind, label, path, s, he, depth, parent = stack.pop()
            done.append(Section(path, kind, label, text[s:he].strip(), s, he, at, depth, parent))

    pos = start
    for line in text[start:end].split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        mk = match_marker(line)
        if mk is None:
            continue
        kind, label, _ = mk
        # Where does this marker sit? Close back to an open level of the same kind.
        same = None
        for i in range(len(stack) - 1, -1, -1):
            sk, sl = stack[i][0], stack[i][1]
            if sk == kind and (kind != "arabic" or _arabic_depth(sl) == _arabic_depth(label)):
                same = i
                break
        if kind == "arabic" and same is None:
            # `1.1.` under `1.`: nest below the parent number when it is open.
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == "arabic" and _arabic_depth(stack[i][1]) < _arabic_depth(label):
                    same = i + 1
                    break
        if kind in ("part", "chapter", "article", "annex", "roman") and same is None:
            # Top-level kinds close everything of a lower rank.
            rank = [k for k, _ in MARKERS].index(kind)
            for i, entry in enumerate(stack):
                if [k for k, _ in MARKERS].index(entry[0]) >= rank:
                    same = i
                    break
        if same is not None:
            close_to(same, ls)
        parent_path = stack[-1][2] if stack else ""
        if kind in ("dash", "plus"):
            key = f"{parent_path}|{kind}"
            counters[key] = counters.get(key, 0) + 1
            seg = f"{'-' if kind == 'dash' else '+'}{counters[key]}"
        elif kind == "article":
            seg = f"Đ{label}"
        else:
            seg = label
        path = f"{parent_path}.{seg}" if parent_path else seg
        # Keep paths unique if a label repeats under the same parent.
        n = 2
        base = path
        existing = {e[2] for e in stack} | {s.path for s in done}
        while path in existing:
            path = f"{base}~{n}"
            n += 1
        stack.append([kind, label, path, ls, le, len(stack) + 1, parent_path])
    close_to(0, end)
    secs = sorted(done, key=lambda s: (s.start, s.depth))
    return tuple(secs)


# ---------------------------------------------------------------- documents

_TYPE_LINE = re.compile(
    r"(?m)^[ \t]*(QUYẾT ĐỊNH|KẾ HOẠCH|NGHỊ QUYẾT|NGHỊ ĐỊNH|THÔNG TƯ|CHỈ THỊ|CHƯƠNG TRÌNH(?: HÀNH ĐỘNG)?|"
    r"ĐỀ ÁN|LUẬT|CÔNG VĂN|THÔNG BÁO|HƯỚNG DẪN|BÁO CÁO|QUY ĐỊNH|QUY CHẾ|CÔNG ĐIỆN|KẾT LUẬN)[ \t]*$"
)
_ANNEXED = re.compile(r"\((?:Ban hành )?[Kk]èm theo (Quyết định|Nghị quyết|Chỉ thị)\s+số\s*([^\n)]*?)\)", re.S)


def split_documents(text: str) -> list[tuple[int, int, int | None]]:
    """Spans of the documents in a file: (start, end, index of the promulgating document)."""
    starts = [0]
    promulgated_by: list[int | None] = [None]
    for m in _ANNEXED.finditer(text):
        # The annexed document starts at the type line just before its header.
        head = None
        for t in _TYPE_LINE.finditer(text, max(0, m.start() - 1500), m.start()):
            head = t.start()
        if head is None or head <= starts[-1]:
            continue
        starts.append(head)
        promulgated_by.append(0)
    spans = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(text)
        spans.append((s, e, promulgated_by[i]))
    return spans


def segment(source: Source, cleaned: Cleaned) -> tuple[Document, ...]:
    """Split a cleaned file into documents, read their metadata, build their trees."""
    from .metadata import read_metadata

    text = cleaned.text
    docs = []
    for i, (s, e, parent) in enumerate(split_documents(text)):
        doc = Document(
            doc_id=f"{source.sha256[:16]}:{i}",
            file_sha=source.sha256,
            index=i,
            start=s,
            end=e,
            promulgated_by=parent,
            sections=build_tree(text, s, e),
        )
        docs.append(doc)
    out = []
    for doc in docs:
        meta = read_metadata(text, doc, docs, source)
        out.append(replace(doc, **meta))
    return tuple(out)
