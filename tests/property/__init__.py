"""Property-based tests: hostile input thrown at every route of the URL map and every export.

Examples per test come from the ``MOT_PROPERTY_EXAMPLES`` environment variable (default 12):
raise it for a longer hunt, e.g. ``MOT_PROPERTY_EXAMPLES=200 pytest tests/property``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "mot",
    max_examples=int(os.environ.get("MOT_PROPERTY_EXAMPLES", "12")),
    # Requests to a real database vary in time; a deadline would only report the machine.
    deadline=None,
    # The database is emptied after each test, not each example: examples share the test's
    # world and its logged-in client, which is what a visitor clicking around does too.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    # No example database in the worktree; a failure prints its @reproduce_failure blob.
    database=None,
    print_blob=True,
)
settings.load_profile("mot")
