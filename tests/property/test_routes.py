"""Every route of the URL map, visited and posted to with hypothesis-made input.

For each rule: GET with arbitrary query strings and path arguments; POST to the form the
page shows (found by parsing the page, or another page that posts to it) with every field
kept, emptied, repeated, dropped or replaced by hostile text, with a valid CSRF token (mostly),
logged in as someone allowed. Every answer: below 500, nothing logged as an error, no
markup it carried shown un-escaped, no script that is not ours, no redirect off the site,
JSON from the API, and a refusal (4xx) that changed no row of any table.
"""

import io
import re
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.property.pages import endpoint_of, forms_in
from tests.property.routes import (
    COMMON_KEYS,
    LANGS,
    METHODS,
    RULES,
    SKIPPED_METHODS,
    SKIPPED_RULES,
    Sent,
    build_path,
    cases,
    known_values,
    path_values,
    persona_of,
    problems,
    rule_for,
    snapshot,
    with_query,
)
from tests.property.strategies import (
    file_content,
    file_name,
    hostile_text,
    markup_everywhere,
    query_string,
)

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# A GET of the world's own page answers one of these; anything else means the test did not
# reach the view (and exercised nothing but a 404).
REACHED = {200, 302}


def case_id(case):
    return case[0]


def log_in_as(persona, auth, world):
    if persona != "anonymous":
        response = auth.login(world["emails"][persona])
        assert response.status_code == 302, f"could not log in as {persona}"


def log_in_for(app, client, auth, rule, world):
    """Log in as the rule's persona; a page that sends an anonymous visitor to the login
    page is the resident's. Answers the persona and, for a GET rule, the world's own page
    plainly asked for (which may be the only time a one-use link works)."""
    persona = persona_of(rule)
    log_in_as(persona, auth, world)
    if "GET" not in rule.methods:
        return persona, None
    path = build_path(rule, known_values(rule, world, "es"))
    plain = client.get(path)
    if persona == "anonymous" and plain.status_code == 302:
        target = plain.headers["Location"]
        if "/auth/login" in target and "next=" in target:
            persona = "resident"
            log_in_as(persona, auth, world)
            plain = client.get(path)
    return persona, plain


def check(app, client, send, sent, errors):
    with app.app_context():
        before = snapshot()
    response = send()
    with app.app_context():
        after = snapshot()
    found = problems(app, response, sent, before, after, errors)
    assert found == [], f"{sent.method} {sent.path[:300]}: {found}"
    return response


# GET


def query_keys(app, client, rule, world) -> set[str]:
    """The fields of the page's own GET forms (its filters)."""
    keys = set()
    if "lang" not in rule.arguments:
        return keys
    path = build_path(rule, known_values(rule, world, "es"))
    response = client.get(path)
    if response.mimetype == "text/html":
        for form in forms_in(response.get_data(as_text=True), path):
            if form.method == "get":
                keys |= set(form.fields)
    return keys


@pytest.mark.parametrize("case", cases("GET"), ids=case_id)
def test_any_query_string_and_path_argument_get_a_safe_answer(
    app, client, auth, world, errors, case
):
    rule = rule_for(app, *case)
    persona, plain = log_in_for(app, client, auth, rule, world)
    # The view was reached, not only the router.
    assert plain.status_code in REACHED, f"{rule.endpoint} as {persona}: {plain.status_code}"
    keys = query_keys(app, client, rule, world)
    # Before the random ones, markup in every key at once (twice, each key a different
    # fragment each time): a field shown back un-escaped is found on every run.
    for lang, offset in zip(LANGS, (0, 3), strict=True):
        path = build_path(rule, known_values(rule, world, lang))
        fields = markup_everywhere(sorted(keys | COMMON_KEYS), offset)
        url = with_query(path, urlencode(fields))
        check(
            app,
            client,
            lambda url=url: client.get(url),
            Sent("GET", url, [*fields.values()]),
            errors,
        )

    @given(lang=st.sampled_from(LANGS), data=st.data())
    def visit(lang, data):
        values = data.draw(path_values(rule, world, lang), label="path")
        query, carried = data.draw(query_string(keys, COMMON_KEYS), label="query")
        path = build_path(rule, values)
        url = with_query(path, query)
        sent = Sent("GET", url, [*carried, *map(str, values.values())])
        check(app, client, lambda: client.get(url), sent, errors)

    visit()


