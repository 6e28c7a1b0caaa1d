"""Tests that run the site as it runs in production: gunicorn processes (and Redis) on
loopback, driven over HTTP."""
