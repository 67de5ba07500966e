"""One module per language (:mod:`~wildproblems.lang.da`, :mod:`~wildproblems.lang.en`) holding every
word wildproblems prints or reads in it, and the language's number format.

Code never spells a Danish or English word itself: it asks :func:`get` for the language's module
and reads a constant (``STOP_WORDS``, ``KIND_ALIASES``, ``KINDS``, ``REPORT`` ...), or uses the
helpers below.

>>> format_int(1374), format_int(1374, "en")
('1.374', '1,374')
>>> count_title(1374, 26, "cause")
'1.374 årsager i 26 klynger'
>>> plural(1, "respondent"), plural(2, "respondent", "en")
('1 respondent', '2 respondents')
"""

from __future__ import annotations

from types import ModuleType

from . import da, en

#: Languages with a module here.
LANGUAGES: dict[str, ModuleType] = {"da": da, "en": en}


def get(language: str) -> ModuleType:
    """The module of ``language`` (``"da"`` or ``"en"``); a clear error for any other."""
    try:
        return LANGUAGES[language]
    except KeyError:
        raise ValueError(f"language must be one of {sorted(LANGUAGES)}, got {language!r}") from None


def kind_name(kind: str, language: str = "da", form: str = "heading") -> str:
    """A kind's name: ``form`` is ``"one"``, ``"many"`` or ``"heading"``.

    >>> kind_name("other"), kind_name("cause", "en", "one")
    ('Andre udsagn', 'cause')
    """
    names = get(language).KINDS.get(kind)
    if names is None:
        return kind
    return names[("one", "many", "heading").index(form)]


def format_int(n: int, language: str = "da") -> str:
    """Thousands separator by language: ``1.374`` in Danish, ``1,374`` in English."""
    return f"{int(n):,}".replace(",", get(language).THOUSANDS)


def format_number(x: float, decimals: int = 1, language: str = "da") -> str:
    """A decimal number with the language's separators and a real minus sign.

    >>> format_number(1234.56, 1), format_number(1234.56, 1, "en"), format_number(-0.5)
    ('1.234,6', '1,234.6', '\u22120,5')
    >>> format_number(0.77, 2)
    '0,77'
    """
    words = get(language)
    s = f"{x:,.{decimals}f}"
    s = s.replace(",", "\0").replace(".", words.DECIMAL).replace("\0", words.THOUSANDS)
    return s.replace("-", "\u2212")


def format_pct(share: float, language: str = "da", decimals: int = 0) -> str:
    """A share in [0, 1] as a percentage: ``21 %`` in Danish (with a space), ``21%`` in English.

    >>> format_pct(0.2134), format_pct(0.2134, "en"), format_pct(0.2134, "da", 1)
    ('21 %', '21%', '21,3 %')
    """
    return get(language).PERCENT.format(format_number(100 * share, decimals, language))


def plural(n: int, noun: str, language: str = "da") -> str:
    """``n`` and the noun (a key of the language's ``NOUNS``) in the right number."""
    one, many = get(language).NOUNS[noun]
    return f"{format_int(n, language)} {one if n == 1 else many}"


def count_title(n_units: int, n_clusters: int, kind: str, language: str = "da") -> str:
    """Title with counts, e.g. ``"1.374 årsager i 26 klynger"``.

    >>> count_title(1, 1, "solution", "en")
    '1 solution in 1 cluster'
    """
    words = get(language)
    one, many, _ = words.KINDS[kind]
    c_one, c_many = words.NOUNS["cluster"]
    return words.COUNT_TITLE.format(
        n=format_int(n_units, language),
        noun=one if n_units == 1 else many,
        k=format_int(n_clusters, language),
        clusters=c_one if n_clusters == 1 else c_many,
    )
