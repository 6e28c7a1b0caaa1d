"""Reviewing and deciding through the pages: scores, conflicts, the cohort limit, sending
decisions, the founder confirming, criteria frozen, exports, and who may see what."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    ApplicationStatus,
    AuditEntry,
    CallReviewer,
    OutboxMessage,
    Review,
    Role,
)
from app.services import applications
from tests.conftest import csrf_token
from tests.factories import make_application, make_call, make_organisation, make_user


@pytest.fixture
def world(session):
    own = make_organisation(session, name="Incubadora Propia")
    call = make_call(session, provider=own, capacity=1)
    staff = make_user(session, role=Role.ORGANISATION_STAFF, organisation=own)
    colleague = make_user(session, role=Role.ORGANISATION_STAFF, organisation=own)
    outsider = make_user(
        session, role=Role.ORGANISATION_STAFF, organisation=make_organisation(session)
    )
    for reviewer in (staff, colleague):
        session.add(CallReviewer(offering_id=call.id, user_id=reviewer.id))
    first = make_application(session, call, project_name='=HYPERLINK("x")')
    second = make_application(session, call)
    session.commit()
    return {
        "call": call,
        "staff": staff,
        "colleague": colleague,
        "outsider": outsider,
        "first": first,
        "second": second,
        "criteria": applications.criteria(session, call.id),
    }


def post(client, path, page_path=None, **data):
    page = client.get(page_path or path)
    return client.post(path, data={"csrf_token": csrf_token(page.text), **data})


def scores(world, *values):
    return {f"score_{c.id}": str(v) for c, v in zip(world["criteria"], values, strict=True)}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_score_outside_the_scale_is_refused_at_its_field(client, auth, session, world, lang):
    auth.login(world["staff"].email, lang=lang)
    path = f"/{lang}/reviews/{world['first'].id}"
    answer = post(client, path, **scores(world, 9, 3))
    assert answer.status_code == 422
    assert f'id="score_{world["criteria"][0].id}-error"' in answer.text
    assert ("de 0 a 5" if lang == "es" else "from 0 to 5") in answer.text
    assert session.scalar(sa.select(sa.func.count()).select_from(Review)) == 0


def test_others_scores_are_shown_only_after_scoring(client, auth, world):
    auth.login(world["colleague"].email)
    post(client, f"/es/reviews/{world['first'].id}", **scores(world, 4, 7), comment="Sólido")
    auth.logout()
    auth.login(world["staff"].email)
    before = client.get(f"/es/reviews/{world['first'].id}")
    assert "Sólido" not in before.text
    post(client, f"/es/reviews/{world['first'].id}", **scores(world, 2, 2))
    after = client.get(f"/es/reviews/{world['first'].id}")
    assert "Sólido" in after.text
    assert "Media ponderada" in after.text


def test_a_declared_conflict_forbids_scoring_and_hides_the_scores(client, auth, world):
    auth.login(world["colleague"].email)
    post(client, f"/es/reviews/{world['first'].id}", **scores(world, 4, 7), comment="Sólido")
    auth.logout()
    auth.login(world["staff"].email)
    path = f"/es/reviews/{world['first'].id}"
    answer = post(client, f"{path}/conflict", path, comment="Es mi socio")
    assert answer.status_code == 302
    refused = post(client, path, **scores(world, 1, 1))
    assert refused.status_code == 403
    assert "Sólido" not in client.get(path).text
    decide = client.get(f"/es/admin/applications/{world['first'].id}")
    assert "Sólido" not in decide.text
    assert "conflicto de intereses" in decide.text


def test_a_review_on_another_organisations_call_is_not_found(client, auth, world):
    auth.login(world["outsider"].email)
    for path in (
        f"/es/reviews/{world['first'].id}",
        f"/es/reviews/calls/{world['call'].id}",
        f"/es/admin/applications/{world['first'].id}",
        f"/es/admin/offerings/{world['call'].id}/applications",
        f"/es/admin/offerings/{world['call'].id}/criteria",
    ):
        assert client.get(path).status_code == 404, path
    page = client.get("/es/auth/login")
    answer = client.post(
        f"/es/reviews/{world['first'].id}",
        data={"csrf_token": csrf_token(page.text), **scores(world, 1, 1)},
    )
    assert answer.status_code == 404


def test_staff_cannot_add_another_organisations_staff_as_reviewer(client, auth, world):
    auth.login(world["staff"].email)
    path = f"/es/admin/offerings/{world['call'].id}/reviewers"
    answer = post(client, path, email=world["outsider"].email)
    assert answer.status_code == 422
    assert 'id="email-error"' in answer.text


def test_accepting_past_the_cohort_size_is_refused_at_the_field(client, auth, session, world):
    auth.login(world["staff"].email)
    assert (
        post(client, f"/es/admin/applications/{world['first'].id}", decision="accept").status_code
        == 302
    )
    answer = post(client, f"/es/admin/applications/{world['second'].id}", decision="accept")
    assert answer.status_code == 409
    assert 'id="decision-error"' in answer.text
    assert "cohorte está completa" in answer.text
    session.refresh(world["second"])
    assert world["second"].pending_decision is None


def test_decisions_are_sent_in_one_step_and_the_founder_confirms(client, auth, session, world):
    auth.login(world["staff"].email)
    post(client, f"/es/admin/applications/{world['first'].id}", decision="accept")
    post(client, f"/es/admin/applications/{world['second'].id}", decision="reserve")
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    sent = post(client, f"/es/admin/offerings/{world['call'].id}/applications/send")
    assert sent.status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 2
    auth.logout()

    founder = world["first"].user
    auth.login(founder.email)
    mine = client.get("/es/account/applications")
    assert "Confirmar mi plaza" in mine.text
    answer = post(client, f"/es/applications/{world['first'].id}/confirm")
    assert answer.status_code == 302
    session.refresh(world["first"])
    assert world["first"].status == ApplicationStatus.CONFIRMED
    assert world["first"].enrolment is not None


def test_the_export_is_excel_safe_and_audited(client, auth, session, world):
    auth.login(world["staff"].email)
    answer = client.get(f"/es/admin/offerings/{world['call'].id}/applications/export?format=csv")
    assert answer.status_code == 200
    text = answer.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "Proyecto" in text.splitlines()[0]
    actions = session.scalars(sa.select(AuditEntry.action)).all()
    assert "export" in actions


def test_criteria_cannot_change_once_a_review_is_scored(client, auth, session, world):
    auth.login(world["staff"].email)
    post(client, f"/es/reviews/{world['first'].id}", **scores(world, 1, 1))
    criterion = world["criteria"][0]
    path = f"/es/admin/offerings/{world['call'].id}/criteria/{criterion.id}"
    answer = post(client, path, name_es="Otro", weight="5", scale_max="5", position="0")
    assert answer.status_code == 409
    assert "los evaluadores ya han puntuado" in answer.text
    session.refresh(criterion)
    assert criterion.name_es == "Criterio 1"


CRITERION = {"name_es": "Impacto", "name_en": "Impact", "weight": "2", "scale_max": "5"}
OPENED = {
    "es": "la convocatoria ya se ha abierto",
    "en": "the call has opened, and applicants apply knowing them",
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_criteria_are_defined_before_the_call_opens(client, auth, session, world, lang):
    coming = make_call(session, provider=world["call"].provider, opens_in=timedelta(days=2))
    session.commit()
    auth.login(world["staff"].email, lang=lang)
    base = f"/{lang}/admin/offerings/{coming.id}/criteria"

    page = client.get(base)
    added = post(client, f"{base}/new", position="3", **CRITERION)

    assert page.status_code == 200 and f"{base}/new" in page.text
    assert OPENED[lang] not in page.text
    assert added.status_code == 302
    assert [c.name_es for c in applications.criteria(session, coming.id)][-1] == "Impacto"


@pytest.mark.parametrize("lang", ["es", "en"])
def test_once_the_call_has_opened_its_criteria_are_locked(client, auth, session, world, lang):
    auth.login(world["staff"].email, lang=lang)
    base = f"/{lang}/admin/offerings/{world['call'].id}/criteria"
    criterion = world["criteria"][0]
    edit = f"{base}/{criterion.id}"

    page = client.get(base)
    assert page.status_code == 200 and OPENED[lang] in page.text
    assert f"{base}/new" not in page.text and edit not in page.text
    assert OPENED[lang] in client.get(edit).text

    refused = [
        post(client, f"{base}/new", page_path=base, position="3", **CRITERION),
        post(client, f"{base}/new", page_path=base, name_es="", weight="x"),
        post(client, edit, page_path=base, position="0", **CRITERION),
        post(client, f"{edit}/delete", page_path=base),
    ]

    assert [answer.status_code for answer in refused] == [409] * 4
    assert all(OPENED[lang] in answer.text for answer in refused)
    session.expire_all()
    assert [(c.id, c.name_es) for c in applications.criteria(session, world["call"].id)] == [
        (c.id, c.name_es) for c in world["criteria"]
    ]
    actions = session.scalars(sa.select(AuditEntry.action)).all()
    assert not [action for action in actions if action.startswith("criterion.")]


def test_the_list_sorts_by_weighted_mean(client, auth, session, world):
    auth.login(world["staff"].email)
    post(client, f"/es/reviews/{world['first'].id}", **scores(world, 1, 1))
    post(client, f"/es/reviews/{world['second'].id}", **scores(world, 5, 10))
    page = client.get(f"/en/admin/offerings/{world['call'].id}/applications?sort=mean")
    assert page.status_code == 200
    assert page.text.index(world["second"].project_name) < page.text.index("HYPERLINK")
    assert "100.0" in page.text
    filtered = client.get(f"/en/admin/offerings/{world['call'].id}/applications?min_reviews=2")
    assert "No application matches." in filtered.text
    assert applications.pending(session, world["call"].id) == []


def test_the_list_has_pages(app, client, auth, world, monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_PAGE_SIZE", 1)
    auth.login(world["staff"].email)
    path = f"/en/admin/offerings/{world['call'].id}/applications?sort=name"
    first, second = client.get(path), client.get(f"{path}&page=2")
    assert 'aria-label="Pages of results"' in first.text
    assert world["first"].project_name in first.text.replace("&#34;", '"')
    assert world["second"].project_name in second.text
    assert world["second"].project_name not in first.text
