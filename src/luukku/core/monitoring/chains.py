"""Chained visits: customers served by two or more agencies in one visit.

A visit's steps are the agencies that served it, in order, each with the hand-over
time from the previous one (seconds, or None when it is not known). Counted per
sequence of agencies ("KELA>VERO"); pairs are read from the sequences, so a visit
counts once however many agencies it saw. Plain data in, plain data out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SEPARATOR = ">"


@dataclass
class ChainFigures:
    visits: int = 0
    handovers: int = 0
    handover_sum_s: int = 0

    def add(self, other: ChainFigures) -> None:
        self.visits += other.visits
        self.handovers += other.handovers
        self.handover_sum_s += other.handover_sum_s

    def mean_handover_min(self) -> float | None:
        return self.handover_sum_s / self.handovers / 60 if self.handovers else None


def _steps(steps: Iterable[tuple[str, float | None]]) -> list[tuple[str, float | None]]:
    """The steps with an agency repeated in a row merged (a pass within one agency)."""
    out: list[tuple[str, float | None]] = []
    for agency, handover in steps:
        if out and out[-1][0] == agency:
            continue
        out.append((agency, handover if out else None))
    return out


def count_sequences(
    visits: Iterable[Iterable[tuple[str, float | None]]],
) -> dict[str, ChainFigures]:
    """Figures per agency sequence of the visits that saw two or more agencies."""
    found: dict[str, ChainFigures] = {}
    for visit in visits:
        steps = _steps(visit)
        if len(steps) < 2:
            continue
        f = found.setdefault(SEPARATOR.join(a for a, _h in steps), ChainFigures())
        f.visits += 1
        for _agency, handover in steps[1:]:
            if handover is not None and handover >= 0:
                f.handovers += 1
                f.handover_sum_s += round(handover)
    return found


def pairs(sequences: Mapping[str, ChainFigures]) -> dict[tuple[str, str], int]:
    """How many visits went straight from one agency to the next, per pair."""
    out: dict[tuple[str, str], int] = {}
    for sequence, f in sequences.items():
        agencies = sequence.split(SEPARATOR)
        for pair in zip(agencies, agencies[1:], strict=False):
            out[pair] = out.get(pair, 0) + f.visits
    return out
