"""Static files: digest-named URLs cached for a year; anything else the default lifetime."""

import re

import pytest


@pytest.mark.parametrize("lang", ["es", "en"])
def test_pages_link_static_files_by_digest_and_those_are_cached_for_a_year(client, lang):
    html = client.get(f"/{lang}/offerings/").get_data(as_text=True)
    links = re.findall(r'href="(/static/[^"?]+\?v=[0-9a-f]{12})"', html)
    links += re.findall(r'href="(/bootstrap/static/[^"?]+\?v=[0-9a-f]{12})"', html)
    assert any("site.css" in link for link in links)
    assert any("bootstrap" in link for link in links)
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        plain = client.get(link.split("?")[0])
        assert "immutable" not in plain.headers.get("Cache-Control", "")
        stale = client.get(link.split("?")[0] + "?v=000000000000")
        assert "immutable" not in stale.headers.get("Cache-Control", "")


def test_a_missing_static_file_is_a_404_without_a_year_of_cache(client):
    response = client.get("/static/css/nothing-here.css?v=000000000000")
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")
