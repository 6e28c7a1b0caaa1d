"""The privacy notice states the retention periods the purge applies, in both languages."""

import re

import pytest


def retention_section(client, lang) -> str:
    html = client.get(f"/{lang}/privacy").get_data(as_text=True)
    heading = "¿Durante cuánto tiempo" if lang == "es" else "How long do we keep"
    start = html.index(heading)
    return re.sub(r"\s+", " ", html[start : html.index("<h3>", start + 1)])


@pytest.mark.parametrize(
    ("lang", "periods"),
    [
        (
            "es",
            [
                *("7 días", "3 años", "hasta que termine el año siguiente", "90 días", "5 años"),
                "El teléfono que da un centro al inscribir un grupo, 30 días después",
                "Las necesidades de accesibilidad que indica un centro para un grupo, 30 días",
            ],
        ),
        (
            "en",
            [
                *("7 days", "3 years", "until the end of the year after", "90 days", "5 years"),
                "with a class registration, 30 days after",
                "writes for a class, 30 days after",
            ],
        ),
    ],
)
def test_the_notice_states_the_default_periods(client, lang, periods):
    section = retention_section(client, lang)

    for period in periods:
        assert period in section


@pytest.mark.parametrize(
    ("lang", "periods"),
    [
        (
            "es",
            [
                *("14 días", "2 años", "30 días después del 31 de diciembre", "1 día", "1 año"),
                "al inscribir un grupo, 2 días después",
                "para un grupo, 3 días después",
            ],
        ),
        (
            "en",
            [
                *("14 days", "2 years", "30 days after 31 December", "1 day", "1 year"),
                "with a class registration, 2 days after",
                "writes for a class, 3 days after",
            ],
        ),
    ],
)
def test_the_notice_follows_the_configuration(app, client, monkeypatch, lang, periods):
    for name, days in [
        ("RETENTION_UNCONFIRMED_DAYS", 14),
        ("RETENTION_INACTIVE_DAYS", 730),
        ("RETENTION_PROFILES_DAYS", 30),
        ("RETENTION_OUTBOX_DAYS", 1),
        ("RETENTION_AUDIT_DAYS", 365),
        ("RETENTION_CLASS_CONTACTS_DAYS", 2),
        ("RETENTION_CLASS_NEEDS_DAYS", 3),
    ]:
        monkeypatch.setitem(app.config, name, days)

    section = retention_section(client, lang)

    for period in periods:
        assert period in section
