"""The tables and patterns the Korean scanner reads: units, counters, particles, numerals, dates."""

from __future__ import annotations

import calendar
import re


CURRENCIES = {
    # key: (code, word singular, word plural, symbol)
    "KRW": ("KRW", "won", "won", "₩"),
    "USD": ("USD", "dollar", "dollars", "$"),
    "JPY": ("JPY", "yen", "yen", "¥"),
    "EUR": ("EUR", "euro", "euros", "€"),
    "CNY": ("CNY", "yuan", "yuan", "CN¥"),
    "GBP": ("GBP", "pound", "pounds", "£"),
    "INR": ("INR", "rupee", "rupees", "₹"),
}

# unit key → (kind, singular noun, plural noun); an empty noun renders the bare number.
UNIT_INFO = {
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
    "yard": ("quantity", "yard", "yards"),
    "foot": ("quantity", "foot", "feet"),
    "inch": ("quantity", "inch", "inches"),
    "mile": ("quantity", "mile", "miles"),
    "liter": ("quantity", "liter", "liters"),
    "barrel": ("quantity", "barrel", "barrels"),
    "cent": ("quantity", "cent", "cents"),
    "pence": ("quantity", "penny", "pence"),
    "degree": ("quantity", "degree", "degrees"),
    "goal": ("quantity", "goal", "goals"),
    "game": ("quantity", "game", "games"),
    "vote": ("quantity", "vote", "votes"),
    "animal": ("quantity", "", ""),
    "decade": ("quantity", "", ""),  # 30대: rendered "in their 30s" (render.py)
}
# Latin units read and written as they are: 85mph → 85 mph, 2.4GHz → 2.4 GHz, 600Mbit/s → 600 Mbit/s.
LATIN_AS_WRITTEN = ("mph", "km/h", "Hz", "kHz", "MHz", "GHz", "bps", "kbps", "Mbps", "Gbps", "kbit/s", "Mbit/s",
                    "Gbit/s", "KB", "kB", "MB", "GB", "TB", "g", "mg", "ml", "mL", "L", "W", "kV", "ft", "lb",
                    "lbs", "oz")
UNIT_INFO.update({unit: ("quantity", unit, unit) for unit in LATIN_AS_WRITTEN})

# surface → unit key. Special keys (numbered things, rendered by render.NUMBERED): "year", "month",
# "day", "clock" (시), "ordinal", "article", "paragraph", "no", "line", "anniversary", "quarter",
# "century", "type", "grade", "match", "round", "stage".
HANGUL_UNITS = {
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
    "야드": "yard", "피트": "foot", "인치": "inch", "마일": "mile", "리터": "liter", "배럴": "barrel",
    "센트": "cent", "펜스": "pence", "도": "degree", "센티미터": "cm", "밀리미터": "mm", "그램": "g",
    "킬로와트": "kW", "메가와트": "MW", "기가와트": "GW", "와트": "W", "달라": "USD", "불": "USD", "루피": "INR",
    "군데": "count", "마리": "animal", "발": "count", "장": "count", "득점": "point", "골": "goal", "경기": "game",
    "표": "vote", "주일": "weeks", "세기": "century", "형": "type", "급": "grade", "등급": "grade",
    "차전": "match", "라운드": "round", "단계": "stage",
}
SYMBOL_UNITS = {
    "%p": "%p", "％p": "%p", "%": "%", "％": "%", "㎡": "m2", "m²": "m2", "㎢": "km2", "km²": "km2",
    "℃": "°C", "°C": "°C",
}
LATIN_UNITS = {
    "m2": "m2", "km2": "km2", "km": "km", "㎞": "km", "m": "m", "cm": "cm", "㎝": "cm", "mm": "mm",
    "㎜": "mm", "kg": "kg", "㎏": "kg", "ha": "ha", "MW": "MW", "GW": "GW", "kW": "kW", "kWh": "kWh",
    "MWh": "MWh", "GWh": "GWh",
}
LATIN_UNITS.update({unit: unit for unit in LATIN_AS_WRITTEN})
# after 제N: which counters make an ordinal and how it is written
JE_COUNTERS = {"회": "ordinal", "차": "ordinal", "기": "ordinal", "대": "ordinal", "위": "ordinal",
                "번째": "ordinal", "조": "article", "항": "paragraph", "호": "no", "장": "chapter",
                "절": "section", "형": "type"}

