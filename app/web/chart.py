"""A server-drawn SVG chart's geometry: a series of numbers as a line and the area under it."""

from dataclasses import dataclass
from functools import lru_cache

WIDTH, HEIGHT, PAD = 360, 120, 6


@dataclass(frozen=True)
class ChartShape:
    """SVG geometry of a series in a WIDTH x HEIGHT box: the line, the area, the zero line."""

    line: str
    area: str
    zero_y: float | None


def shape(values: list[int], high: int | None = None) -> ChartShape:
    """Scale the values into the box, zero always included so a dip below it shows; high:
    the top of the scale (to draw several series on one), else the largest value."""
    # The dashboard draws the same balances on every visit until the next charge.
    return _shape(tuple(values), high)


@lru_cache(maxsize=1024)
def _shape(values: tuple[int, ...], high: int | None) -> ChartShape:
    low = min(min(values), 0)
    high = max(max(values), 0) if high is None else high
    span = high - low or 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y(value: int) -> float:
        return round(HEIGHT - PAD - (value - low) * (HEIGHT - 2 * PAD) / span, 1)

    points = [(round(PAD + n * step, 1), y(v)) for n, v in enumerate(values)]
    line = "M" + " L".join(f"{x},{py}" for x, py in points)
    base = y(0)
    area = f"{line} L{points[-1][0]},{base} L{points[0][0]},{base} Z"
    # Below zero is debt on a balance: mark where zero is so the dip reads as one.
    return ChartShape(line, area, base if low < 0 else None)
