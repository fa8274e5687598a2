"""Property-based: no query string, however odd, makes a checker page answer 5xx."""

from http import HTTPStatus
from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

SLUGS = [
    "cert",
    "reason",
    "no-electronic-certificate",
    "identity-unchanged",
    "still-valid",  # no longer asked: an old link's answer
    "issued-in",
    "living-in",
    "urgent",
    "delivery",
    "date",
    "asked",
]
GOOD_VALUES = [
    "professional-title",
    "professional-qualification",
    "skill-certificate",
    "lost",
    "damaged",
    "changed",
    "revoked",
    "yes",
    "no",
    "110000",
    "440000",
    "title-review",
    "other",
    "mail",
    "in-person",
    "2026-11-30",
    "2026-02-30",
    "2030-01-01",
    "0000-00-00",
]

keys = st.one_of(st.sampled_from(SLUGS), st.text(max_size=12))
values = st.one_of(
    st.sampled_from(GOOD_VALUES),
    st.sampled_from(SLUGS),
    st.text(max_size=30),
    st.from_regex(r"-?[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}", fullmatch=True),
    st.integers().map(str),
)
pairs = st.lists(st.tuples(keys, values), max_size=14)
# Hand-made query strings too: broken percent-escapes, stray separators, no '='.
raw_queries = st.lists(
    st.one_of(
        st.sampled_from(["%", "%ZZ", "%E4%B8", "&", "=", "==", ";", "+", "%00", "cert", "date=", "?"]),
        st.text(max_size=8),
    ),
    max_size=12,
).map("".join)
paths = st.one_of(
    st.just("check_start"),
    st.just("check_result"),
    st.sampled_from(SLUGS).map(lambda s: ("check_question", s)),
    st.from_regex(r"[-a-zA-Z0-9_]{1,20}", fullmatch=True).map(lambda s: ("check_question", s)),
)


def url_for(path):
    if isinstance(path, tuple):
        return reverse(f"guides:{path[0]}", args=[path[1]])
    return reverse(f"guides:{path}")


def get_following(client, url):
    """Follow up to 5 redirects; more would be a loop."""
    for _ in range(6):
        response = client.get(url)
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, url
        if response.status_code != HTTPStatus.FOUND:
            return response
        url = response["Location"]
    raise AssertionError(f"redirect loop from {url}")


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(path=paths, query=pairs)
def test_no_server_error_for_any_answers(client, content, path, query):
    response = get_following(client, f"{url_for(path)}?{urlencode(query)}")
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)


@FUZZ
@given(path=paths, query=raw_queries)
def test_no_server_error_for_any_raw_query_string(client, content, path, query):
    response = get_following(client, f"{url_for(path)}?{quote(query, safe='%&=;+?')}")
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)


VALID = [
    ("cert", "professional-qualification"),
    ("reason", "lost"),
    ("no-electronic-certificate", "yes"),
    ("identity-unchanged", "yes"),
    ("issued-in", "110000"),
    ("living-in", "440000"),
    ("urgent", "title-review"),
    ("delivery", "mail"),
    ("date", "2026-12-01"),
]
edits = st.lists(
    st.tuples(st.sampled_from(["drop", "replace", "duplicate", "swap"]), st.integers(0, len(VALID) - 1), values),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(path=paths, changes=edits)
def test_no_server_error_for_tampered_valid_answers(client, content, path, changes, frozen_today):
    """Start from a complete, valid set of answers and tamper with a few of them."""
    query = list(VALID)
    for action, index, value in changes:
        index %= len(query) or 1
        if not query:
            break
        if action == "drop":
            query.pop(index)
        elif action == "replace":
            query[index] = (query[index][0], value)
        elif action == "duplicate":
            query.append((query[index][0], value))
        else:
            query.insert(0, query.pop(index))
    response = get_following(client, f"{url_for(path)}?{urlencode(query)}")
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
