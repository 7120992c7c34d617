"""Content-Disposition for any file name: ASCII names as they are, others twice (RFC 6266)."""

from __future__ import annotations

import pytest
from starlette.responses import Response

from events_app.web.downloads import content_disposition


def test_an_ascii_name_is_written_as_it_is() -> None:
    assert content_disposition("attachment", "talk.ics") == 'attachment; filename="talk.ics"'


def test_a_chinese_name_gets_an_ascii_fallback_and_its_utf8_form() -> None:
    header = content_disposition("inline", "量子讲座.ics")
    assert header == (
        'inline; filename="download.ics"; '
        "filename*=UTF-8''%E9%87%8F%E5%AD%90%E8%AE%B2%E5%BA%A7.ics"
    )
    Response(b"", headers={"content-disposition": header})  # a header Starlette can send


def test_accents_and_quotes_never_break_the_header() -> None:
    header = content_disposition("attachment", 'café "menu".csv')
    assert header.startswith('attachment; filename="cafe-menu.csv"; filename*=UTF-8')
    with pytest.raises(ValueError):
        content_disposition("form-data", "x.ics")
