"""Tables that a phone shows as cards: each body cell carries its column's heading."""

import re

import pytest

from app.extensions import db
from app.models import utcnow
from app.services import enrolment
from app.templating import stacked_table
from tests.factories import make_offering, make_user

TABLE = """<table class="table-stack"><thead><tr>
<th scope="col">Offering</th><th scope="col">Starts &amp; ends</th>
<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody><tr><th scope="row">Python</th><td>4 March</td><td><a href="/x">Edit</a></td></tr>
<tr><td>Java</td><td data-label="Own">5 March</td><td>-</td></tr></tbody></table>"""


def test_each_cell_is_labelled_by_its_columns_visible_heading():
    html = str(stacked_table(TABLE))
    rows = re.findall(r"<tbody>.*</tbody>", html, re.S)[0]
    assert '<th scope="row">Python</th>' in rows  # a row's heading heads the card
    assert '<td data-label="Starts &amp; ends">4 March</td>' in rows
    assert "<td><a" in rows  # a heading for screen readers only labels nothing
    assert '<td data-label="Offering">Java</td>' in rows
    assert '<td data-label="Own">5 March</td>' in rows  # a label already there is kept
    assert html.count("data-label") == 4


def test_a_table_without_headings_is_left_as_it_is():
    table = "<table><tbody><tr><td>1</td></tr></tbody></table>"
    assert str(stacked_table(table)) == table


@pytest.mark.parametrize("lang", ["es", "en"])
def test_my_enrolments_and_the_cookie_table_stack_on_a_phone(app, client, auth, lang):
    with app.app_context():
        user = make_user(db.session)
        offering = make_offering(db.session)
        enrolment.enrol(db.session, offering_id=offering.id, user_id=user.id, now=utcnow())
        db.session.commit()
        email = user.email
    auth.login(email, lang=lang)
    mine = client.get(f"/{lang}/account/").text
    status = {"es": "Estado", "en": "Status"}[lang]
    assert 'class="table enrolments-table table-stack"' in mine
    assert f'<td data-label="{status}">' in mine
    cookies = client.get(f"/{lang}/privacy").text
    purpose = {"es": "Finalidad", "en": "Purpose"}[lang]
    assert "table-stack" in cookies and f'<td data-label="{purpose}">' in cookies
