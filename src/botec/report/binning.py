"""Histogram bins that exist for any set of draws: numpy cannot cut 40 equal bins out of a spread
narrower than about 40 representable floats (a range of 5 to 5.00000000000001, draws near
1e-320), and raises instead."""

from __future__ import annotations

from typing import Any

BINS = 40


def histogram_edges(values: Any, bins: Any = BINS) -> Any | None:
    """Edges for ``values`` (finite floats): ``bins`` as given where numpy can cut them, else one
    bin per distinct value; None when every draw is the same number (nothing to draw)."""
    import numpy

    try:
        edges = numpy.histogram_bin_edges(values, bins)
    except ValueError:
        edges = None
    if edges is not None and edges.size >= 2 and bool(numpy.all(numpy.diff(edges) > 0)):
        return edges
    distinct = numpy.unique(values)
    return distinct if distinct.size >= 2 else None
