"""Fact extractors, one module per kind of fact.

Each module exposes `extract(ctx) -> Iterable[Fact]` over a `vnplan.context.Context`. The
registry of fact kinds (`vnplan.kinds`) lists them in run order; later extractors may read
the facts of earlier ones from `ctx.prior[name]`.
"""
