from flask import render_template

from app.catalogue import bp


@bp.get("/")
def index():
    return render_template("catalogue/index.html")


@bp.get("/template.<any(xlsx,csv):fmt>")
def import_template(fmt):
    return ""
