"""The colours roles take, the same in the map and in the diagrams."""

from __future__ import annotations

from ..model import Journey

# Paul Tol's "light" scheme: told apart with every common colour-vision deficiency, and dark
# text stays readable on each. Pairs are (fill, line); roles take them in the journey's order.
PALETTE = (
    ("#77AADD", "#2F6496"), ("#EE8866", "#A8451F"), ("#EEDD88", "#8C7A1C"),
    ("#FFAABB", "#B03A55"), ("#99DDFF", "#1D7CA8"), ("#44BB99", "#1E6E58"),
    ("#BBCC33", "#5F6B10"), ("#AAAA00", "#5C5C00"),
)  # fmt: skip
NEUTRAL = ("#DDDDDD", "#555555")  # a person named directly, not through a role


def role_colours(journey: Journey) -> dict[str, tuple[str, str]]:
    """(fill, line) for each role, by the order the journey lists its roles."""
    return {role: PALETTE[i % len(PALETTE)] for i, role in enumerate(journey.roles)}
