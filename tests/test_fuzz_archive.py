"""Property test: the archive listing reader never raises anything but ``KoenError``, on any bytes."""

from __future__ import annotations

import os
import tempfile

from hypothesis import given
from hypothesis import strategies as st

from fuzz_settings import FUZZ
from mt.archive.listing import EXAMPLE_DATE_LINE, ListingReader
from mt.errors import KoenError

PIECES = [b"\n", b"\r\n", b"\r", b" ", b"Home/Policy/Report", EXAMPLE_DATE_LINE.encode(), b"2025-07-11T1",
          "제목입니다".encode(), "- 본문 문장입니다.".encode(), b"|", b"\xef\xbb\xbf", b"\xff", b"\x00", b"2025.13.45"]


@FUZZ
@given(st.binary(max_size=600) | st.lists(st.sampled_from(PIECES), max_size=60).map(b"".join))
def test_fuzz_listing_reader_raises_only_koen_error(data):
    fd, name = tempfile.mkstemp(suffix=".txt")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        reader = ListingReader(name)
        try:
            scan = reader.scan()
        except KoenError:
            return
        translations = {r.position: dict(r.fields) for r in scan.records}
        rendered = reader.render(scan, translations)
        assert [r.data for r in rendered] == [data]     # untranslated records render the input back
    finally:
        os.unlink(name)
