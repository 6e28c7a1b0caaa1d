"""The ecosystem map in the back office: find, add and edit organisations, and set their
membership of the partnership (asks for the password again: it is a reported figure)."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.access import Permission, can, requires
from app.admin.lists import filtered_page
from app.admin.organisations_forms import (
    MembershipForm,
    OrganisationFilterForm,
    OrganisationForm,
    municipality_choices,
)
from app.errors import done, page, submit
from app.extensions import db
from app.forms import first_view
from app.services import organisations


def _details_form(**kwargs) -> OrganisationForm:
    form = OrganisationForm(**kwargs)
    form.municipality.choices = municipality_choices(
        organisations.municipalities(db.session), _("Not known")
    )
    return form


def _render_form(form: OrganisationForm, organisation, status: int = 200):
    return render_template(
        "admin/organisations/form.html",
        form=form,
        organisation=organisation,
        show_history=can(current_user, Permission.READ_AUDIT_LOG),
    ), status


def _details(form: OrganisationForm) -> dict:
    return dict(
        name=form.name.data,
        kind=form.kind.data,
        sector=form.sector.data,
        municipality_id=form.municipality.data,
        website=form.website.data,
        contact_email=form.contact_email.data,
    )


@bp.get("/organisations/")
@requires(Permission.MANAGE_ORGANISATIONS)
def organisations_index():
    form = OrganisationFilterForm(formdata=request.args)
    form.municipality.choices = municipality_choices(
        organisations.municipalities(db.session), _("Any")
    )
    return filtered_page("admin/organisations/index.html", form, organisations.list_organisations)


@bp.route("/organisations/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def organisation_create():
    form = _details_form()
    organisation = submit(
        form,
        lambda: organisations.create_organisation(
            db.session, actor_id=current_user.id, **_details(form)
        ),
        lambda status: _render_form(form, None, status),
    )
    return done(
        _("Organisation “%(name)s” added to the map.", name=organisation.name),
        "admin.organisation_edit",
        organisation_id=organisation.id,
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def organisation_edit(organisation_id):
    organisation = organisations.get_organisation(db.session, organisation_id)
    form = _details_form(data=first_view(_form_data(organisation)))
    submit(
        form,
        lambda: organisations.update_organisation(
            db.session, organisation.id, actor_id=current_user.id, **_details(form)
        ),
        lambda status: _render_form(form, organisation, status),
    )
    return done(
        _("Changes to “%(name)s” saved.", name=organisation.name),
        "admin.organisation_edit",
        organisation_id=organisation.id,
    )


def _form_data(organisation) -> dict:
    return {
        "name": organisation.name,
        "kind": organisation.kind.value,
        "sector": organisation.sector,
        "municipality": organisation.municipality_id,
        "website": organisation.website,
        "contact_email": organisation.contact_email,
    }


@bp.route("/organisations/<int:organisation_id>/membership", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS, fresh=True)
def organisation_membership(organisation_id):
    organisation = organisations.get_organisation(db.session, organisation_id)
    form = MembershipForm(
        data=first_view({name: getattr(organisation, name) for name in organisations.MEMBERSHIP})
    )
    submit(
        form,
        lambda: organisations.set_membership(
            db.session,
            organisation.id,
            actor_id=current_user.id,
            is_member=form.is_member.data,
            member_since=form.member_since.data,
            member_until=form.member_until.data,
        ),
        page("admin/organisations/membership.html", form=form, organisation=organisation),
    )
    return done(
        _("Membership of “%(name)s” saved.", name=organisation.name),
        "admin.organisation_edit",
        organisation_id=organisation.id,
    )
