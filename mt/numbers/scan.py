"""The Korean scanner: find numeric expressions in Korean or mixed text and read their values.

``scan`` yields ``Item``s (span, kind, value, unit); ``render`` turns them into English."""

from __future__ import annotations

import re
from decimal import Decimal

from .special import bad_date, law_item, oversized, valid_day, vague_item
from .types import Item, ParsedAmount
from .units import (
    ANCHOR, APPROX_BEFORE, BIG_UNITS, CLOCK_MIN, CURRENCIES, DAY_AFTER, DAY_ONLY_DOTTED, DURATION_AFTER_DAY,
    FULL_DOTTED, HANGUL_DIGITS, ISO_DATE, JE_COUNTERS, JE_RE, LATIN_BEFORE,
    MONTH_AFTER, DATE_COUNTER_AFTER, NATIVE, NATIVE_COUNTERS, NUM_RE, PHONE, RANGE_SEP, RATIO, RATIO_DAE, SHORT_DOTTED,
    SMALL_UNITS, TIME, UNIT_INFO, UNIT_RE, WEEKDAYS, WEEKDAY_RE, YEAR_MONTH_DOTTED, LAW, SCORE, TAIL_RE,
    HANGUL_WORD, PARTICLE_WORDS, AGE_AFTER, DECADE_AFTER, BATTING_AFTER, FRACTION_AFTER, HUNDREDTHS_AFTER, KNOCKOUT_AFTER, KNOCKOUT_ROUNDS, DECADE_WORDS, MACHINES_AFTER, MACHINES_BEFORE, TERM_NOUNS, unit_at,
)
from .hangul import is_foreign_name, previous_word, stands_as_numeral
from .values import is_year, to_int_if_whole

_SMALL_PLACE = re.compile(r" (?P<digit>\d)?(?(digit)|[" + "".join(HANGUL_DIGITS) + r"]?)(?P<place>[십백천])")
_CODE_AFTER = re.compile(r"[-.:/]\d")


def parse_amount(text: str, i: int, allow_hangul: bool, allow_big: bool = True) -> ParsedAmount | None:
    """Parse digits / Hangul numerals with 십백천 and 만억조 at ``i``; None if there is no amount."""
    n = len(text)
    total = Decimal(0)
    section = Decimal(0)
    cur: Decimal | None = None
    j = i
    used_unit = False
    big_used = False
    arabic = False
    hangul_atoms = 0
    leading: Decimal | None = None
    last_big: int | None = None
    while j < n:
        ch = text[j]
        m = NUM_RE.match(text, j) if ch.isdigit() else None
        if m:
            if cur is not None:
                break
            cur = Decimal(m.group().replace(",", ""))
            arabic = True
            if leading is None:
                leading = cur
            j = m.end()
            continue
        if ch in HANGUL_DIGITS and allow_hangul and cur is None:
            nxt = text[j + 1] if j + 1 < n else ""
            if nxt in SMALL_UNITS or nxt in BIG_UNITS or (not arabic and used_unit):
                cur = Decimal(HANGUL_DIGITS[ch])
                hangul_atoms += 1
                j += 1
                continue
            break
        if ch in SMALL_UNITS and (allow_hangul or cur is not None):
            if cur is None and not allow_hangul:
                break
            unit = SMALL_UNITS[ch]
            section += (cur if cur is not None else Decimal(1)) * unit
            cur = None
            used_unit = True
            j += 1
            # a smaller place after a space continues the number (2백 5십만, 삼백 오십)
            nxt = _SMALL_PLACE.match(text, j)
            if nxt and SMALL_UNITS[nxt.group("place")] < unit and (allow_hangul or nxt.group("digit")):
                j += 1
            elif j + 1 < n and text[j] == " " and text[j + 1] in BIG_UNITS and (
                    last_big is None or BIG_UNITS[text[j + 1]] < last_big):
                j += 1  # 30억6천 만원: the big unit after a space still scales the section
            continue
        if ch in BIG_UNITS and allow_big:
            unit = BIG_UNITS[ch]
            if last_big is not None and unit >= last_big:
                break
            chunk = section + (cur if cur is not None else Decimal(0))
            if chunk == 0:
                if section == 0 and cur is None and (total != 0 or not allow_hangul):
                    break
                chunk = Decimal(1) if cur is None else chunk
            total += chunk * unit
            section = Decimal(0)
            cur = None
            used_unit = True
            big_used = True
            last_big = unit
            j += 1
            # a smaller amount after a space continues the number: 2조 3,000억, 1만 2천, 2만 3,000명
            if j < n and text[j] == " ":
                k = j + 1
                sub = parse_amount(text, k, allow_hangul, True) if k < n else None
                if sub and 0 < sub.value < unit and (_has_unit_char(text, k, sub.end)
                                                     or _plain_group(text, k, sub.end)):
                    j = k
                    continue
                break
            continue
        break
    if j == i:
        return None
    if not arabic and not used_unit:
        return None
    value = total + section + (cur if cur is not None else Decimal(0))
    trail = None
    if leading is not None and leading != 0 and used_unit:
        ratio = value / leading
        if ratio == ratio.to_integral_value() and not any(c.isdigit() for c in text[i:j].split(str(leading).split(".")[0], 1)[-1]):
            trail = ratio
    while j > i and text[j - 1] == " ":
        j -= 1
    return ParsedAmount(j, value, big_used, trail, arabic)


