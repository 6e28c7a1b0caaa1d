from app import create_app
from app.ops.warm import warm_up

app = create_app()
warm_up(app)  # each gunicorn worker imports this module: it starts ready
