"""The ecosystem directory: filters, each organisation with its offerings, and a chart of
the map by kind and municipality."""

from flask import render_template, request
from flask_babel import gettext as _

from app.ecosystem import bp
from app.ecosystem.forms import DirectoryFilterForm
from app.extensions import db
from app.i18n import localized
from app.models import OrganisationKind
from app.services import organisations
from app.services.indicators.charts import bar_chart


@bp.get("/")
def directory():
    places = organisations.municipalities(db.session)
    form = DirectoryFilterForm.from_args(
        request.args, sectors=organisations.sectors(db.session), municipalities=places
    )
    if not form.validate():
        return render_template("ecosystem/directory.html", form=form, entries=None), 400
    entries = organisations.directory(db.session, form.filters())
    return render_template("ecosystem/directory.html", form=form, entries=entries, **_chart(places))


def _chart(places) -> dict:
    """The chart of the map by kind and municipality, with the rows of the table beside it:
    the municipalities in their order that have organisations, then those with none given."""
    counts = organisations.ecosystem_counts(db.session)
    rows = [
        (localized(place, "name").text, counts.get(place.slug, {}))
        for place in places
        if counts.get(place.slug)
    ]
    if counts.get(""):
        rows.append((_("No municipality given"), counts[""]))
    kinds = [kind for kind in OrganisationKind if any(kind.value in row for _, row in rows)]
    title = _("The ecosystem by kind and municipality")
    description = _(
        "Bar chart of the organisations in the map; the table beside it gives the figures."
    )
    chart = (
        bar_chart(
            [str(kind.label) for kind in kinds],
            [(name, [row.get(kind.value, 0) for kind in kinds]) for name, row in rows],
            title=title,
            description=description,
            ident="chart-ecosystem",
        )
        if kinds
        else None
    )
    return {"chart": chart, "chart_title": title, "kinds": kinds, "rows": rows}
