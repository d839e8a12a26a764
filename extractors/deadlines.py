"""Deadlines: time expressions that fix when something is due (DOMAIN.md §6).

The grammar of time expressions is `vnplan.text.dates` (`find_deadlines`,
`parse_deadline`), shared with the segmenter and tasks. `deadline_for(ctx, start)` answers "when is the thing that
starts at `start` due, and where does that date come from": its own sentence
or item ("own"), else the nearest ancestor heading that fixes a date
("heading:<path>"), else the plan's own period or year from its title
("document"). `extract` yields a `Deadline` fact for every expression.
"""

from __future__ import annotations

from collections.abc import Iterator

from vnplan.context import Context
from vnplan.models import Deadline
from vnplan.text.dates import TimeExpr, find_deadlines, lower_slice


def extract(ctx: Context) -> Iterator[Deadline]:
    """Every deadline expression in the current document (none spans a line break)."""
    s0, e0 = ctx.body
    body = ctx.text[s0:e0]
    # One pass over the whole body is much cheaper than one per line; drop what crosses a line.
    for te in find_deadlines(body, lower_slice(ctx.text, s0, e0)):
        quote = body[te.start:te.end]
        if "\n" in quote:
            lead = len(quote) - len(quote.lstrip())
            if "\n" in quote[lead:]:
                continue
            te = TimeExpr(te.kind, te.start + lead, te.end, te.due, te.period_start, te.period_end, te.relative,
                          te.recurring)
        s, e = s0 + te.start, s0 + te.end
        yield Deadline(**ctx.fact_args(s, e, f"deadline.{te.kind}"), kind=te.kind, due=te.due,
                       period_start=te.period_start, period_end=te.period_end, relative=te.relative,
                       recurring=te.recurring)
