"""The real app plus a constant-response route: the floor every other route is compared to."""

from app import create_app

app = create_app()


@app.get("/_bench/constant")
def constant():
    return "ok"
