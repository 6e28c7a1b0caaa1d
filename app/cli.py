"""Flask commands for operators and scripts."""

from flask import Flask


def register(app: Flask) -> None:
    pass