# POST


def post_forms(app, html, page_path, endpoint):
    return [
        form
        for form in forms_in(html, page_path)
        if form.method == "post" and endpoint_of(app, form.action, "POST") == endpoint
    ]


def form_pages(app, rule, world):
    """Where the form for ``rule`` is shown: its own GET page, else the pages of the same
    area whose arguments cover the rule's (an offering's edit page shows its publish form),
    else the home page (the layout's own forms, such as logging out)."""
    if "GET" in rule.methods:
        return [rule]
    area = rule.endpoint.partition(".")[0]
    same_area = [
        other
        for other in app.url_map.iter_rules()
        if "GET" in other.methods
        and other.endpoint.partition(".")[0] == area
        and rule.arguments <= other.arguments
    ]
    home = [other for other in app.url_map.iter_rules() if other.endpoint == "pages.home"]
    return sorted(same_area, key=lambda other: other.rule) + home


def find_form(app, client, rule, world):
    """(the page rule, the forms on it that post to ``rule``), found once before the
    examples: hypothesis needs the same fields to draw for in every example. No form on
    any page (an empty list): the test posts fields of its own making."""
    pages = form_pages(app, rule, world)
    for page_rule in pages:
        path = build_path(page_rule, known_values(page_rule, world, "es"))
        response = client.get(path)
        if response.mimetype == "text/html":
            forms = post_forms(app, response.get_data(as_text=True), path, rule.endpoint)
            if forms:
                return page_rule, forms
    return (pages[0] if pages else None), []


def fresh_token(client, paths) -> str | None:
    """The session's CSRF token, from the first of ``paths`` that shows one."""
    for path in paths:
        response = client.get(path)
        if response.mimetype == "text/html":
            match = CSRF.search(response.get_data(as_text=True))
            if match:
                return match.group(1)
    return None


TOKEN_CHOICES = ["valid"] * 8 + ["missing", "forged"]


@st.composite
def field_value(draw, field):
    """A value for one field: what the page holds (or a valid choice), or hostile text.
    The password and the CSRF token are put in when sending (both change as examples run)."""
    if field.kind == "file":
        return (draw(file_content), draw(file_name))
    if field.name == "csrf_token":
        return ("token", draw(st.sampled_from(TOKEN_CHOICES)))
    if field.kind == "password":
        valid = st.just(("password",))
    elif field.choices:
        valid = st.sampled_from(field.choices)
    else:
        valid = st.just(field.value)
    return draw(st.one_of(valid, valid, hostile_text))


def valid_value(field):
    if field.name == "csrf_token":
        return ("token", "valid")
    if field.kind == "password":
        return ("password",)
    if field.kind == "file":
        return (b"", "empty.csv")
    if field.kind == "checkbox":
        return None  # left unticked
    return field.choices[0] if field.choices else field.value


@st.composite
def form_plan(draw, form):
    """The form's fields: all valid but one, or each one at random; some dropped, some
    repeated, a few unknown ones added. Placeholders for what is only known when sending."""
    fields = dict(form.fields) if form else {"csrf_token": None}
    plan = []
    names = sorted(fields)
    only = draw(st.sampled_from([None, *names]))
    for name in names:
        field = fields[name]
        if field is None:  # no form found: a token all the same
            plan.append((name, ("token", draw(st.sampled_from(TOKEN_CHOICES)))))
            continue
        if only is not None and name != only:
            value = valid_value(field)
            if value is not None:
                plan.append((name, value))
            continue
        shape = draw(st.sampled_from(["one", "one", "one", "none", "several"]))
        if shape == "none":
            continue
        for _ in range(1 if shape == "one" else draw(st.integers(2, 4))):
            plan.append((name, draw(field_value(field))))
    multipart = bool(form and form.multipart)
    extra = draw(st.lists(st.tuples(hostile_text, hostile_text), max_size=2))
    if not multipart:  # a hostile field name in a multipart header is the client's own bug
        plan.extend(extra)
    return plan, multipart


