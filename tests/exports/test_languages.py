"""Every template of the exports renders in both languages."""

from __future__ import annotations

from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from deliberation import create_app
from deliberation.i18n import translations
from deliberation.testing import sign_in

from .conftest import address


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_the_pages_speak_the_readers_language(app, people, resolution, draft, locale):
    with TestClient(app, cookies={"delib_lang": locale}) as reader:
        sign_in(reader, people["facilitator"].email)
        pages = {
            "exports/table.html": reader.get(address(resolution) + "/table"),
            "exports/import.html": reader.get(f"/workshops/{people['workshop'].id}/documents/import"),
            "resolutions/page.html": reader.get(address(resolution)),
        }
        pages["exports/table.html (draft)"] = reader.get(f"/documents/{draft.id}/compare/table?from=1&to=2")
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert f'<html lang="{locale}">' in response.text, name
    download = translations(locale).gettext("Download")
    assert f'<h2 id="downloads-heading">{download}</h2>' in pages["resolutions/page.html"].text


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_the_print_page_is_in_the_networks_language(settings, connection, resolution, locale):
    app = create_app(replace(settings, default_locale=locale), engine=connection)
    with TestClient(app) as reader:
        page = reader.get(address(resolution) + "/print").text
    adopted = translations(locale).gettext("Adopted")
    assert f'<html lang="{locale}">' in page and f"<dt>{adopted}</dt>" in page