def raw_digit(text: str, i: int, j: int) -> bool:
    """``text[i:j]`` is one ASCII digit (the tenths of 4할 6리)."""
    return j == i + 1 and "0" <= text[i] <= "9"


def _has_unit_char(text: str, a: int, b: int) -> bool:
    return any(c in SMALL_UNITS or c in BIG_UNITS for c in text[a:b])


def _plain_group(text: str, a: int, b: int) -> bool:
    """``text[a:b]`` is a plain digit group that ends there: not the start of a code, decimal,
    date or time (1만 1588-1234, 3만 3.5, 5만 7월)."""
    if not NUM_RE.fullmatch(text, a, b):
        return False
    return not (_CODE_AFTER.match(text, b) or DATE_COUNTER_AFTER.match(text, b))


def _century_year(yy: int, default_year: int | None) -> int:
    if default_year:
        century = default_year - default_year % 100
        year = century + yy
        if year > default_year + 30:
            year -= 100
        return year
    return 2000 + yy if yy < 70 else 1900 + yy


def _weekday_at(text: str, j: int):
    m = WEEKDAY_RE.match(text, j)
    if m:
        return m.end(), WEEKDAYS[m.group("wd")]
    return j, ""


def _date_item(start, end, y, m, d, weekday="") -> Item:
    return Item(start, end, "date", (y, m, d), weekday=weekday)


def _extend_date(text: str, item: Item) -> Item:
    """After ``2025년`` or ``6월`` read the month and day that follow."""
    y, mo, d = item.value
    j = item.end
    if mo is None:
        mm = MONTH_AFTER.match(text, j)
        if mm and 1 <= int(mm.group(1)) <= 12:
            mo = int(mm.group(1))
            j = mm.end()
        else:
            return item
    if d is None:
        dm = DAY_AFTER.match(text, j)
        if dm and not valid_day(y, mo, int(dm.group(1))):
            return bad_date(text, item.start, dm.end())
        if dm:
            d = int(dm.group(1))
            j = dm.end()
    weekday = ""
    if d is not None:
        j, weekday = _weekday_at(text, j)
    return Item(item.start, j, "date", (y, mo, d), weekday=weekday)