def resolve(plan, token, password):
    data = MultiDict()
    for name, value in plan:
        if value == ("password",):
            value = password
        elif isinstance(value, tuple) and value[0] == "token":
            if value[1] == "missing" or (value[1] == "valid" and token is None):
                continue
            value = token if value[1] == "valid" else "forged"
        elif isinstance(value, tuple):  # a file: fresh bytes every time it is sent
            value = (io.BytesIO(value[0]), value[1])
        data.add(name, value)
    return data


def carried_values(data):
    return [value for _, value in data.items(multi=True) if isinstance(value, str)]


TEXT_KINDS = {"text", "textarea", "search", "email", "hidden", "url", "tel"}


def send_plan(app, client, rule, page_rule, world, lang, values, plan, multipart, errors):
    """Fill in the token and password of the moment, post, and check the answer."""
    path = build_path(rule, values)
    pages = [f"/{lang}/auth/login", f"/{lang}/"]
    if page_rule is not None:
        pages.insert(0, build_path(page_rule, known_values(page_rule, world, lang)))
    fields = resolve(plan, fresh_token(client, pages), world["password"])
    sent = Sent("POST", path, [*carried_values(fields), *map(str, values.values())])
    kwargs = {"content_type": "multipart/form-data"} if multipart else {}
    check(app, client, lambda: client.post(path, data=fields, **kwargs), sent, errors)


@pytest.mark.parametrize("case", cases("POST"), ids=case_id)
def test_posting_anything_to_a_form_gets_a_safe_answer_and_writes_all_or_nothing(
    app, client, auth, world, errors, case
):
    rule = rule_for(app, *case)
    log_in_for(app, client, auth, rule, world)
    page_rule, forms = find_form(app, client, rule, world)
    if not forms and "GET" in rule.methods:
        pytest.fail(f"{rule.endpoint}: its page shows no form that posts to it")
    form_index = st.integers(0, len(forms) - 1) if forms else st.just(None)
    for lang, offset in zip(LANGS, (0, 3), strict=True):
        for form in forms:  # markup in every text field at once, the rest valid
            texts = [
                f.name
                for f in form.fields.values()
                if f.kind in TEXT_KINDS and f.name != "csrf_token"
            ]
            marked = markup_everywhere(sorted(texts), offset)
            plan = [
                (name, marked.get(name, valid_value(field)))
                for name, field in sorted(form.fields.items())
                if valid_value(field) is not None
            ]
            send_plan(
                app,
                client,
                rule,
                page_rule,
                world,
                lang,
                known_values(rule, world, lang),
                plan,
                form.multipart,
                errors,
            )

    @given(lang=st.sampled_from(LANGS), data=st.data())
    def post(lang, data):
        values = data.draw(path_values(rule, world, lang), label="path")
        index = data.draw(form_index, label="form")
        plan, multipart = data.draw(form_plan(forms[index] if forms else None), label="fields")
        send_plan(app, client, rule, page_rule, world, lang, values, plan, multipart, errors)

    post()


# The URL map, all of it


def test_every_rule_is_exercised_or_skipped_for_a_reason(app):
    exercised = {(endpoint, method) for method in METHODS for endpoint, _ in cases(method)}
    left_out = []
    for rule in app.url_map.iter_rules():
        for method in rule.methods:
            key = (rule.endpoint, method)
            if key in exercised or method in SKIPPED_METHODS or key in SKIPPED_RULES:
                continue
            left_out.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert left_out == [], "exercise these in test_routes.py or skip them with a reason"
    rules = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods
    }
    assert set(SKIPPED_RULES) <= rules, "a skipped rule no longer exists: drop it from the list"
    assert len(RULES) == len(list(app.url_map.iter_rules()))
