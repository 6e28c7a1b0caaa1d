"""The dashboard's rows (this year beside the year before) and its charts."""

from dataclasses import dataclass

from flask_babel import gettext as _

from app.impact.labels import Labels, dimension
from app.services.indicators import Figure, YearFigures
from app.services.indicators.charts import bar_chart

# The breakdowns drawn as charts, in the order of the page.
CHARTS = (
    ("participants", "residence"),
    ("participants", "gender"),
    ("participants", "age_band"),
    ("enrolments", "programme"),
    ("pupils", "municipality"),
    ("unmet_demand", "source"),
    ("agents", "kind"),
)


@dataclass
class Row:
    figure: Figure
    previous: Figure | None


@dataclass
class Chart:
    ident: str
    title: str
    description: str
    svg: str
    rows: list[tuple[str, object, object]]  # label, this year's cell, the year before's
    figure: Figure


def comparison(figures: YearFigures, previous: YearFigures | None) -> list[Row]:
    return [
        Row(figure, previous[figure.code] if previous is not None else None)
        for figure in figures.figures
    ]


def _cells(figure: Figure | None, dim: str) -> dict:
    if figure is None:
        return {}
    return {cell.key: cell for cell in figure.breakdowns.get(dim, [])}


def charts_of(figures: YearFigures, previous: YearFigures | None, labels: Labels) -> list[Chart]:
    charts = []
    for code, dim in CHARTS:
        figure = figures[code]
        now_cells = _cells(figure, dim)
        before_cells = _cells(previous[code] if previous is not None else None, dim)
        keys = sorted(set(now_cells) | set(before_cells))
        if not keys:
            continue
        names = [labels.key(code, dim, key) for key in keys]
        series = [(str(figures.year), [getattr(now_cells.get(k), "value", None) for k in keys])]
        if before_cells:
            series.append(
                (str(figures.year - 1), [getattr(before_cells.get(k), "value", None) for k in keys])
            )
        title = _(
            "%(indicator)s by %(breakdown)s, %(year)s",
            indicator=figure.indicator.name,
            breakdown=dimension(dim).lower(),
            year=figures.year,
        )
        description = _(
            "Bar chart. The table beside it gives the same figures; figures under "
            "%(threshold)s people are hidden and draw no bar.",
            threshold=figures.threshold,
        )
        ident = f"chart-{code}-{dim}".replace("_", "-")
        charts.append(
            Chart(
                ident,
                title,
                description,
                bar_chart(names, series, title=title, description=description, ident=ident),
                [
                    (name, now_cells.get(k), before_cells.get(k))
                    for name, k in zip(names, keys, strict=True)
                ],
                figure,
            )
        )
    return charts