# Hangul that may follow a number or unit without making it part of another word.
PARTICLES = sorted(
    """은 는 이 가 을 를 의 에 에서 에게 도 만 과 와 로 으로 까지 부터 씩 간 째 쯤 여 가량 정도 이상
    이하 미만 초과 내외 안팎 당 별 며 이며 이고 이나 나 인 이라 라 보다 밖에 뿐 마다 중 동안 께 경
    가까이 넘게 남짓 규모 상당 수준 말 초 중순 상순 하순 초순 이내 만에 대비 로서 짜리 대 였 이었
    이다 입니다 으로써 으며 에는 에도 씩""".split(),
    key=len,
    reverse=True,
)
TAIL = r"(?:(?![가-힣])|(?=(?:" + "|".join(PARTICLES) + r")))"
TAIL_RE = re.compile(TAIL)
PARTICLE_WORDS = frozenset(PARTICLES)
HANGUL_WORD = re.compile(r"[가-힣]+")


def alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


UNIT_RE = re.compile(
    r"(?P<sym>" + alternation(SYMBOL_UNITS) + r")(?![A-Za-z])"
    r"|(?P<latin>" + alternation(LATIN_UNITS) + r")(?![A-Za-z0-9])"
    r"|\s?(?P<hangul>" + alternation(HANGUL_UNITS) + r")" + TAIL
)
JE_RE = re.compile(r"(?P<num>\d+)\s?(?P<unit>" + alternation(JE_COUNTERS) + r")" + TAIL)

NUM_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
HANGUL_DIGITS = {"영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
BIG_UNITS = {"만": 10**4, "억": 10**8, "조": 10**12}
PURE_HANGUL_COUNTERS = ("원|달러|유로|엔|위안|명|개국|개사|개소|개월|개|곳|건|가구|세대|배|톤|년|"
                         "차례|가지|대|층|평|회|살|세")

MONTHS = [calendar.month_name[i] for i in range(13)]
WEEKDAYS = {"월": "Monday", "화": "Tuesday", "수": "Wednesday", "목": "Thursday", "금": "Friday",
             "토": "Saturday", "일": "Sunday", "月": "Monday", "火": "Tuesday", "水": "Wednesday",
             "木": "Thursday", "金": "Friday", "土": "Saturday", "日": "Sunday"}
WEEKDAY_RE = re.compile(r"\s?\((?P<wd>[월화수목금토일月火水木金土日])(?:요일)?\)")
RANGE_SEP = re.compile(r"\s?[~∼～〜–]\s?")
# after an impossible date (13월 1일, NaN5월 26일): the rest of the date and range kept with it
BAD_DATE_TAIL = re.compile(r"(?:\s?\d{1,4}일)?(?:\s?[~∼～〜–-]\s?(?:\d{1,4}[년월]\s?)*\d{1,4}[월일])?")
SCORE = re.compile(r"(\d{1,2})\s?-\s?(\d{1,2})(?![\d:]|[.,/-]\d)")
LAW = re.compile(r"(?P<article>\d+)조(?:의(?P<branch>\d+))?(?:\s?제(?P<paragraph>\d+)항)?(?:\s?제(?P<item>\d+)호)?")
VAGUE = re.compile(r"(?<![가-힣])수 ?(?P<small>[십백천])?(?P<big>[만억조])?")  # 수십, 수 십 (spaced)

NATIVE = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
           "열": 10, "스무": 20, "스물": 20, "서른": 30, "마흔": 40, "쉰": 50}
