"""Korean numeric expressions: find them, read their value, render them in English, account for them.

``find_numbers`` scans Korean or mixed Korean/English text for numbers, money, counted quantities,
percentages, dates, times, ranges and ratios (``165억 원``, ``2025년 6월 26일``, ``6.26.(목)``,
``'25~'29``, ``30~40%``, ``5.3대 1``) and renders each one by fixed rules (``KRW 16.5 billion``,
``June 26, 2025``, ``June 26 (Thursday)``, ``2025–2029``, ``30–40%``, ``5.3:1``).

``account_numbers`` says which source expressions an English output contains (in any equivalent
form), ``unjustified_numbers`` finds numbers in an output that nothing in the source justifies.
The conventions are documented in docs/numbers.md.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

__all__ = [
    "RenderStyle",
    "NumberExpr",
    "NumberCheck",
    "find_numbers",
    "account_numbers",
    "unjustified_numbers",
    "format_number",
]


@dataclass(frozen=True)
class RenderStyle:
    """How money is written. ``currency`` applies to won and every other currency except the dollar,
    which follows ``dollar`` (``None``: follow ``currency``) because "$500 billion" is what English
    news writes even where won amounts are written "KRW 16.5 billion"."""

    currency: str = "code"  # "code" | "word" | "symbol"
    dollar: str | None = "symbol"

    def __post_init__(self) -> None:
        for name in ("currency", "dollar"):
            value = getattr(self, name)
            if value is None and name == "dollar":
                continue
            if value not in ("code", "word", "symbol"):
                from mt.errors import KoenError

                raise KoenError(f"unknown {name} style {value!r} (use code, word or symbol)")


@dataclass(frozen=True)
class NumberExpr:
    start: int
    end: int
    text: str
    kind: str
    value: object
    english: str
    unit: str = ""  # canonical unit: "KRW", "USD", "%", "person", "km", ... ("" for none)


@dataclass(frozen=True)
class NumberCheck:
    expr: NumberExpr
    found: bool


# --------------------------------------------------------------------------------------------
# Number formatting

_SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def _dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_number(value) -> str:
    """``1234567.50`` → ``1,234,567.5``: thousands separators, no trailing zeros, no ``.0``."""
    d = _dec(value)
    if d == d.to_integral_value():
        return f"{int(d):,}"
    text = format(d.normalize(), "f")
    whole, frac = text.split(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-') or 0):,}.{frac}"


def _decimals(d: Decimal) -> int:
    exponent = d.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _pick_scale(values: list[Decimal]) -> tuple[Decimal, str] | None:
    low = min(values)
    for size, word in _SCALES:
        if low >= size and all(_decimals(v / size) <= 4 for v in values):
            return size, word
    return None


def _scaled(values: list[Decimal], korean_scaled: bool, verbatim: str | None = None) -> str:
    """Render one value or a range of values, using million/billion/trillion when the Korean did."""
    scale = _pick_scale(values) if korean_scaled else None
    if scale is None and verbatim is not None:
        return verbatim
    if scale is None:
        return "–".join(format_number(v) for v in values)
    size, word = scale
    return "–".join(format_number(v / size) for v in values) + f" {word}"


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --------------------------------------------------------------------------------------------
# Units and counters

_CURRENCIES = {
    # key: (code, word singular, word plural, symbol)
    "KRW": ("KRW", "won", "won", "₩"),
    "USD": ("USD", "dollar", "dollars", "$"),
    "JPY": ("JPY", "yen", "yen", "¥"),
    "EUR": ("EUR", "euro", "euros", "€"),
    "CNY": ("CNY", "yuan", "yuan", "CN¥"),
    "GBP": ("GBP", "pound", "pounds", "£"),
}

# unit key → (kind, singular noun, plural noun); an empty noun renders the bare number.
_UNIT_INFO = {
    "%": ("percent", "%", "%"),
    "%p": ("percent", "percentage point", "percentage points"),
    "m2": ("quantity", "m²", "m²"),
    "km2": ("quantity", "km²", "km²"),
    "km": ("quantity", "km", "km"),
    "m": ("quantity", "m", "m"),
    "cm": ("quantity", "cm", "cm"),
    "mm": ("quantity", "mm", "mm"),
    "kg": ("quantity", "kg", "kg"),
    "ton": ("quantity", "ton", "tons"),
    "ha": ("quantity", "ha", "ha"),
    "MW": ("quantity", "MW", "MW"),
    "GW": ("quantity", "GW", "GW"),
    "kW": ("quantity", "kW", "kW"),
    "kWh": ("quantity", "kWh", "kWh"),
    "MWh": ("quantity", "MWh", "MWh"),
    "GWh": ("quantity", "GWh", "GWh"),
    "°C": ("quantity", "°C", "°C"),
    "pyeong": ("quantity", "pyeong", "pyeong"),
    "person": ("quantity", "person", "people"),
    "country": ("quantity", "country", "countries"),
    "company": ("quantity", "company", "companies"),
    "household": ("quantity", "household", "households"),
    "age": ("quantity", "year old", "years old"),
    "point": ("quantity", "point", "points"),
    "count": ("quantity", "", ""),
    "times": ("quantity", "time", "times"),
    "multiple": ("multiple", "time", "times"),
    "years": ("quantity", "year", "years"),
    "months": ("quantity", "month", "months"),
    "weeks": ("quantity", "week", "weeks"),
    "days": ("quantity", "day", "days"),
    "hours": ("quantity", "hour", "hours"),
    "minutes": ("quantity", "minute", "minutes"),
    "seconds": ("quantity", "second", "seconds"),
}

# surface → unit key. Special keys: "year", "month", "day", "clock" (시), "ordinal", "article",
# "paragraph", "no", "line", "anniversary", "quarter".
_HANGUL_UNITS = {
    "원": "KRW", "달러": "USD", "엔": "JPY", "유로": "EUR", "위안": "CNY", "파운드": "GBP",
    "명": "person", "인": "person", "개국": "country", "개사": "company", "개소": "count",
    "개월": "months", "개": "count", "곳": "count", "건": "count", "종": "count", "가지": "count",
    "척": "count", "채": "count", "권": "count", "대": "count", "층": "count", "점": "point", "가구": "household",
    "세대": "household", "세": "age", "살": "age", "배": "multiple", "회": "times", "차례": "times",
    "번째": "ordinal", "번": "count", "차": "ordinal", "위": "ordinal", "호선": "line", "호": "no",
    "주년": "anniversary", "주": "weeks", "년": "year", "월": "month", "일": "day", "시간": "hours",
    "시": "clock", "분기": "quarter", "분": "minutes", "초": "seconds", "퍼센트포인트": "%p",
    "퍼센트": "%", "킬로미터": "km", "제곱미터": "m2", "미터": "m", "킬로그램": "kg", "톤": "ton",
    "헥타르": "ha", "평": "pyeong",
}
_SYMBOL_UNITS = {
    "%p": "%p", "％p": "%p", "%": "%", "％": "%", "㎡": "m2", "m²": "m2", "㎢": "km2", "km²": "km2",
    "℃": "°C", "°C": "°C",
}
_LATIN_UNITS = {
    "m2": "m2", "km2": "km2", "km": "km", "㎞": "km", "m": "m", "cm": "cm", "㎝": "cm", "mm": "mm",
    "㎜": "mm", "kg": "kg", "㎏": "kg", "ha": "ha", "MW": "MW", "GW": "GW", "kW": "kW", "kWh": "kWh",
    "MWh": "MWh", "GWh": "GWh",
}
# after 제N: which counters make an ordinal and how it is written
_JE_COUNTERS = {"회": "ordinal", "차": "ordinal", "기": "ordinal", "대": "ordinal", "위": "ordinal",
                "번째": "ordinal", "조": "article", "항": "paragraph", "호": "no", "장": "chapter",
                "절": "section"}

# Hangul that may follow a number or unit without making it part of another word.
_PARTICLES = sorted(
    """은 는 이 가 을 를 의 에 에서 에게 도 만 과 와 로 으로 까지 부터 씩 간 째 쯤 여 가량 정도 이상
    이하 미만 초과 내외 안팎 당 별 며 이며 이고 이나 나 인 이라 라 보다 밖에 뿐 마다 중 동안 께 경
    가까이 넘게 남짓 규모 상당 수준 말 초 중순 상순 하순 초순 이내 만에 대비 로서 짜리 대 였 이었
    이다 입니다 으로써 으며 에는 에도 씩""".split(),
    key=len,
    reverse=True,
)
_TAIL = r"(?:(?![가-힣])|(?=(?:" + "|".join(_PARTICLES) + r")))"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_UNIT_RE = re.compile(
    r"(?P<sym>" + _alternation(_SYMBOL_UNITS) + r")(?![A-Za-z])"
    r"|(?P<latin>" + _alternation(_LATIN_UNITS) + r")(?![A-Za-z0-9])"
    r"|\s?(?P<hangul>" + _alternation(_HANGUL_UNITS) + r")" + _TAIL
)
_JE_RE = re.compile(r"(?P<num>\d+)\s?(?P<unit>" + _alternation(_JE_COUNTERS) + r")" + _TAIL)

_NUM_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
_HANGUL_DIGITS = {"영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
_BIG_UNITS = {"만": 10**4, "억": 10**8, "조": 10**12}
_PURE_HANGUL_COUNTERS = ("원|달러|유로|엔|위안|명|개국|개사|개소|개월|개|곳|건|가구|세대|배|톤|년|"
                         "차례|가지|대|층|평|회|살|세")

_MONTHS = [calendar.month_name[i] for i in range(13)]
_WEEKDAYS = {"월": "Monday", "화": "Tuesday", "수": "Wednesday", "목": "Thursday", "금": "Friday",
             "토": "Saturday", "일": "Sunday", "月": "Monday", "火": "Tuesday", "水": "Wednesday",
             "木": "Thursday", "金": "Friday", "土": "Saturday", "日": "Sunday"}
_WEEKDAY_RE = re.compile(r"\s?\((?P<wd>[월화수목금토일月火水木金土日])(?:요일)?\)")
_RANGE_SEP = re.compile(r"\s?[~∼～〜–]\s?")

_NATIVE = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
           "열": 10, "스무": 20, "스물": 20, "서른": 30, "마흔": 40, "쉰": 50}
_NATIVE_COUNTERS = {"명": "person", "개국": "country", "개": "count", "곳": "count", "가지": "count",
                    "번째": "ordinal", "번": "times", "차례": "times", "살": "age", "시간": "hours",
                    "달": "months", "권": "count", "마리": "count", "건": "count", "척": "count",
                    "채": "count", "군데": "count", "대": "count", "배": "multiple"}
_ENGLISH_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                  8: "eight", 9: "nine", 10: "ten", 20: "twenty", 30: "thirty", 40: "forty",
                  50: "fifty"}
_ENGLISH_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth",
                          7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth"}

_ANCHOR = re.compile(
    r"(?P<digit>(?<![\d])\d)"
    r"|(?P<apos>['’‘](?=\d{2}(?!\d)))"
    r"|(?P<ampm>(?<![가-힣])(?:오전|오후)\s?(?=\d{1,2}시))"
    r"|(?P<first>(?<![가-힣])(?:첫(?:\s?번째|째)" + _TAIL + r"|첫(?=\s)))"
    r"|(?P<native>(?<![가-힣])(?:" + _alternation(_NATIVE) + r")\s?(?:"
    + _alternation(_NATIVE_COUNTERS) + r")" + _TAIL + ")"
    r"|(?P<hangul>(?<![가-힣])[일이삼사오육칠팔구십백천만억조]+(?=\s?(?:" + _PURE_HANGUL_COUNTERS + r")"
    + _TAIL + "))"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_PHONE = re.compile(r"\d{2,4}-\d{3,4}-\d{4}(?!\d)")
_FULL_DOTTED = re.compile(r"(\d{4})\.\s?(\d{1,2})\.\s?(\d{1,2})(?:\.(?!\d))?(?![\d])")
_YEAR_MONTH_DOTTED = re.compile(r"(\d{4})\.\s?(\d{1,2})\.?(?![\d]|\s?\d)")
_SHORT_DOTTED = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.(?![\d])")
_DAY_ONLY_DOTTED = re.compile(r"(\d{1,2})\.?(?![\d])")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?![\d]|\.\d|:\d)")
_RATIO = re.compile(r"(" + _NUM_RE.pattern + r")\s?:\s?(" + _NUM_RE.pattern + r")(?![\d])")
_RATIO_DAE = re.compile(r"대\s?(" + _NUM_RE.pattern + r")(?!\d|[.,]\d)")
_APPROX_BEFORE = re.compile(r"(?:^|(?<=[^가-힣]))약\s?$")
_CLOCK_MIN = re.compile(r"\s?(\d{1,2})분" + _TAIL + r"|\s?(반)" + _TAIL)
_DAY_AFTER = re.compile(r"\s?(\d{1,2})일" + _TAIL)
_MONTH_AFTER = re.compile(r"\s?(\d{1,2})월" + _TAIL)
_DURATION_AFTER_DAY = re.compile(r"(?:간|\s?동안|\s?이내|만에|째)")
_LATIN_BEFORE = re.compile(r"[A-Za-z][-_]?$")


# --------------------------------------------------------------------------------------------
# Internal item representation


@dataclass
class _Item:
    start: int
    end: int
    kind: str
    value: object
    unit: str = ""
    korean_scaled: bool = False
    trail_scale: Decimal | None = None  # for "200억": 10^8, applied to a bare left range end
    weekday: str = ""
    approx: str = ""  # "about" | "more than"
    words: bool = False  # written with native Korean numerals: render in English words
    extra: dict = field(default_factory=dict)


def _to_int_if_whole(d: Decimal):
    return int(d) if d == d.to_integral_value() else d.normalize()


def _parse_amount(text: str, i: int, allow_hangul: bool, allow_big: bool = True):
    """Parse digits / Hangul numerals with 십백천 and 만억조 at ``i``.

    Returns (end, value, korean_scaled, trail_scale, arabic) or None.
    """
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
        m = _NUM_RE.match(text, j) if ch.isdigit() else None
        if m:
            if cur is not None:
                break
            cur = Decimal(m.group().replace(",", ""))
            arabic = True
            if leading is None:
                leading = cur
            j = m.end()
            continue
        if ch in _HANGUL_DIGITS and allow_hangul and cur is None:
            nxt = text[j + 1] if j + 1 < n else ""
            if nxt in _SMALL_UNITS or nxt in _BIG_UNITS or (not arabic and used_unit):
                cur = Decimal(_HANGUL_DIGITS[ch])
                hangul_atoms += 1
                j += 1
                continue
            break
        if ch in _SMALL_UNITS and (allow_hangul or cur is not None):
            if cur is None and not allow_hangul:
                break
            unit = _SMALL_UNITS[ch]
            section += (cur if cur is not None else Decimal(1)) * unit
            cur = None
            used_unit = True
            j += 1
            continue
        if ch in _BIG_UNITS and allow_big:
            unit = _BIG_UNITS[ch]
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
            # a continuation after a space must itself carry a unit (2조 3,000억, 1만 2천)
            if j < n and text[j] == " ":
                k = j + 1
                sub = _parse_amount(text, k, allow_hangul, True) if k < n else None
                if sub and sub[1] < unit and _has_unit_char(text, k, sub[0]):
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
    return j, value, big_used, trail, arabic


def _has_unit_char(text: str, a: int, b: int) -> bool:
    return any(c in _SMALL_UNITS or c in _BIG_UNITS for c in text[a:b])


def _unit_at(text: str, j: int):
    """Match a unit/counter at ``j``; return (end, key) or None."""
    m = _UNIT_RE.match(text, j)
    if not m:
        return None
    if m.group("sym"):
        return m.end(), _SYMBOL_UNITS[m.group("sym")]
    if m.group("latin"):
        return m.end(), _LATIN_UNITS[m.group("latin")]
    return m.end(), _HANGUL_UNITS[m.group("hangul")]


def _century_year(yy: int, default_year: int | None) -> int:
    if default_year:
        century = default_year - default_year % 100
        year = century + yy
        if year > default_year + 30:
            year -= 100
        return year
    return 2000 + yy if yy < 70 else 1900 + yy


def _is_year(value) -> bool:
    return isinstance(value, Decimal) and value == value.to_integral_value() and 1000 <= value <= 2999


def _weekday_at(text: str, j: int):
    m = _WEEKDAY_RE.match(text, j)
    if m:
        return m.end(), _WEEKDAYS[m.group("wd")]
    return j, ""


def _date_item(start, end, y, m, d, weekday="") -> _Item:
    return _Item(start, end, "date", (y, m, d), weekday=weekday)


def _extend_date(text: str, item: _Item) -> _Item:
    """After ``2025년`` or ``6월`` read the month and day that follow."""
    y, mo, d = item.value
    j = item.end
    if mo is None:
        mm = _MONTH_AFTER.match(text, j)
        if mm and 1 <= int(mm.group(1)) <= 12:
            mo = int(mm.group(1))
            j = mm.end()
        else:
            return item
    if d is None:
        dm = _DAY_AFTER.match(text, j)
        if dm and 1 <= int(dm.group(1)) <= 31:
            d = int(dm.group(1))
            j = dm.end()
    weekday = ""
    if d is not None:
        j, weekday = _weekday_at(text, j)
    return _Item(item.start, j, "date", (y, mo, d), weekday=weekday)


def _single(text: str, i: int, default_year: int | None, after_je: bool = False):
    """One expression starting at ``i`` (a digit or an apostrophe year). None if nothing valid."""
    n = len(text)
    if after_je:
        m = _JE_RE.match(text, i)
        if not m:
            return None
        kind = _JE_COUNTERS[m.group("unit")]
        return _Item(i - 1, m.end(), "ordinal", Decimal(m.group("num")), unit=kind)

    if text[i] in "'’‘":
        yy = int(text[i + 1:i + 3])
        j = i + 3
        year = _century_year(yy, default_year)
        if text.startswith("년", j):
            j += 1
        item = _Item(i, j, "year", Decimal(year))
        if text.startswith("년", j - 1):
            return _extend_date(text, _Item(i, j, "date", (year, None, None))) if _MONTH_AFTER.match(text, j) else item
        return item

    m = _PHONE.match(text, i)
    if m:
        return _Item(i, m.end(), "code", m.group())
    m = _ISO_DATE.match(text, i)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return _date_item(i, m.end(), int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _FULL_DOTTED.match(text, i)
    if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        j, wd = _weekday_at(text, m.end())
        return _date_item(i, j, int(m.group(1)), int(m.group(2)), int(m.group(3)), wd)
    m = _YEAR_MONTH_DOTTED.match(text, i)
    if m and _is_year(Decimal(m.group(1))) and 1 <= int(m.group(2)) <= 12 and len(m.group(2)) == 2:
        return _date_item(i, m.end(), int(m.group(1)), int(m.group(2)), None)
    m = _SHORT_DOTTED.match(text, i)
    if m and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
        j, wd = _weekday_at(text, m.end())
        return _date_item(i, j, None, int(m.group(1)), int(m.group(2)), wd)
    m = _TIME.match(text, i)
    if m and int(m.group(1)) <= 24 and int(m.group(2)) <= 59:
        return _Item(i, m.end(), "time", (int(m.group(1)), int(m.group(2))))
    m = _RATIO.match(text, i)
    if m:
        return _Item(i, m.end(), "ratio", (_to_int_if_whole(Decimal(m.group(1).replace(",", ""))),
                                           _to_int_if_whole(Decimal(m.group(2).replace(",", "")))))

    parsed = _parse_amount(text, i, allow_hangul=False)
    if parsed is None:
        return None
    j, value, korean_scaled, trail, _ = parsed
    digits_end = j
    # identifiers: 5G, 3D, 2nd (a unit such as km is allowed)
    if j < n and text[j].isascii() and text[j].isalpha() and not _UNIT_RE.match(text, j):
        return None
    # ratio written with 대: 5.3대 1
    rm = _RATIO_DAE.match(text, j)
    if rm and not korean_scaled and _unit_at(text, rm.end()) is None:
        right = Decimal(rm.group(1).replace(",", ""))
        return _Item(i, rm.end(), "ratio", (_to_int_if_whole(value), _to_int_if_whole(right)))
    approx = ""
    if j < n and text[j] == "여" and _unit_at(text, j + 1):
        approx = "more than"
        j += 1
    unit = _unit_at(text, j)
    if unit is None:
        if j < n and "가" <= text[j] <= "힣":
            return None  # glued to a Korean word: 2차전지, 3원칙
        raw = text[i:digits_end]
        return _Item(i, digits_end, "number", value, korean_scaled=korean_scaled, trail_scale=trail,
                     approx=approx, extra={"digits": raw} if raw.isdigit() else {})
    k, key = unit
    item = _Item(i, k, "quantity", value, unit=key, korean_scaled=korean_scaled, trail_scale=trail,
                 approx=approx)
    whole = value == value.to_integral_value()
    if key == "year":
        if _is_year(value) and not korean_scaled:
            year_item = _Item(i, k, "year", value)
            if _MONTH_AFTER.match(text, k):
                extended = _extend_date(text, _Item(i, k, "date", (int(value), None, None)))
                if extended.end > k:
                    return extended
            return year_item
        item.unit = "years"
    elif key == "month":
        if not (whole and 1 <= value <= 12) or korean_scaled:
            return None
        return _extend_date(text, _Item(i, k, "date", (None, int(value), None)))
    elif key == "day":
        if whole and 1 <= value <= 31 and not korean_scaled and not _DURATION_AFTER_DAY.match(text, k):
            k2, wd = _weekday_at(text, k)
            return _Item(i, k2, "date", (None, None, int(value)), weekday=wd)
        item.unit = "days"
    elif key == "clock":
        if not (whole and value <= 24) or korean_scaled:
            return None
        minute = 0
        cm = _CLOCK_MIN.match(text, k)
        if cm:
            minute = 30 if cm.group(2) else int(cm.group(1))
            k = cm.end()
        return _Item(i, k, "time", (int(value), minute), extra={"clock": True})
    elif key in ("ordinal", "line", "no", "anniversary", "quarter"):
        if not whole:
            return None
        item.kind = "ordinal"
    elif key in _CURRENCIES:
        item.kind = "money"
    else:
        item.kind = _UNIT_INFO[key][0]
    return item


def _merge_range(text: str, left: _Item, right: _Item):
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
        return _Item(left.start, right.end, "range", ((y1, m1, d1), (y2, m2, d2)), unit="date")
    if left.kind == "time" and right.kind == "time":
        return _Item(left.start, right.end, "range", (left.value, right.value), unit="time")
    if left.kind == "year" and right.kind in ("year", "number") or (
        left.kind == "number" and right.kind == "year"
    ):
        lo, hi = Decimal(left.value), Decimal(right.value)
        if right.kind == "number" and lo >= 1000 and hi < 100 and hi == hi.to_integral_value():
            hi = lo - lo % 100 + hi
        if _is_year(lo) and _is_year(hi) and lo <= hi:
            return _Item(left.start, right.end, "range", (int(lo), int(hi)), unit="year")
        return None
    if left.kind == "number" and right.kind == "quantity" and right.unit == "years":
        # 2025~29년: the year unit makes the right end a duration on its own
        lo, hi = Decimal(left.value), Decimal(right.value)
        if _is_year(lo) and hi < 100:
            return _Item(left.start, right.end, "range", (int(lo), int(lo - lo % 100 + hi)), unit="year")
        return None
    if left.kind == "number" and right.kind == "date" and right.value[1] is not None and right.value[2] is None:
        if left.value == left.value.to_integral_value() and 1 <= left.value <= 12:
            y = right.value[0]
            return _Item(left.start, right.end, "range", ((y, int(left.value), None), right.value), unit="date")
        return None
    if left.kind == "number" and right.kind == "number" and _is_year(left.value) and _is_year(right.value) \
            and "," not in text[left.start:right.end] and left.value < right.value:
        return _Item(left.start, right.end, "range", (int(left.value), int(right.value)), unit="year")
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
        item = _Item(left.start, right.end, "range", (lo, right.value), unit=unit,
                     korean_scaled=left.korean_scaled or right.korean_scaled)
        item.extra["of"] = right.kind
        return item
    return None


_NUMBERED_UNITS = {"article": "Article ", "paragraph": "Paragraph ", "no": "No. ", "line": "Line ",
                   "chapter": "Chapter ", "section": "Section ", "quarter": "Q"}


def _render(item: _Item, style: RenderStyle) -> str:
    kind = item.kind
    if kind == "date":
        text = _render_date(item.value)
        if item.weekday:
            text += f" ({item.weekday})"
        return text
    if kind == "year":
        return str(int(item.value))
    if kind == "time":
        h, m = item.value
        if item.extra.get("ampm"):
            ampm = item.extra["ampm"]
            h12 = h - 12 if h > 12 else h
            return f"{h12}:{m:02d} {ampm}" if m else f"{h12} {ampm}"
        return f"{h:02d}:{m:02d}"
    if kind == "ratio":
        a, b = item.value
        return f"{format_number(a)}:{format_number(b)}"
    if kind == "code":
        return item.value
    if kind == "ordinal":
        n = int(item.value)
        if item.words and n in _ENGLISH_ORDINAL_WORDS:
            return _ENGLISH_ORDINAL_WORDS[n]
        if item.unit == "anniversary":
            return f"{_ordinal(n)} anniversary"
        prefix = _NUMBERED_UNITS.get(item.unit)
        return f"{prefix}{n}" if prefix else _ordinal(n)
    if kind == "range":
        return _render_range(item, style)
    return _render_amount(item, [item.value], style)


def _render_date(value) -> str:
    y, m, d = value
    if m is None:
        if d is not None:
            return f"the {_ordinal(d)}"
        return str(y)
    text = _MONTHS[m]
    if d is not None:
        text += f" {d}"
        if y is not None:
            text += f", {y}"
    elif y is not None:
        text += f" {y}"
    return text


def _render_range(item: _Item, style: RenderStyle) -> str:
    lo, hi = item.value
    if item.unit == "date":
        (y1, m1, d1), (y2, m2, d2) = lo, hi
        if d1 is not None:
            if m1 == m2 and y1 == y2:
                text = f"{_MONTHS[m1]} {d1}–{d2}"
                return text + (f", {y1}" if y1 is not None else "")
            if y1 == y2 or y1 is None or y2 is None:
                tail = f", {y2}" if y2 is not None else ""
                return f"{_MONTHS[m1]} {d1}–{_MONTHS[m2]} {d2}{tail}"
            return f"{_render_date(lo)}–{_render_date(hi)}"
        if y1 == y2:
            return f"{_MONTHS[m1]}–{_MONTHS[m2]}" + (f" {y1}" if y1 is not None else "")
        return f"{_render_date(lo)}–{_render_date(hi)}"
    if item.unit == "time":
        return "–".join(f"{h:02d}:{m:02d}" for h, m in (lo, hi))
    if item.unit == "year":
        return f"{lo}–{hi}"
    return _render_amount(item, [lo, hi], style)


def _render_amount(item: _Item, values: list, style: RenderStyle) -> str:
    values = [_dec(v) for v in values]
    unit = item.unit
    prefix = f"{item.approx} " if item.approx else ""
    if item.words and len(values) == 1 and int(values[0]) in _ENGLISH_WORDS and values[0] == int(values[0]):
        number = _ENGLISH_WORDS[int(values[0])]
    else:
        # a bare number written without separators (2025, 9001) is an identifier or year: keep it
        verbatim = item.extra.get("digits") if not unit and not item.approx else None
        number = _scaled(values, item.korean_scaled, verbatim)
    if unit in _CURRENCIES:
        code, singular, plural, symbol = _CURRENCIES[unit]
        how = style.dollar if unit == "USD" and style.dollar else style.currency
        if how == "code":
            return f"{prefix}{code} {number}"
        if how == "symbol":
            return f"{prefix}{symbol}{number}"
        noun = singular if len(values) == 1 and values[0] == 1 else plural
        return f"{prefix}{number} {noun}"
    if not unit:
        return prefix + number
    _, singular, plural = _UNIT_INFO[unit]
    if not singular:
        return prefix + number
    if unit == "%":
        return f"{prefix}{number}%"
    noun = singular if len(values) == 1 and values[0] == 1 else plural
    return f"{prefix}{number} {noun}"


def _with_year(date, year):
    return (year if date[0] is None and date[1] is not None else date[0], date[1], date[2])


def _value_of(item: _Item, default_year: int | None = None):
    v = item.value
    if default_year is not None and item.kind == "date":
        return _with_year(v, default_year)
    if default_year is not None and item.kind == "range" and item.unit == "date":
        return (_with_year(v[0], default_year), _with_year(v[1], default_year))
    if isinstance(v, Decimal):
        return _to_int_if_whole(v)
    if item.kind == "range" and item.unit not in ("date", "time", "year"):
        return tuple(_to_int_if_whole(_dec(x)) for x in v)
    return v


def _scan(text: str, default_year: int | None):
    items: list[_Item] = []
    pos = 0
    n = len(text)
    while True:
        m = _ANCHOR.search(text, pos)
        if not m:
            break
        i = m.start()
        item = None
        if m.group("digit") is not None:
            if i > 0 and (_LATIN_BEFORE.search(text, max(0, i - 2), i) or text[i - 1] in ".,"
                          and i > 1 and text[i - 2].isdigit()):
                pos = _skip_word(text, i)
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
            item = _Item(i, item.end, "time", (h, mi), extra={"ampm": "p.m." if pm else "a.m."})
        elif m.group("first") is not None:
            item = _Item(i, m.end(), "ordinal", Decimal(1), unit="ordinal", words=True)
        elif m.group("native") is not None:
            item = _native(text, i, m.end())
        else:
            parsed = _parse_amount(text, i, allow_hangul=True)
            if parsed is None or parsed[0] != m.end():
                pos = m.end()
                continue
            unit = _unit_at(text, parsed[0])
            if unit is None:
                pos = m.end()
                continue
            key = unit[1]
            if key not in _CURRENCIES and key not in _UNIT_INFO:
                pos = m.end()
                continue
            kind = "money" if key in _CURRENCIES else _UNIT_INFO[key][0]
            item = _Item(i, unit[0], kind, parsed[1], unit=key, korean_scaled=parsed[2])
        if item is None:
            pos = m.end()
            continue
        # ranges: left ~ right
        sep = _RANGE_SEP.match(text, item.end)
        if sep and item.kind in ("number", "quantity", "money", "percent", "year", "date", "time", "multiple"):
            j = sep.end()
            right = None
            if j < n and (text[j].isdigit() or text[j] in "'’‘"):
                right = _single(text, j, default_year)
                if right is None and item.kind == "date" and item.value[2] is not None:
                    dm = _DAY_ONLY_DOTTED.match(text, j)
                    if dm and 1 <= int(dm.group(1)) <= 31:
                        k, wd = _weekday_at(text, dm.end())
                        right = _Item(j, k, "date", (None, None, int(dm.group(1))))
            if right is not None and item.kind == "date" and right.kind == "date" and right.value[1] is None:
                right = _Item(right.start, right.end, "date", (None, None, right.value[2]))
            if right is not None and right.kind == "number" and item.kind == "date" and item.value[2] is not None:
                right = None
            merged = _merge_range(text, item, right) if right is not None else None
            if merged is not None:
                item = merged
        # approximate: 약 3억 원
        if item.kind in ("money", "quantity", "percent", "number", "multiple", "range"):
            before = _APPROX_BEFORE.search(text, max(0, item.start - 2), item.start)
            if before and not item.approx:
                item.start = before.start()
                item.approx = "about"
        items.append(item)
        pos = item.end
    return items


def _native(text: str, i: int, end: int) -> _Item:
    span = text[i:end]
    word = next(w for w in sorted(_NATIVE, key=len, reverse=True) if span.startswith(w))
    counter = span[len(word):].strip()
    key = _NATIVE_COUNTERS[counter]
    value = Decimal(_NATIVE[word])
    if key == "ordinal":
        return _Item(i, end, "ordinal", value, unit="ordinal", words=True)
    kind = _UNIT_INFO[key][0]
    return _Item(i, end, kind, value, unit=key, words=True)


def _skip_word(text: str, i: int) -> int:
    j = i
    n = len(text)
    while j < n and (text[j].isalnum() or text[j] in "-_.,") and not ("가" <= text[j] <= "힣"):
        j += 1
    return max(j, i + 1)


def find_numbers(text: str, style: RenderStyle = RenderStyle(), default_year: int | None = None) -> list[NumberExpr]:
    """All numeric expressions in Korean or mixed text, left to right, non-overlapping.

    ``default_year`` resolves the century of ``'25`` and fills the year of dates written without
    one in ``value`` (the English rendering keeps the source's precision).
    """
    out = []
    for item in _scan(text, default_year):
        out.append(
            NumberExpr(
                start=item.start,
                end=item.end,
                text=text[item.start:item.end],
                kind=item.kind,
                value=_value_of(item, default_year),
                english=_render(item, style),
                unit=item.unit if item.unit not in ("date", "time", "year") or item.kind != "range" else item.unit,
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# The English side: numbers, dates and times as an output writes them

_EN_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
              "mn": 10**6, "bn": 10**9, "tn": 10**12, "m": 10**6, "b": 10**9}
_MONTH_WORDS = {}
for _i in range(1, 13):
    _MONTH_WORDS[calendar.month_name[_i].lower()] = _i
    _MONTH_WORDS[calendar.month_abbr[_i].lower()] = _i
_MONTH_WORDS["sept"] = 9
_MONTH_ALT = r"(?:" + "|".join(sorted((calendar.month_name[i] for i in range(1, 13)), key=len, reverse=True)) \
    + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)"
_EN_NUMBER = re.compile(
    r"(?<![\w.,])(?<![A-Za-z]-)(?P<num>(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?)"
    r"(?P<ord>st|nd|rd|th)?"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|mn|bn|tn)\b)?"
    r"(?P<pct>\s?(?:%|percent\b|per cent\b|percentage points?\b))?"
)
_EN_RANGE_TAIL = re.compile(
    r"\s?(?:–|—|-|~|to|through|and)\s?(?:KRW\s?|USD\s?|US\$|\$|₩|€)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    r"\s?(?P<scale>thousand|million|billion|trillion|mn|bn|tn)?\b(?P<pct>\s?(?:%|percent\b|per cent\b))?"
)
_EN_UNIT_AFTER = re.compile(r"(?:km|m|kg|cm|mm|ha|MW|GW|kW|kWh|MWh|GWh|m²|km²|am|pm|s|x|bn|mn|tn)(?![A-Za-z])")
_EN_DATE_MD = re.compile(r"\b(?P<month>" + _MONTH_ALT + r")\s(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!:\d)(?:,?\s(?P<year>\d{4})\b)?")
_EN_DATE_DM = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(?P<month>" + _MONTH_ALT + r")(?:,?\s(?P<year>\d{4})\b)?")
_EN_DATE_MY = re.compile(r"\b(?P<month>" + _MONTH_ALT + r")(?:\s(?:of\s)?(?P<year>\d{4})\b)?")
_EN_DATE_NUM = re.compile(r"(?<![\d.])(?P<year>\d{4})[-./](?P<month>\d{1,2})[-./](?P<day>\d{1,2})(?![\d])")
_EN_DAY_RANGE = re.compile(r"\s?(?:–|—|-|to|through|until|and)\s?(?:the\s)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!\s?(?:%|,\d|\.\d|:\d))")
_EN_TIME = re.compile(r"(?<![\d.:])(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s?(?P<ampm>a\.m\.|p\.m\.|am\b|pm\b)|(?<![\d.:])(?P<h2>\d{1,2}):(?P<m2>\d{2})(?![\d:])")
_EN_APOS_YEAR = re.compile(r"['’‘](?P<yy>\d{2})(?!\d)")
_EN_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
                    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                    "eighty": 80, "ninety": 90, "hundred": 100, "first": 1, "second": 2, "third": 3,
                    "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
                    "tenth": 10, "once": 1, "twice": 2, "double": 2, "doubled": 2, "triple": 3,
                    "tripled": 3, "single": 1, "dozen": 12, "a million": 10**6, "a billion": 10**9}
_EN_WORD_RE = re.compile(r"\b(" + "|".join(sorted(_EN_WORD_NUMBERS, key=len, reverse=True)) + r")\b", re.I)


@dataclass
class _Mentions:
    numbers: set = field(default_factory=set)  # Decimal values, raw and scaled
    percents: set = field(default_factory=set)
    dates: list = field(default_factory=list)  # (y, m, d)
    months: set = field(default_factory=set)
    times: set = field(default_factory=set)
    words: set = field(default_factory=set)
    text: str = ""


def _english_tokens(text: str):
    """(start, end, value, scale, decimals, is_percent) for every digit number in English text."""
    out = []
    for m in _EN_NUMBER.finditer(text):
        end = m.end()
        if not m.group("ord") and not m.group("scale") and not m.group("pct"):
            nxt = text[m.end("num"):m.end("num") + 1]
            if nxt.isalpha() and not _EN_UNIT_AFTER.match(text, m.end("num")):
                continue  # an identifier such as 5G or 3D
        num = m.group("num")
        value = Decimal(num.replace(",", ""))
        scale = _EN_SCALES.get(m.group("scale") or "", 1)
        pct = bool(m.group("pct"))
        if scale == 1 or not pct:
            tail = _EN_RANGE_TAIL.match(text, m.end())
            if tail and scale == 1 and tail.group("scale"):
                scale = _EN_SCALES[tail.group("scale")]
                out.append((m.start(), end, value, 1, _decimals(value), pct))
            if tail and tail.group("pct"):
                pct = True
        out.append((m.start(), end, value, scale, _decimals(value), pct))
    return out


def _english_mentions(text: str) -> _Mentions:
    found = _Mentions(text=text)
    for _s, _e, value, scale, _p, pct in _english_tokens(text):
        found.numbers.add(value.normalize())
        found.numbers.add((value * scale).normalize())
        if pct:
            found.percents.add(value.normalize())
    for m in _EN_APOS_YEAR.finditer(text):
        found.numbers.add(Decimal(2000 + int(m.group("yy"))))
    for pattern in (_EN_DATE_MD, _EN_DATE_DM):
        for m in pattern.finditer(text):
            month = _MONTH_WORDS[m.group("month").rstrip(".").lower()]
            year = int(m.group("year")) if m.group("year") else None
            day = int(m.group("day"))
            found.dates.append((year, month, day))
            tail = _EN_DAY_RANGE.match(text, m.end("day") if pattern is _EN_DATE_MD and not m.group("year") else m.end())
            if tail:
                found.dates.append((year, month, int(tail.group("day"))))
    for m in _EN_DATE_MY.finditer(text):
        month = _MONTH_WORDS[m.group("month").rstrip(".").lower()]
        found.months.add(month)
        if m.group("year"):
            found.dates.append((int(m.group("year")), month, None))
    for m in _EN_DATE_NUM.finditer(text):
        found.dates.append((int(m.group("year")), int(m.group("month")), int(m.group("day"))))
    for m in _EN_TIME.finditer(text):
        if m.group("h2"):
            found.times.add((int(m.group("h2")), int(m.group("m2"))))
            continue
        h = int(m.group("h"))
        minute = int(m.group("m") or 0)
        if m.group("ampm").lower().startswith("p") and h < 12:
            h += 12
        if m.group("ampm").lower().startswith("a") and h == 12:
            h = 0
        found.times.add((h, minute))
    lowered = text.lower()
    if "noon" in lowered:
        found.times.add((12, 0))
    for m in _EN_WORD_RE.finditer(text):
        found.words.add(Decimal(_EN_WORD_NUMBERS[m.group(1).lower()]))
    return found


def _has_number(found: _Mentions, value) -> bool:
    d = _dec(value).normalize()
    return d in found.numbers or d in found.words


def _has_date(found: _Mentions, y, m, d) -> bool:
    for (oy, om, od) in found.dates:
        if m is not None and om != m:
            continue
        if d is not None and od != d:
            continue
        if d is None and od is not None and m is not None and oy is None:
            continue
        if y is not None and oy is not None and oy != y:
            continue
        return True
    if m is None and d is not None:
        return _has_number(found, d)
    if d is None and m is not None:
        return m in found.months and (y is None or _has_number(found, y))
    return False


def _has_time(found: _Mentions, h, m) -> bool:
    return (h, m) in found.times or (h % 12, m) in found.times or (h + 12, m) in found.times


def _expr_found(expr: NumberExpr, found: _Mentions) -> bool:
    kind, value = expr.kind, expr.value
    if kind == "code":
        return expr.english in found.text
    if kind == "date":
        return _has_date(found, *value)
    if kind == "time":
        return _has_time(found, *value)
    if kind == "ratio":
        return all(_has_number(found, part) for part in value)
    if kind == "percent":
        return _dec(value).normalize() in found.percents or _has_number(found, value) and "%" not in expr.text
    if kind == "range":
        lo, hi = value
        if expr.unit == "date":
            (y1, m1, d1), (y2, m2, d2) = lo, hi
            return _has_date(found, y1, m1, d1) and _has_date(found, y2, m2, d2)
        if expr.unit == "time":
            return _has_time(found, *lo) and _has_time(found, *hi)
        if expr.unit == "%":
            return all(_dec(v).normalize() in found.percents for v in (lo, hi))
        return _has_number(found, lo) and _has_number(found, hi)
    if kind == "year":
        return _has_number(found, value)
    return _has_number(found, value)


def account_numbers(source: str, output: str, style: RenderStyle = RenderStyle()) -> list[NumberCheck]:
    """For every numeric expression of ``source``: does ``output`` contain it in an equivalent form?

    Equivalent: the same value in any rendering (KRW 16.5 billion = 16.5 billion won =
    16,500,000,000 won; June 26, 2025 = 26 June 2025; 5,000 = 5000; 3 = three).
    """
    found = _english_mentions(output)
    return [NumberCheck(expr, _expr_found(expr, found)) for expr in find_numbers(source, style)]


def _flatten(value, out: list) -> None:
    if value is None:
        return
    if isinstance(value, (tuple, list)):
        for v in value:
            _flatten(v, out)
        return
    if isinstance(value, str):
        return
    out.append(_dec(value))


_RAW_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_ONE_WORDS = re.compile(r"첫|하나|한\s|단일|유일|일일|one|One|single|first|First")


def _justifying_values(source: str) -> list[Decimal]:
    values: list[Decimal] = []
    for expr in find_numbers(source):
        if expr.kind == "code":
            continue
        flat: list[Decimal] = []
        _flatten(expr.value, flat)
        if expr.kind == "time" or (expr.kind == "range" and expr.unit == "time"):
            flat += [v - 12 for v in flat if v > 12] + [v + 12 for v in flat if v < 12]
        for v in flat:
            values.append(v)
            if v >= 1000:
                values.extend(v / (Decimal(10) ** k) for k in (3, 6, 9, 12))
    for m in _RAW_DIGITS.finditer(source):
        amount = _parse_amount(source, m.start(), allow_hangul=False)
        if amount is not None:  # 3억권, 1만8500메가와트: a Korean amount glued to a word
            values.append(amount[1])
            if amount[1] >= 1000:
                values.extend(amount[1] / (Decimal(10) ** k) for k in (3, 6, 9, 12))
        raw = m.group()
        try:
            values.append(Decimal(raw.replace(",", "")))
        except InvalidOperation:
            pass
        values.extend(Decimal(part) for part in re.split(r"[.,]", raw) if part)
    for _s, _e, value, scale, _p, _pct in _english_tokens(source):
        values.append(value * scale)
    for m in _EN_APOS_YEAR.finditer(source):
        values.append(Decimal(2000 + int(m.group("yy"))))
    years = [v for v in values if _is_year(v)]
    values.extend(v % 100 for v in years)
    if _ONE_WORDS.search(source):
        values.append(Decimal(1))
    return sorted(set(v.normalize() for v in values))


def unjustified_numbers(output: str, source: str) -> list[tuple[int, int, str]]:
    """Digit numbers in English ``output`` that no number of ``source`` justifies.

    A number is justified when some source value equals it, or rounds to it at the precision
    the output wrote (16.5 billion for 16,480,000,000), in any scale (thousand … trillion).
    Identifiers such as 5G are never reported. Returns (start, end, text) spans of ``output``.
    """
    import bisect

    allowed = _justifying_values(source)
    bad = []
    seen_spans = set()
    for start, end, value, scale, decimals, _pct in _english_tokens(output):
        if (start, end) in seen_spans:
            continue
        candidates = [(value, Decimal(1))]
        if scale != 1:
            candidates.append((value * scale, Decimal(scale)))
        ok = False
        for cand, unit in candidates:
            tolerance = Decimal(5) * Decimal(10) ** (-decimals - 1) * unit
            lo = bisect.bisect_left(allowed, cand - tolerance)
            if lo < len(allowed) and allowed[lo] <= cand + tolerance:
                ok = True
                break
        if not ok:
            seen_spans.add((start, end))
            bad.append((start, end, output[start:end]))
    # times such as 14:00 are tokenised as 14 and 00; a minutes part of zero needs no justification
    return [b for b in bad if not (b[2] == "00" and b[0] > 0 and output[b[0] - 1] == ":")]
