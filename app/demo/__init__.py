"""The demo offer: data files and the loader that puts them through the import."""

from app.demo.loader import seed_demo

__all__ = ["seed_demo"]
