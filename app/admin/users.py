"""Users and roles (administrators only): find accounts, change someone's role and
organisation. Changing a role asks for the password again and is audited."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.access import Permission, requires
from app.admin.lists import filtered_page
from app.admin.users_forms import RoleForm, UserFilterForm, organisation_choices
from app.errors import done, page, submit
from app.extensions import db
from app.forms import first_view
from app.models import Role
from app.services import accounts


@bp.get("/users/")
@requires(Permission.MANAGE_USERS)
def users_index():
    form = UserFilterForm(formdata=request.args)
    form.organisation.choices = organisation_choices(accounts.organisations(db.session), _("Any"))
    return filtered_page("admin/users/index.html", form, accounts.list_users)


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS, fresh=True)
def user_role(user_id):
    user = accounts.get_user(db.session, user_id)
    initial = {"role": user.role.value, "organisation": user.organisation_id}
    form = RoleForm(data=first_view(initial))
    form.organisation.choices = organisation_choices(accounts.organisations(db.session), _("None"))
    submit(
        form,
        lambda: accounts.change_role(
            db.session,
            user.id,
            actor_id=current_user.id,
            role=Role(form.role.data),
            organisation_id=form.organisation.data,
        ),
        page("admin/users/role.html", form=form, user=user),
    )
    return done(_("The role of %(name)s is saved.", name=user.name), "admin.users_index")
