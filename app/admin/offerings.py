"""Back office: the offerings a person manages. Each view checks its form, calls one service
in services.offering_admin, commits, then redirects; a refusal re-renders the form with the
message at its field (422, or 409 when the data in the database is what refuses)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.admin.access import (
    Permission,
    offering_or_404,
    offering_scope,
    offering_view,
    requires,
    sees_everything,
)
from app.admin.offerings_forms import (
    CancelForm,
    DuplicateForm,
    OfferingFilterForm,
    OfferingForm,
)
from app.catalogue.routes import page_facts
from app.errors import done, submit
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import localized
from app.models import Mode, Municipality, Offering, Organisation, Programme, utcnow
from app.services import offerings, schools
from app.services.errors import DomainError

PAGE_SIZE = 25
# The two pages that take an image; the request around it needs a little room.
IMAGE_ENDPOINTS = {"admin.offering_create", "admin.offering_edit"}
REQUEST_ALLOWANCE = 1024 * 1024


@bp.url_value_preprocessor
def image_size_limit(endpoint, values):
    """Before anything reads the form (the CSRF check does, first): the offering form takes
    an image of up to twice the limit, so that one a little too large is refused at its
    field by the service, with everything else that was typed kept."""
    if endpoint in IMAGE_ENDPOINTS:
        limit = 2 * current_app.config["OFFERING_IMAGE_MAX_BYTES"] + REQUEST_ALLOWANCE
        request.max_content_length = limit


def image_too_large():
    """An image far beyond the limit: the form again (as stored), the message at its field."""
    offering_id = (request.view_args or {}).get("offering_id")
    offering = offering_or_404(offering_id) if offering_id else None
    data = OfferingForm.initial(offering) if offering else None
    form = _offering_form(formdata=None, data=data)
    form.image.errors = [
        str(offerings.image_too_large(current_app.config["OFFERING_IMAGE_MAX_BYTES"]))
    ]
    return _render_form(form, offering, status=413, formdata=False)


def _with_image(form: OfferingForm, saved):
    """The offering's image, in the same transaction as the rest of the form."""
    offerings.set_image(
        db.session,
        saved.offering,
        form.image_upload(),
        actor_id=current_user.id,
        max_bytes=current_app.config["OFFERING_IMAGE_MAX_BYTES"],
    )
    return saved


def _programme_choices() -> list[tuple[int, str]]:
    programmes = db.session.scalars(select(Programme).order_by(Programme.sort_order))
    return [(item.id, localized(item, "name").text) for item in programmes]


def _offering_form(**kwargs) -> OfferingForm:
    """The form with the choices this person may pick; staff of an organisation do not choose
    the provider (it is always their own)."""
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.sort_order))
    providers = []
    if sees_everything(current_user):
        providers = [
            (item.id, item.name)
            for item in db.session.scalars(select(Organisation).order_by(Organisation.name))
        ]
    form = OfferingForm(
        programmes=_programme_choices(),
        providers=providers,
        municipalities=[(item.id, localized(item, "name").text) for item in municipalities],
        **kwargs,
    )
    if not sees_everything(current_user):
        del form.provider_id
    if not form.is_submitted():
        form.add_blank_rows()
    return form


def _provider_id(form: OfferingForm, offering: Offering | None) -> int:
    if sees_everything(current_user):
        return form.provider_id.data
    # Staff keep an offering with the organisation it belongs to.
    return offering.provider_id if offering is not None else current_user.organisation_id


def _render_form(form, offering=None, status=200, formdata=True):
    # formdata=False: the request's body is not to be read (it was too large).
    return render_template(
        "admin/offerings/form.html",
        form=form,
        offering=offering,
        actions=ConfirmForm() if formdata else ConfirmForm(formdata=None),
        missing_english=offerings.missing_english(offering) if offering else [],
    ), status


def _flash_all(messages) -> None:
    for message in messages:
        flash(str(message), "warning")


@bp.get("/offerings/")
@requires(Permission.MANAGE_OFFERINGS)
def offerings_index():
    form = OfferingFilterForm(request.args, programmes=_programme_choices())
    if not form.validate():
        return render_template("admin/offerings/index.html", form=form, result=None), 400
    result = offerings.list_offerings(
        db.session,
        offering_scope(current_user),
        text=form.q.data or None,
        status=form.status.data,
        programme_id=form.programme.data,
        kind=form.kind.data,
        page=form.page.data or 1,
        per_page=PAGE_SIZE,
    )
    return render_template("admin/offerings/index.html", form=form, result=result)