NATIVE_COUNTERS = {"명": "person", "개국": "country", "개": "count", "곳": "count", "가지": "count",
                    "번째": "ordinal", "번": "times", "차례": "times", "살": "age", "시간": "hours",
                    "달": "months", "권": "count", "마리": "count", "건": "count", "척": "count",
                    "채": "count", "군데": "count", "대": "count", "배": "multiple"}
ENGLISH_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
                  8: "eight", 9: "nine", 10: "ten", 20: "twenty", 30: "thirty", 40: "forty",
                  50: "fifty"}
ENGLISH_ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth",
                          7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth"}

ANCHOR = re.compile(
    r"(?P<digit>(?<![\d])\d)"
    r"|(?P<apos>['’‘](?=\d{2}(?![\d십백천만억조])))"  # '25, but not ‘10억 달러 (a quoted amount)
    r"|(?P<ampm>(?<![가-힣])(?:오전|오후)\s?(?=\d{1,2}시))"
    r"|(?P<first>(?<![가-힣])(?:첫(?:\s?번째|째)" + TAIL + r"|첫(?=\s)))"
    r"|(?P<native>(?<![가-힣])(?:" + alternation(NATIVE) + r")\s?(?:"
    + alternation(NATIVE_COUNTERS) + r")" + TAIL + ")"
    r"|(?P<vague>(?<![가-힣])수(?= ?[십백천만억조]))"
    # bounded repeats: a run of numeral syllables costs linear time wherever no counter follows
    r"|(?P<hangul>(?<![가-힣\d])[일이삼사오육칠팔구십백천만억조]{1,12}(?: [일이삼사오육칠팔구십백천만억조]{1,8}){0,3}"
    r"(?=\s?(?:" + PURE_HANGUL_COUNTERS + r")"
    + TAIL + "))"
)
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
PHONE = re.compile(r"(?:\d{2,4}-\d{3,4}|1[5-9]\d\d)-\d{4}(?!\d)")  # 044-201-3000, 1588-1234
FULL_DOTTED = re.compile(r"(\d{4})\.\s?(\d{1,2})\.\s?(\d{1,2})(?:\.(?!\d))?(?![\d])")
YEAR_MONTH_DOTTED = re.compile(r"(\d{4})\.\s?(\d{1,2})\.?(?![\d]|\s?\d)")
SHORT_DOTTED = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.(?![\d])")
DAY_ONLY_DOTTED = re.compile(r"(\d{1,2})\.?(?![\d])")
TIME = re.compile(r"(\d{1,2}):(\d{2})(?![\d]|\.\d|:\d)")
RATIO = re.compile(r"(" + NUM_RE.pattern + r")\s?:\s?(" + NUM_RE.pattern + r")(?![\d])")
RATIO_DAE = re.compile(r"대\s?(" + NUM_RE.pattern + r")(?!\d|[.,]\d)")
APPROX_BEFORE = re.compile(r"(?:^|(?<=[^가-힣]))약\s?$")
CLOCK_MIN = re.compile(r"\s?(\d{1,2})분" + TAIL + r"|\s?(반)" + TAIL)
DAY_AFTER = re.compile(r"\s?(\d{1,2})일" + TAIL)
MONTH_AFTER = re.compile(r"\s?(\d{1,2})월" + TAIL)
DURATION_AFTER_DAY = re.compile(r"(?:간|\s?동안|\s?이내|만에|째)")
DATE_COUNTER_AFTER = re.compile(r"\s?[월일시](?![가-힣])|\s?[월일시]" + TAIL)  # 5만 7월: a date, not 50,007
# 30대 남성 (in their 30s) against 차량 30대 (30 vehicles) and 20대 국회 (the 20th National Assembly)
DECADE_WORDS = {10: "teens", 20: "twenties", 30: "thirties", 40: "forties", 50: "fifties", 60: "sixties",
                70: "seventies", 80: "eighties", 90: "nineties"}
