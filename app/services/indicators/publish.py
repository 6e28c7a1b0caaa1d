"""A year's figures as they are shown: exact for coordinators, suppressed for everyone else.

Small counts about people (above zero, below the threshold) are hidden, and so are enough
others that no hidden cell can be worked out by subtraction:
- a breakdown's cells add up to the indicator's total (people with no answer have their own
  ``unknown`` cell), so where one cell is hidden, at least one more is, and the hidden cells
  together reach the threshold;
- an indicator's breakdowns are different partitions of the same total, and two cells of
  different breakdowns may be the very same people (a programme run in one municipality):
  a visible cell equal to a hidden one of another breakdown is hidden too;
- a total below the threshold hides the whole indicator;
- derived figures (a share, a sum of others) are hidden when any part of them is.
No figure is cumulative over years, so another year's table adds no equation."""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.models.indicators import TOTAL
from app.services.indicators import definitions as d
from app.services.indicators.compute import Values
from app.services.indicators.store import is_frozen, stored_values


@dataclass
class Cell:
    key: str
    value: float | int | None
    suppressed: bool = False


@dataclass
class Figure:
    indicator: d.Indicator
    value: float | int | None
    suppressed: bool = False
    breakdowns: dict[str, list[Cell]] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.indicator.code


@dataclass
class YearFigures:
    year: int
    frozen: bool
    threshold: int
    exact: bool
    figures: list[Figure]

    @property
    def empty(self) -> bool:
        return all(figure.value is None for figure in self.figures)

    def __getitem__(self, code: str) -> Figure:
        return next(figure for figure in self.figures if figure.code == code)


def _small(value, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def _complete(cells: list[Cell], threshold: int) -> bool:
    """Hide more cells of one breakdown until the hidden ones are safe; True if it did."""
    changed = False
    while True:
        hidden = [cell for cell in cells if cell.suppressed]
        if not hidden or (len(hidden) > 1 and sum(c.value for c in hidden) >= threshold):
            return changed
        visible = sorted((c for c in cells if not c.suppressed), key=lambda c: (c.value, c.key))
        # Prefer a non-zero cell: hiding a zero adds nothing to the hidden sum.
        nonzero = [cell for cell in visible if cell.value]
        pick = (nonzero or visible or [None])[0]
        if pick is None:
            return changed
        pick.suppressed = changed = True


def suppress(figure: Figure, threshold: int) -> None:
    """Hide small counts of one indicator and whatever would give them away."""
    if _small(figure.value, threshold):
        figure.suppressed = True
        for cells in figure.breakdowns.values():
            for cell in cells:
                cell.suppressed = True
        return
    for cells in figure.breakdowns.values():
        for cell in cells:
            cell.suppressed = _small(cell.value, threshold)
    changed = True
    while changed:
        changed = False
        for cells in figure.breakdowns.values():
            changed |= _complete(cells, threshold)
        hidden = {
            cell.value for cells in figure.breakdowns.values() for cell in cells if cell.suppressed
        }
        for cells in figure.breakdowns.values():
            for cell in cells:
                if not cell.suppressed and cell.value and cell.value in hidden:
                    cell.suppressed = changed = True


def _stored_figure(indicator: d.Indicator, values: Values, empty: bool) -> Figure:
    if empty:
        return Figure(indicator, None, breakdowns={dim: [] for dim in indicator.breakdowns})
    breakdowns = {
        dim: [
            Cell(key, value)
            for (code, dimension, key), value in sorted(values.items())
            if code == indicator.code and dimension == dim
        ]
        for dim in indicator.breakdowns
    }
    return Figure(indicator, values.get((indicator.code, TOTAL, TOTAL), 0), breakdowns=breakdowns)


def _share(numerator: Figure, denominator: Figure) -> tuple[float | None, bool]:
    if numerator.suppressed or denominator.suppressed:
        return None, True
    if numerator.value is None or not denominator.value:
        return None, False
    return round(100 * numerator.value / denominator.value, 1), False


def _derived(indicator: d.Indicator, by_code: dict[str, Figure], empty: bool) -> Figure:
    if empty:
        return Figure(indicator, None, breakdowns={dim: [] for dim in indicator.breakdowns})
    if indicator.share_of:
        value, hidden = _share(*(by_code[code] for code in indicator.share_of))
        return Figure(indicator, value, hidden)
    if indicator.sum_of:
        parts = [by_code[code] for code in indicator.sum_of]
        hidden = any(part.suppressed for part in parts)
        cells = [Cell(p.code, None if p.suppressed else p.value, p.suppressed) for p in parts]
        value = None if hidden else sum(part.value for part in parts)
        return Figure(indicator, value, hidden, {d.SOURCE: cells})
    code, dimension, keys = indicator.cells_of
    cells = [c for c in by_code[code].breakdowns[dimension] if c.key in keys]
    if any(cell.suppressed for cell in cells):
        return Figure(indicator, None, True)
    return Figure(indicator, sum(cell.value for cell in cells))


def year_figures(
    session: Session, year: int, *, threshold: int, exact: bool = False
) -> YearFigures:
    """Every indicator of ``year``: public ones suppressed unless ``exact`` (for
    coordinators, who also see the internal ones)."""
    values = stored_values(session, year)
    empty = not values
    by_code: dict[str, Figure] = {}
    for indicator in d.INDICATORS:
        if indicator.stored:
            figure = _stored_figure(indicator, values, empty)
            if indicator.about_people and not exact:
                suppress(figure, threshold)
        else:
            figure = _derived(indicator, by_code, empty)
        if not exact and figure.suppressed:
            figure.value = None
        if not exact:
            for cells in figure.breakdowns.values():
                for cell in cells:
                    if cell.suppressed:
                        cell.value = None
        by_code[indicator.code] = figure
    shown = d.INDICATORS if exact else d.PUBLIC
    return YearFigures(
        year,
        is_frozen(session, year),
        threshold,
        exact,
        [by_code[indicator.code] for indicator in shown],
    )


def as_json(figures: YearFigures) -> dict:
    """The API's shape (kept stable: tools read it)."""
    return {
        "year": figures.year,
        "frozen": figures.frozen,
        "threshold": figures.threshold,
        "empty": figures.empty,
        "indicators": [
            {
                "code": figure.code,
                "name": d.names(figure.indicator.name),
                "unit": figure.indicator.unit,
                "value": figure.value,
                "suppressed": figure.suppressed,
                "breakdowns": {
                    dim: [
                        {"key": cell.key, "value": cell.value, "suppressed": cell.suppressed}
                        for cell in cells
                    ]
                    for dim, cells in figure.breakdowns.items()
                },
            }
            for figure in figures.figures
        ],
    }


def as_rows(figures: YearFigures) -> list[list]:
    """One row per figure (the total, then each cell), for the CSV download."""
    rows = [["year", "code", "breakdown", "key", "value", "suppressed"]]
    for figure in figures.figures:
        rows.append([figures.year, figure.code, "", "", figure.value, figure.suppressed])
        for dim, cells in figure.breakdowns.items():
            for cell in cells:
                rows.append([figures.year, figure.code, dim, cell.key, cell.value, cell.suppressed])
    return rows
