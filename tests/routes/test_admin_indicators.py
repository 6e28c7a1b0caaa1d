"""Coordinators' figures: exact, the Pact table, the printable report, freezing, unfreezing
(admins, with a reason) and the qualitative record (escaped)."""

import pytest
from sqlalchemy import select

from app.models import AuditEntry, IndicatorYear, Role, utcnow
from app.services import enrolment, indicators
from tests.conftest import csrf_token
from tests.factories import make_offering, make_user


@pytest.fixture
def year(session):
    offering = make_offering(session)
    for _ in range(3):
        enrolment.enrol(
            session, offering_id=offering.id, user_id=make_user(session).id, now=utcnow()
        )
    session.commit()
    return indicators.year_of(offering.starts_at)


def login(session, auth, role):
    user = make_user(session, role=role)
    session.commit()
    auth.login(user.email)
    return user


@pytest.mark.parametrize("lang", ["es", "en"])
def test_coordinators_see_exact_figures_and_the_pact_table(client, auth, session, year, lang):
    login(session, auth, Role.COORDINATOR)
    html = client.get(f"/{lang}/admin/indicators/?year={year}&breakdown=gender").get_data(
        as_text=True
    )
    assert "&lt; 10" not in html
    assert '<td class="text-end">3</td>' in html
    assert "pact-table" in html
    report = client.get(f"/{lang}/admin/indicators/report?year={year}")
    assert report.status_code == 200
    assert "pact-table" in report.get_data(as_text=True)
    public = client.get(f"/{lang}/impact/?year={year}").get_data(as_text=True)
    assert "&lt; 10" in public


def test_freezing_then_unfreezing_needs_an_admin_and_a_reason(client, auth, session, year):
    login(session, auth, Role.COORDINATOR)
    page = client.get(f"/en/admin/indicators/?year={year}").get_data(as_text=True)
    response = client.post(
        f"/en/admin/indicators/{year}/freeze", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302
    assert session.get(IndicatorYear, year).frozen_at is not None
    token = csrf_token(client.get(f"/en/admin/indicators/?year={year}").get_data(as_text=True))
    refused = client.post(
        f"/en/admin/indicators/{year}/unfreeze", data={"csrf_token": token, "reason": "Oops"}
    )
    assert refused.status_code == 403
    auth.logout("en")
    login(session, auth, Role.ADMIN)
    token = csrf_token(client.get(f"/en/admin/indicators/?year={year}").get_data(as_text=True))
    blank = client.post(
        f"/en/admin/indicators/{year}/unfreeze", data={"csrf_token": token, "reason": "  "}
    )
    assert blank.status_code == 422
    session.expire_all()
    assert session.get(IndicatorYear, year).frozen_at is not None
    ok = client.post(
        f"/en/admin/indicators/{year}/unfreeze",
        data={"csrf_token": token, "reason": "A late class list from Majadahonda"},
    )
    assert ok.status_code == 302
    session.expire_all()
    assert session.get(IndicatorYear, year).frozen_at is None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "indicators.unfreeze"))
    assert "A late class list from Majadahonda" in entry.summary


def test_a_qualitative_entry_with_html_is_shown_escaped(client, auth, session, year):
    login(session, auth, Role.COORDINATOR)
    token = csrf_token(client.get(f"/es/admin/indicators/?year={year}").get_data(as_text=True))
    response = client.post(
        f"/es/admin/indicators/{year}/qualitative",
        data={
            "csrf_token": token,
            "line": "stem",
            "outcome_es": "<script>alert(1)</script> 40 centros en la Semana de la Ciencia",
            "outcome_en": "",
            "evidence_es": "",
            "evidence_en": "",
        },
    )
    assert response.status_code == 302
    for lang in ("es", "en"):
        html = client.get(f"/{lang}/impact/?year={year}").get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; 40 centros" in html
        assert "<script>alert(1)" not in html
    missing = client.post(
        f"/es/admin/indicators/{year}/qualitative",
        data={"csrf_token": token, "line": "stem", "outcome_es": ""},
    )
    assert missing.status_code == 422
