import io
from decimal import Decimal

from flask import current_app, render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup

from app.catalogue import bp, cached, misses
from app.catalogue.calendar import calendar_download
from app.catalogue.forms import CatalogueFilterForm, saved_search_url
from app.extensions import db
from app.i18n import current_language, format_euros, localized
from app.models import Mode
from app.models.types import utcnow
from app.schools.offering import class_registration
from app.services import catalogue, enrolment, imports, indicators, schools
from app.services.catalogue import offering_json_ld
from app.urls import offering_urls


@bp.get("/")
def index():
    now = utcnow()
    state = catalogue.catalogue_state(db.session, now)
    per_page = current_app.config["CATALOGUE_PAGE_SIZE"]
    # Visitors who see the page alike share it (cached.visitor); all share its main part.
    who = cached.visitor()
    stamped_key = cached.stamped_key(state, per_page, who)
    stamped = cached.stamped_page(stamped_key) if who is not None else None
    if stamped is not None:
        # Nothing has moved since it was filed: no further statement for the catalogue.
        _search_found_nothing(stamped.unmet_words, now)
        return cached.stamped_response(stamped)
    key = cached.results_key(state, per_page)
    found, result, form = cached.stored_results(key), None, None
    if found is None:
        form = CatalogueFilterForm.from_args(request.args, cached.filter_options(state))
        if not form.validate():
            return render_template("catalogue/index.html", form=form, result=None), 400
        try:
            found, result = cached.search(key, state, form, now=now, per_page=per_page)
        except catalogue.PageOutOfRange as error:
            error.apply_to(form)
            return render_template(
                "catalogue/index.html", form=form, result=None, last_page=error.pages
            ), error.status_code
    _search_found_nothing(found.unmet_words, now)

    def render_main():
        # Stored results were found for a valid query string: the form validates again.
        shown_form = form or CatalogueFilterForm.from_args(
            request.args, cached.filter_options(state)
        )
        shown_form.validate()
        shown = result or found.result()
        html = render_template(
            "catalogue/_main.html",
            form=shown_form,
            result=shown,
            now=now,
            places_left=schools.places_left(db.session, shown.items, now),
            alert_url=saved_search_url(url_for("alerts.new"), request.args),
        )
        # Read again after rendering: stored only if nothing moved meanwhile.
        return html, catalogue.seat_figures(db.session, [o.id for o in shown.items], now)

    figures = catalogue.seat_figures(db.session, list(found.ids), now)

    def render():
        main, rendered_from = cached.shared_part((key,), figures, render_main)
        page = render_template(
            "catalogue/index.html",
            main=Markup(main),  # noqa: S704 (rendered by catalogue/_main.html)
            result=found,  # its page and pages, for the title
            **cached.shared_render(who or ()),
        )
        return page, 200, rendered_from

    if who is None:
        return render()[0]
    return cached.conditional_page(
        (key,), figures, render, stamped_as=stamped_key, unmet_words=found.unmet_words, who=who
    )


def _search_found_nothing(unmet_words, now) -> None:
    """The talent observatory counts what nobody offers: the words, never who asked (in
    batches: no write per request)."""
    if unmet_words:
        misses.count(tuple(unmet_words), indicators.year_of(now))


@bp.get("/template.<any(xlsx,csv):fmt>")
def import_template(fmt):
    """The offerings spreadsheet to fill in and import (see the README)."""
    if fmt == "xlsx":
        content = imports.template_xlsx(db.session, current_language())
        mimetype = imports.XLSX_MIMETYPE
    else:
        content = imports.template_csv()
        mimetype = imports.CSV_MIMETYPE
    return send_file(
        io.BytesIO(content),
        mimetype=mimetype,
        as_attachment=True,
        download_name=imports.filename(fmt),
        max_age=0,
    )


@bp.get("/<int:offering_id>")
def detail(offering_id):
    now = utcnow()
    who = cached.visitor()
    if who is None:
        return _detail(offering_id, now, _own_place(offering_id))
    state = catalogue.offering_state(db.session, offering_id, now)
    if state is None:
        catalogue.get_public(db.session, offering_id)  # raises NotFound
    own = None
    if who:
        if state.mode != Mode.INDIVIDUAL:
            # A class's or a call's page speaks of the visitor's school or application.
            return _detail(offering_id, now, _own_place(offering_id))
        own = _own_place(offering_id)

    def render():
        html = _detail(offering_id, now, own, **cached.shared_render(who))
        # Read again once rendered: a seat taken meanwhile keeps the page out of the cache.
        return html, 200, catalogue.offering_state(db.session, offering_id, now)

    return cached.conditional_page(("detail", offering_id, own), state, render, who=who)


def page_facts(offering, now) -> dict:
    """What the offering's page says of it (the public page and the back office's preview)."""
    return {
        "offering": offering,
        "title": localized(offering, "title"),
        "summary": localized(offering, "summary"),
        "availability": offering.availability(now),
        "places_left": schools.places_left(db.session, [offering], now)[offering.id],
        "price": format_euros(Decimal(offering.price_cents) / 100),
    }


def _own_place(offering_id) -> enrolment.OwnPlace | None:
    """The signed-in visitor's live place in the offering (None for anyone else)."""
    if not current_user.is_authenticated:
        return None
    return enrolment.own_place(db.session, offering_id, current_user.id)


def _detail(offering_id, now, own: enrolment.OwnPlace | None, **context):
    """The offering's page; ``own``: the visitor's place in it (an individual offering's)."""
    offering = catalogue.get_public(db.session, offering_id)
    lang = current_language()
    urls = offering_urls(offering.id)
    return render_template(
        "catalogue/detail.html",
        **page_facts(offering, now),
        urls=urls,
        json_ld=offering_json_ld(offering, lang, urls[lang], now),
        own_place=own,
        classes=class_registration(db.session, offering) if offering.mode == Mode.CLASS else None,
        **context,
    )


@bp.get("/<int:offering_id>.ics")
def calendar(offering_id):
    offering = catalogue.get_public(db.session, offering_id)
    return calendar_download(offering, f"mot-offering-{offering.id}.ics")