def _single(text: str, i: int, default_year: int | None, after_je: bool = False):
    """One expression starting at ``i`` (a digit or an apostrophe year). None if nothing valid."""
    n = len(text)
    if after_je:
        law = LAW.match(text, i)
        if law and TAIL_RE.match(text, law.end()):
            return law_item(i - 1, law)
        m = JE_RE.match(text, i)
        if not m:
            return None
        kind = JE_COUNTERS[m.group("unit")]
        return Item(i - 1, m.end(), "ordinal", Decimal(m.group("num")), unit=kind)

    if text[i] in "'’‘":
        yy = int(text[i + 1:i + 3])
        j = i + 3
        year = _century_year(yy, default_year)
        if text.startswith("년", j):
            j += 1
        item = Item(i, j, "year", Decimal(year))
        if text.startswith("년", j - 1):
            return _extend_date(text, Item(i, j, "date", (year, None, None))) if MONTH_AFTER.match(text, j) else item
        return item

    m = PHONE.match(text, i)
    if m:
        return Item(i, m.end(), "code", m.group())
    for pattern in (ISO_DATE, FULL_DOTTED):
        m = pattern.match(text, i)
        if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31 and not valid_day(
                int(m.group(1)), int(m.group(2)), int(m.group(3))):
            return bad_date(text, i, m.end())  # 2025-02-30
    m = ISO_DATE.match(text, i)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return _date_item(i, m.end(), int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = FULL_DOTTED.match(text, i)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        j, wd = _weekday_at(text, m.end())
        return _date_item(i, j, int(m.group(1)), int(m.group(2)), int(m.group(3)), wd)
    m = YEAR_MONTH_DOTTED.match(text, i)
    if m and is_year(Decimal(m.group(1))) and 1 <= int(m.group(2)) <= 12 and len(m.group(2)) == 2:
        return _date_item(i, m.end(), int(m.group(1)), int(m.group(2)), None)
    m = SHORT_DOTTED.match(text, i)
    if m and valid_day(None, int(m.group(1)), int(m.group(2))):
        j, wd = _weekday_at(text, m.end())
        return _date_item(i, j, None, int(m.group(1)), int(m.group(2)), wd)
    m = TIME.match(text, i)
    if m and int(m.group(1)) <= 24 and int(m.group(2)) <= 59:
        return Item(i, m.end(), "time", (int(m.group(1)), int(m.group(2))))
    m = SCORE.match(text, i)
    if m and not (m.end() < n and text[m.end()].isascii() and text[m.end()].isalpha()) \
            and unit_at(text, m.end()) is None:
        return Item(i, m.end(), "score", (int(m.group(1)), int(m.group(2))))  # 1-0으로
    m = RATIO.match(text, i)
    if m:
        return Item(i, m.end(), "ratio", (to_int_if_whole(Decimal(m.group(1).replace(",", ""))),
                                           to_int_if_whole(Decimal(m.group(2).replace(",", "")))))

    parsed = parse_amount(text, i, allow_hangul=False)
    if parsed is None:
        return None
    j, value, korean_scaled, trail = parsed.end, parsed.value, parsed.korean_scaled, parsed.trail_scale
    digits_end = j
    # identifiers: 5G, 3D, 2nd (a unit such as km is allowed)
    if j < n and text[j].isascii() and text[j].isalpha() and not UNIT_RE.match(text, j):
        return None
    # ratio written with 대: 5.3대 1
    rm = RATIO_DAE.match(text, j)
    if rm and not korean_scaled and unit_at(text, rm.end()) is None:
        right = Decimal(rm.group(1).replace(",", ""))
        return Item(i, rm.end(), "ratio", (to_int_if_whole(value), to_int_if_whole(right)))
    fraction = FRACTION_AFTER.match(text, j)
    if fraction and not korean_scaled and value == value.to_integral_value() and value > 0:
        numerator = to_int_if_whole(Decimal(fraction.group("num")))
        return Item(i, fraction.end(), "fraction", (numerator, to_int_if_whole(value)))
    knockout = KNOCKOUT_AFTER.match(text, j)
    if knockout and not korean_scaled and value in KNOCKOUT_ROUNDS:
        return Item(i, j + 1, "ordinal", value, unit="knockout")
    batting = BATTING_AFTER.match(text, j)
    if batting and (batting.group("pun") or batting.group("ri")) and raw_digit(text, i, j):
        thousandths = int(text[i:j]) * 100 + int(batting.group("pun") or 0) * 10 + int(batting.group("ri") or 0)
        return Item(i, batting.end(), "number", Decimal(thousandths) / 1000, extra={"batting": True})
    hundredths = HUNDREDTHS_AFTER.match(text, j)
    if hundredths and not korean_scaled and "." not in text[i:j]:
        return Item(i, hundredths.end(), "quantity", value + Decimal(hundredths.group("frac")) / 100, unit="seconds")
    approx = ""
    if j < n and text[j] == "여" and unit_at(text, j + 1):
        approx = "more than"
        j += 1
    unit = unit_at(text, j)
    if unit is None:
        word = HANGUL_WORD.match(text, j)
        if word and word.group() not in PARTICLE_WORDS:
            return None  # glued to a Korean word: 2차전지, 3원칙 (but 13은, 101로 are numbers)
        raw = text[i:digits_end]
        return Item(i, digits_end, "number", value, korean_scaled=korean_scaled, trail_scale=trail,
                     approx=approx, extra={"digits": raw} if raw.isdigit() else {})
    k, key = unit
    item = Item(i, k, "quantity", value, unit=key, korean_scaled=korean_scaled, trail_scale=trail,
                 approx=approx)
    whole = value == value.to_integral_value()
    if key == "year":
        if is_year(value) and not korean_scaled:
            year_item = Item(i, k, "year", value)
            if MONTH_AFTER.match(text, k):
                extended = _extend_date(text, Item(i, k, "date", (int(value), None, None)))
                if extended.end > k:
                    return extended
            return year_item
        item.unit = "years"
    elif key == "month":
        if whole and not korean_scaled and not 1 <= value <= 12:
            return bad_date(text, i, k)  # 13월, 0월
        if not whole or korean_scaled:
            return None
        return _extend_date(text, Item(i, k, "date", (None, int(value), None)))
    elif key == "day":
        if whole and 1 <= value <= 31 and not korean_scaled and not DURATION_AFTER_DAY.match(text, k):
            k2, wd = _weekday_at(text, k)
            return Item(i, k2, "date", (None, None, int(value)), weekday=wd)
        item.unit = "days"
    elif key == "clock":
        if not (whole and value <= 24) or korean_scaled:
            return None
        minute = 0
        cm = CLOCK_MIN.match(text, k)
        if cm:
            minute = 30 if cm.group(2) else int(cm.group(1))
            k = cm.end()
        return Item(i, k, "time", (int(value), minute), extra={"clock": True})
    elif key in ("ordinal", "line", "no", "anniversary", "quarter", "century", "type", "grade", "match", "round",
                 "stage"):
        if not whole:
            return None
        item.kind = "ordinal"
    elif key in CURRENCIES:
        item.kind = "money"
    else:
        item.kind = UNIT_INFO[key][0]
    return counted(text, item, k)


def counted(text: str, item: Item, k: int) -> Item:
    """``N대`` and ``N세`` read in context: a decade of age (30대 여성), a term (20대 국회), a
    regnal number (헨리 8세); otherwise ``item`` unchanged."""
    value = item.value
    if not isinstance(value, Decimal) or value != value.to_integral_value() or item.korean_scaled:
        return item
    surface = text[k - 1]
    if item.unit == "count" and surface == "대":
        if TERM_NOUNS.match(text, k):
            return Item(item.start, k, "ordinal", value, unit="ordinal")
        if int(value) in DECADE_WORDS and DECADE_AFTER.match(text, k) and not MACHINES_AFTER.match(text, k) \
                and not MACHINES_BEFORE.search(text, max(0, item.start - 8), item.start):
            return Item(item.start, k, "quantity", value, unit="decade", words=item.words, approx=item.approx)
    if item.unit == "age" and surface == "세" and 1 <= value <= 30 and not AGE_AFTER.match(text, k):
        before = previous_word(text, item.start)
        if before and text[before[0]:before[1]] != "만" and is_foreign_name(text, *before):
            return Item(item.start, k, "ordinal", value, unit="regnal")
    return item


def _merge_range(text: str, left: Item, right: Item):
    """Combine ``left ~ right`` into one range item, or None when they do not form one."""
    if left.kind == "date" and right.kind == "date":
        y1, m1, d1 = left.value
        y2, m2, d2 = right.value
        if m2 is None and d2 is not None and d1 is not None:
            m2, y2 = m1, y1
        if y2 is None and y1 is not None:
            y2 = y1 if (m2 or 0) >= (m1 or 0) else y1 + 1
        if (d1 is None) != (d2 is None):
            return None
        return Item(left.start, right.end, "range", ((y1, m1, d1), (y2, m2, d2)), unit="date")
    if left.kind == "time" and right.kind == "time":
        return Item(left.start, right.end, "range", (left.value, right.value), unit="time")
    if left.kind == "year" and right.kind in ("year", "number") or (
        left.kind == "number" and right.kind == "year"
    ):
        lo, hi = Decimal(left.value), Decimal(right.value)
        if right.kind == "number" and lo >= 1000 and hi < 100 and hi == hi.to_integral_value():
            hi = lo - lo % 100 + hi
        if is_year(lo) and is_year(hi) and lo <= hi:
            return Item(left.start, right.end, "range", (int(lo), int(hi)), unit="year")
        return None
    if left.kind == "number" and right.kind == "quantity" and right.unit == "years":
        # 2025~29년: the year unit makes the right end a duration on its own
        lo, hi = Decimal(left.value), Decimal(right.value)
        if is_year(lo) and hi < 100:
            return Item(left.start, right.end, "range", (int(lo), int(lo - lo % 100 + hi)), unit="year")
        return None
    if left.kind == "number" and right.kind == "date" and right.value[1] is not None and right.value[2] is None:
        if left.value == left.value.to_integral_value() and 1 <= left.value <= 12:
            y = right.value[0]
            return Item(left.start, right.end, "range", ((y, int(left.value), None), right.value), unit="date")
        return None
    if left.kind == "number" and right.kind == "number" and is_year(left.value) and is_year(right.value) \
            and "," not in text[left.start:right.end] and left.value < right.value:
        return Item(left.start, right.end, "range", (int(left.value), int(right.value)), unit="year")
    if right.kind in ("number", "quantity", "money", "percent", "multiple"):
        lo = left.value
        if left.kind == "number":
            if right.trail_scale is not None and not left.korean_scaled and left.trail_scale is None:
                lo = lo * right.trail_scale
            unit = right.unit
        elif left.unit == right.unit and left.kind == right.kind:
            unit = right.unit
        else:
            return None
        if not isinstance(lo, Decimal) or lo > right.value:
            return None
        item = Item(left.start, right.end, "range", (lo, right.value), unit=unit,
                     korean_scaled=left.korean_scaled or right.korean_scaled)
        item.extra["of"] = right.kind
        return item
    return None


def scan(text: str, default_year: int | None) -> list[Item]:
    """The expressions of ``text``, left to right, non-overlapping (before rendering)."""
    items: list[Item] = []
    pos = 0
    n = len(text)
    while True:
        m = ANCHOR.search(text, pos)
        if not m:
            break
        i = m.start()
        item = None
        if m.group("digit") is not None:
            if i > 0 and (LATIN_BEFORE.search(text, max(0, i - 2), i) or text[i - 1] in ".,"
                          and i > 1 and text[i - 2].isdigit()):
                pos = _skip_word(text, i)
                if pos < n and text[pos] == "월":  # NaN5월 26일: a month glued to a Latin word
                    items.append(bad_date(text, _word_start(text, i, items[-1].end if items else 0), pos + 1))
                    pos = items[-1].end
                continue
            after_je = i > 0 and text[i - 1] == "제" and (i < 2 or not ("가" <= text[i - 2] <= "힣"))
            item = _single(text, i, default_year, after_je) if after_je else None
            if item is None:
                item = _single(text, i, default_year)
            if item is None:
                pos = _skip_word(text, i)
                continue
        elif m.group("apos") is not None:
            if i > 0 and text[i - 1].isalnum():
                pos = i + 1
                continue
            item = _single(text, i, default_year)
        elif m.group("ampm") is not None:
            k = m.end()
            item = _single(text, k, default_year)
            if item is None or item.kind != "time" or not item.extra.get("clock"):
                pos = m.end()
                continue
            h, mi = item.value
            pm = m.group().startswith("오후")
            if pm and h < 12:
                h += 12
            item = Item(i, item.end, "time", (h, mi), extra={"ampm": "p.m." if pm else "a.m."})
        elif m.group("first") is not None:
            item = Item(i, m.end(), "ordinal", Decimal(1), unit="ordinal", words=True)
        elif m.group("native") is not None:
            item = _native(text, i, m.end())
            if item is None:
                pos = i + 1
                continue
        elif m.group("vague") is not None:
            item = vague_item(text, i)
        else:
            parsed = parse_amount(text, i, allow_hangul=True)
            unit = unit_at(text, parsed.end) if parsed is not None and parsed.end == m.end() else None
            key = unit[1] if unit else None
            counter_start = parsed.end + (text[parsed.end] == " ") if unit else 0
            if key is None or key not in CURRENCIES and key not in UNIT_INFO \
                    or not stands_as_numeral(text, i, parsed.end, counter_start):
                pos = i + 1  # 조건, 구조원, 열대: numeral syllables inside a word
                continue
            kind = "money" if key in CURRENCIES else UNIT_INFO[key][0]
            item = counted(text, Item(i, unit[0], kind, parsed.value, unit=key,
                                      korean_scaled=parsed.korean_scaled, words=True), unit[0])
            item.words = item.unit == "decade"  # 이십대 → in their twenties; 삼십 명 → 30 people
        if item is None:
            pos = m.end()
            continue
        # ranges: left ~ right
        sep = RANGE_SEP.match(text, item.end)
        if sep and item.kind in ("number", "quantity", "money", "percent", "year", "date", "time", "multiple"):
            j = sep.end()
            right = None
            if j < n and (text[j].isdigit() or text[j] in "'’‘"):
                right = _single(text, j, default_year)
                if right is None and item.kind == "date" and item.value[2] is not None:
                    dm = DAY_ONLY_DOTTED.match(text, j)
                    if dm and 1 <= int(dm.group(1)) <= 31:
                        k, wd = _weekday_at(text, dm.end())
                        right = Item(j, k, "date", (None, None, int(dm.group(1))))
            if right is not None and item.kind == "date" and right.kind == "date" and right.value[1] is None:
                right = Item(right.start, right.end, "date", (None, None, right.value[2]))
            if right is not None and right.kind == "number" and item.kind == "date" and item.value[2] is not None:
                right = None
            merged = _merge_range(text, item, right) if right is not None else None
            if merged is not None:
                item = merged
        # approximate: 약 3억 원
        if item.kind in ("money", "quantity", "percent", "number", "multiple", "range"):
            before = APPROX_BEFORE.search(text, max(0, item.start - 2), item.start)
            if before and not item.approx:
                item.start = before.start()
                item.approx = "about"
        items.append(oversized(text, item))
        pos = item.end  # an oversized item's rest (억 원 after its digits) is not read again
    return items


def _native(text: str, i: int, end: int) -> Item | None:
    span = text[i:end]
    word = next(w for w in sorted(NATIVE, key=len, reverse=True) if span.startswith(w))
    counter = span[len(word):].strip()
    if not stands_as_numeral(text, i, i + len(word), end - len(counter), native=True):
        return None  # 세대 (a generation), 한 배 (the same boat)
    key = NATIVE_COUNTERS[counter]
    value = Decimal(NATIVE[word])
    if key == "ordinal":
        return Item(i, end, "ordinal", value, unit="ordinal", words=True)
    kind = UNIT_INFO[key][0]
    return Item(i, end, kind, value, unit=key, words=True)


def _word_start(text: str, i: int, floor: int) -> int:
    """Where the Latin word that digit ``i`` is glued to begins (NaN5 → the N)."""
    while i > floor and (text[i - 1].isascii() and text[i - 1].isalnum() or text[i - 1] in "-_"):
        i -= 1
    return i


def _skip_word(text: str, i: int) -> int:
    j = i
    n = len(text)
    while j < n and (text[j].isalnum() or text[j] in "-_.,") and not ("가" <= text[j] <= "힣"):
        j += 1
    return max(j, i + 1)