TERM_NOUNS = re.compile(r"\s?(?:국회|총선|대선|대통령|국회의원|의원|회장|총장|의회|지방선거|총리|교황|왕|임금|황제|당수|주교)"
                        r"(?![가-힣])|\s?(?:국회|총선|대선|대통령|국회의원|의원|회장|총장|의회|지방선거|총리|교황|왕|황제)" + TAIL)
# what 대 counts besides decades of age: machines and vehicles (30대 차량, 30대의 버스)
MACHINES_AFTER = re.compile(r"\s?(?:의\s)?(?:차량|차|자동차|승용차|버스|트럭|택시|열차|전동차|항공기|비행기|여객기|헬기|헬리콥터|전투기|"
                            r"드론|선박|배|기계|장비|컴퓨터|노트북|서버|로봇|카메라|기기|단말기|휴대폰|스마트폰|전화|피아노|엔진|발전기|"
                            r"오토바이|자전거|탱크|전차|장갑차|기관차)")
# a decade of age is followed by a particle or the end of the word (30대가, 30대의) or by an age
# group or a person (30대 초반, 30대 남성); 10대 과제, 30대 그룹, 100대 기업 count tasks and companies
DECADE_AFTER = re.compile(
    r"(?:\s?(?:초반|중반|후반|이상|이하|사이|전후|연령|층|남성|여성|남자|여자|남녀|청년|청소년|학생|직장인|주부|부부|가장|엄마|아빠|"
    r"어머니|아버지|환자|사망자|피해자|피의자|용의자|운전자|회사원|근로자|노동자|고객|소비자|유권자|응답자|가구주|"
    r"미혼|기혼|독신|싱글|노인|여배우|배우|가수|작가|교사|의사|주민|시민|부모|자녀|아들|딸|씨|남|녀)"
    r"|(?:가|는|의|에|도|와|과|로|에서|까지|부터|만|들|였|이었|이다|인|였다)(?![가-힣])|(?!\s*[가-힣]))")
MACHINES_BEFORE = re.compile(r"(?:" + MACHINES_AFTER.pattern.removeprefix(r"\s?(?:의\s)?(?:").removesuffix(")")
                             + r")\s$")  # 차량 30대, 헬기 30대를
AGE_AFTER = re.compile(r"\s?(?:이상|이하|미만|초과|때|까지|부터|이던|이었|가량|쯤|정도|된|인|의\s?나이)")
FRACTION_AFTER = re.compile(r"분의\s?(?P<num>\d+(?:\.\d+)?)(?!\d|[.,]\d)")  # 3분의 2: the numerator
KNOCKOUT_AFTER = re.compile(r"강(?:전)?" + TAIL)  # 8강 (quarterfinals), 4강전 (a semifinal)
KNOCKOUT_ROUNDS = {2: "final", 4: "semifinal", 8: "quarterfinal", 16: "round of 16", 32: "round of 32",
                   64: "round of 64"}
HUNDREDTHS_AFTER = re.compile(r"초(?P<frac>\d{2})(?!\d)")  # 13초04: 13.04 seconds (sports timing)
# a batting average or win rate: 4할 6리 = .406, 3할 2푼 5리 = .325 (할 tenths, 푼 hundredths, 리 thousandths)
BATTING_AFTER = re.compile(r"할(?:\s?(?P<pun>\d)푼)?(?:\s?(?P<ri>\d)리)?" + TAIL)
LATIN_BEFORE = re.compile(r"[A-Za-z][-_]?$")


def unit_at(text: str, j: int):
    """Match a unit/counter at ``j``; return (end, key) or None."""
    m = UNIT_RE.match(text, j)
    if not m:
        return None
    if m.group("sym"):
        return m.end(), SYMBOL_UNITS[m.group("sym")]
    if m.group("latin"):
        return m.end(), LATIN_UNITS[m.group("latin")]
    return m.end(), HANGUL_UNITS[m.group("hangul")]
