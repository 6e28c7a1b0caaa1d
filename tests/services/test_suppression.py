"""Small counts: hidden in public, and never recoverable by subtraction (a hand-made year
checked by brute force), exact for coordinators."""

from itertools import product

from app.models import utcnow
from app.services import enrolment, indicators
from app.services.indicators import definitions
from app.services.indicators.publish import Cell, Figure, suppress
from tests.factories import make_offering, make_user

THRESHOLD = 10


def figure(total, **breakdowns):
    return Figure(
        definitions.BY_CODE["participants"],
        total,
        breakdowns={
            dim: [Cell(key, value) for key, value in cells.items()]
            for dim, cells in breakdowns.items()
        },
    )


def solutions(cells: list[Cell], total: int) -> list[dict[str, int]]:
    """Every assignment of the hidden cells that agrees with what is published: the visible
    cells and the total (each breakdown adds up to it). Hidden cells may be anything from 0
    to the total: an attacker does not know which are small and which hide them."""
    visible = sum(cell.value for cell in cells if not cell.suppressed)
    hidden = [cell.key for cell in cells if cell.suppressed]
    left = total - visible
    return [
        dict(zip(hidden, guess, strict=True))
        for guess in product(range(left + 1), repeat=len(hidden))
        if sum(guess) == left
    ]


def assert_unrecoverable(fig: Figure, truth: dict[str, dict[str, int]]):
    for dim, cells in fig.breakdowns.items():
        hidden = [cell for cell in cells if cell.suppressed]
        if not hidden:
            continue
        found = solutions(cells, fig.value)
        assert any(s == {c.key: truth[dim][c.key] for c in hidden} for s in found)
        for cell in hidden:
            assert len({s[cell.key] for s in found}) > 1, f"{dim}={cell.key} is recoverable"
    # Across breakdowns: no visible cell equals a hidden one (the same people, maybe).
    hidden_values = {c.value for cs in fig.breakdowns.values() for c in cs if c.suppressed}
    visible = [c for cs in fig.breakdowns.values() for c in cs if not c.suppressed]
    assert not any(c.value and c.value in hidden_values for c in visible)


def test_one_small_cell_hides_another_so_neither_is_recovered_from_the_total():
    truth = {
        "residence": {"las-rozas": 30, "majadahonda": 14, "boadilla-del-monte": 3, "unknown": 12},
        "gender": {"woman": 27, "man": 25, "non-binary": 2, "unknown": 5},
    }
    fig = figure(59, **truth)
    suppress(fig, THRESHOLD)
    hidden = {(dim, c.key) for dim, cells in fig.breakdowns.items() for c in cells if c.suppressed}
    # The primary cells (3; 2 and 5), and enough complementary ones.
    assert ("residence", "boadilla-del-monte") in hidden
    assert {("gender", "non-binary"), ("gender", "unknown")} <= hidden
    assert ("residence", "unknown") in hidden
    assert not fig.suppressed
    assert_unrecoverable(fig, truth)


def test_a_small_total_hides_every_cell():
    fig = figure(7, gender={"woman": 4, "man": 3})
    suppress(fig, THRESHOLD)
    assert fig.suppressed
    assert all(cell.suppressed for cell in fig.breakdowns["gender"])


def test_a_cell_equal_to_a_hidden_cell_of_another_breakdown_is_hidden_too():
    # Everyone in the talent programme lives in Boadilla: the two cells are the same 4 people.
    truth = {
        "residence": {"las-rozas": 20, "boadilla-del-monte": 4, "unknown": 16},
        "gender": {"woman": 4, "man": 20, "unknown": 16},
    }
    fig = figure(40, **truth)
    suppress(fig, THRESHOLD)
    assert_unrecoverable(fig, truth)


def test_public_figures_hide_small_counts_and_coordinators_see_them(session):
    offering = make_offering(session)
    year = indicators.year_of(offering.starts_at)

    for _ in range(3):
        enrolment.enrol(
            session, offering_id=offering.id, user_id=make_user(session).id, now=utcnow()
        )
    public = indicators.year_figures(session, year, threshold=THRESHOLD)
    exact = indicators.year_figures(session, year, threshold=THRESHOLD, exact=True)
    assert (public["participants"].value, public["participants"].suppressed) == (None, True)
    assert all(c.value is None for c in public["participants"].breakdowns["gender"])
    assert exact["participants"].value == 3
    # A share built on hidden counts is hidden too; the JSON says so in the contract's shape.
    data = indicators.as_json(public)
    participants = next(i for i in data["indicators"] if i["code"] == "participants")
    assert participants["value"] is None and participants["suppressed"] is True
    assert data["empty"] is False