@bp.route("/offerings/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_OFFERINGS)
def offering_create():
    form = _offering_form()
    if request.method == "POST" and "add_rows" in request.form:
        form.add_blank_rows()
        return _render_form(form)
    saved = submit(
        form,
        lambda: _with_image(
            form,
            offerings.create_offering(
                db.session,
                form.offering_data(_provider_id(form, None)),
                form.session_rows(),
                actor_id=current_user.id,
            ),
        ),
        lambda status: _render_form(form, status=status),
    )
    flash(_("Offering saved as a draft."), "success")
    _flash_all(saved.warnings)
    return redirect(url_for("admin.offering_edit", offering_id=saved.offering.id))


@bp.route("/offerings/<int:offering_id>/edit", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_OFFERINGS)
def offering_edit(offering):
    form = _offering_form(data=OfferingForm.initial(offering))
    if request.method == "POST" and "add_rows" in request.form:
        form.add_blank_rows()
        return _render_form(form, offering)
    saved = submit(
        form,
        lambda: _with_image(
            form,
            offerings.update_offering(
                db.session,
                offering,
                form.offering_data(_provider_id(form, offering)),
                form.session_rows(),
                actor_id=current_user.id,
                now=utcnow(),
            ),
        ),
        # After a refusal, the offering as it was (the rollback expired it: it is read again).
        lambda status: _render_form(form, offering, status=status),
    )
    flash(_("Changes saved."), "success")
    _flash_all(saved.warnings)
    return redirect(url_for("admin.offering_edit", offering_id=offering.id))


@bp.get("/offerings/<int:offering_id>/preview")
@offering_view(Permission.MANAGE_OFFERINGS)
def offering_preview(offering):
    """The public page as it will look, in the language of the URL; works for drafts."""
    now = utcnow()
    return render_template("admin/offerings/preview.html", **page_facts(offering, now))


# Publish, unpublish, archive: one POST each, the service call and what it says when done.
_STATUS_CHANGES = {
    "publish": (
        lambda offering: offerings.publish(db.session, offering, actor_id=current_user.id),
        _l("The offering is published."),
    ),
    "unpublish": (
        lambda offering: offerings.unpublish(db.session, offering, actor_id=current_user.id),
        _l("The offering is back to draft: it is no longer in the catalogue."),
    ),
    "archive": (
        lambda offering: offerings.archive(
            db.session, offering, actor_id=current_user.id, now=utcnow()
        ),
        _l("The offering is archived."),
    ),
}


def _change_status(offering: Offering, change, done_message):
    """A refusal shows the edit page with the reason at its field."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        warnings = change(offering) or []
    except DomainError as error:
        db.session.rollback()  # the offering is read again, as it was
        form = _offering_form(formdata=None, data=OfferingForm.initial(offering))
        error.apply_to(form)
        return _render_form(form, offering, status=error.status_code)
    db.session.commit()
    flash(done_message, "success")
    _flash_all(warnings)
    return redirect(url_for("admin.offering_edit", offering_id=offering.id))


def _status_view(change, done_message):
    @offering_view(Permission.MANAGE_OFFERINGS)
    def view(offering):
        return _change_status(offering, change, done_message)

    return view


for _verb, (_change, _message) in _STATUS_CHANGES.items():
    bp.add_url_rule(
        f"/offerings/<int:offering_id>/{_verb}",
        f"offering_{_verb}",
        _status_view(_change, _message),
        methods=["POST"],
    )


@bp.route("/offerings/<int:offering_id>/cancel", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_OFFERINGS, fresh=True)
def offering_cancel(offering):
    form = CancelForm()
    people = offerings.live_count(db.session, offering.id)
    classes = schools.class_counts(db.session, offering.id)

    def page(status):
        return render_template(
            "admin/offerings/cancel.html",
            offering=offering,
            form=form,
            people=people,
            classes=classes,
        ), status

    ended = submit(
        form,
        lambda: offerings.cancel(db.session, offering, actor_id=current_user.id, now=utcnow()),
        page,
    )
    if offering.mode == Mode.CLASS:
        message = ngettext(
            "The offering is cancelled. The teacher of %(num)d class will be told by email.",
            "The offering is cancelled. The teachers of %(num)d classes will be told by email.",
            len(ended),
        )
    else:
        message = ngettext(
            "The offering is cancelled. %(num)d participant will be told by email.",
            "The offering is cancelled. %(num)d participants will be told by email.",
            len(ended),
        )
    return done(message, "admin.offering_edit", offering_id=offering.id)


@bp.route("/offerings/<int:offering_id>/duplicate", methods=["GET", "POST"])
@offering_view(Permission.MANAGE_OFFERINGS)
def offering_duplicate(offering):
    form = DuplicateForm()

    def page(status):
        return render_template(
            "admin/offerings/duplicate.html", offering=offering, form=form
        ), status

    copy = submit(
        form,
        lambda: offerings.duplicate(
            db.session, offering, form.first_day.data, actor_id=current_user.id
        ),
        page,
    )
    return done(
        _("A copy is ready as a draft: check it, then publish it."),
        "admin.offering_edit",
        offering_id=copy.id,
    )
