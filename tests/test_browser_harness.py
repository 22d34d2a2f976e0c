"""Does the test browser work, and does it catch a page that reaches outside the machine?"""

from __future__ import annotations

import browser as browser_module


def test_a_local_page_renders_and_an_outside_request_is_caught(browser, tmp_path):
    page_file = tmp_path / "page.html"
    page_file.write_text('<p id="here">here</p><img src="https://example.com/pixel.png">')
    found = browser_module.offline_page(browser)
    found.page.goto(page_file.as_uri())
    assert found.page.text_content("#here") == "here"
    assert found.outside_requests == ["https://example.com/pixel.png"]
    found.page.context.close()
