"""The facts contract of `vnplan extract --json` (docs/FORMAT.md).

Each fact keeps the FORMAT.md fields and adds `doc_id`, `section`, `start`,
`end` and `rule`, so a consumer can find it in the cleaned text. Every kind's
lists come from its entry in the registry (`vnplan.kinds`).
"""

from __future__ import annotations

from typing import Any

from vnplan.kinds import KINDS
from vnplan.models import Document, FileResult

FORMAT_VERSION = 1


def document_json(d: Document) -> dict[str, Any]:
    """One own document in FORMAT.md shape."""
    return {
        "type": d.type,
        "symbol": d.symbol,
        "date": d.date,
        "issuer": d.issuer,
        "province": d.province,
        "signer": d.signer,
        "signer_title": d.signer_title,
        "title": d.title,
        "doc_id": d.doc_id,
        "key": d.key,
        "place": d.place,
        "recipients": list(d.recipients),
        "promulgated_by": d.promulgated_by,
        "start": d.start,
        "end": d.end,
    }


def facts_json(result: FileResult) -> dict[str, Any]:
    """All facts of one file in the FORMAT.md shape, with provenance fields added."""
    out: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "source": result.source.path.rsplit("/", 1)[-1],
        "sha256": result.source.sha256,
        "documents": [document_json(d) for d in result.documents],
    }
    for kind in KINDS:
        out.update(kind.to_json(result, [f for f in result.facts if type(f) is kind.cls]))
    return out
