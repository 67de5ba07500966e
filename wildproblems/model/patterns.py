"""A guard for the regular expressions a model spec brings (its kinds' cue patterns).

A spec can come from a file someone else wrote, or from inside a ``.wpmap`` file, and Python's
``re`` has no timeout: a pattern such as ``'^(.+\\s?)+\\d$'`` backtracks exponentially and hangs
:func:`wildproblems.map` and ``assign``. So a cue pattern must be short and simple
(:func:`pattern_problem`) and is matched only against the first :data:`CUE_TEXT_CHARS` characters of
a unit, which keeps the polynomial worst case of the patterns that pass small.

>>> pattern_problem(r"\\bmangel på\\b") is None
True
>>> pattern_problem(r"^(.+\\s?)+\\d$")
'nested quantifier: a repeated group that itself holds a repeat (catastrophic backtracking)'
"""

from __future__ import annotations

from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

#: Longest cue pattern accepted.
MAX_PATTERN_CHARS = 200
#: Most unbounded repeats (``*``, ``+``, ``{n,}``) one pattern may hold.
MAX_UNBOUNDED = 2
#: Cues are matched against the first this many characters of a unit.
CUE_TEXT_CHARS = 1000

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
if hasattr(_c, "POSSESSIVE_REPEAT"):
    _REPEATS.add(_c.POSSESSIVE_REPEAT)


def _children(op: Any, av: Any) -> list[Any]:
    """The sub-patterns of one parsed node."""
    if op in _REPEATS:
        return [av[2]]
    if op == _c.SUBPATTERN:
        return [av[-1]]
    if op == _c.BRANCH:
        return list(av[1])
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op == _c.GROUPREF_EXISTS:
        return [p for p in av[1:] if p is not None]
    if hasattr(_c, "ATOMIC_GROUP") and op == _c.ATOMIC_GROUP:
        return [av]
    return []


def _walk(sub: Any, inside_repeat: bool, inside_unbounded: bool, count: list[int]) -> str | None:
    for op, av in sub:
        if op in _REPEATS:
            lo, hi = av[0], av[1]
            unbounded = hi == _c.MAXREPEAT
            count[0] += unbounded
            if inside_repeat and lo != hi:
                return (
                    "nested quantifier: a repeated group that itself holds a repeat "
                    "(catastrophic backtracking)"
                )
            problem = _walk(av[2], inside_repeat or hi > 1, inside_unbounded or unbounded, count)
            if problem:
                return problem
            continue
        if op == _c.BRANCH and inside_unbounded:
            return "alternation inside an unbounded repeat (catastrophic backtracking)"
        if op == _c.GROUPREF:
            return "back-references are not allowed in cue patterns"
        for child in _children(op, av):
            problem = _walk(child, inside_repeat, inside_unbounded, count)
            if problem:
                return problem
    return None


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is refused as a cue (``None`` when it is accepted): longer than
    :data:`MAX_PATTERN_CHARS`, a nested quantifier (``(a+)+``, ``(.+\\s?)+``), an alternation inside
    an unbounded repeat (``(a|ab)*``), a back-reference, or more than :data:`MAX_UNBOUNDED`
    unbounded repeats. Assumes ``pattern`` compiles.

    >>> pattern_problem(r"\\bfor (?:lidt|få|mange)\\b") is None
    True
    >>> pattern_problem(r"(a|ab)*c")
    'alternation inside an unbounded repeat (catastrophic backtracking)'
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"longer than {MAX_PATTERN_CHARS} characters ({len(pattern)})"
    try:
        parsed = _sre.parse(pattern)
    except Exception as exc:  # noqa: BLE001 - the caller compiled it already; be safe
        return f"cannot be parsed ({exc})"
    count = [0]
    problem = _walk(parsed, False, False, count)
    if problem:
        return problem
    if count[0] > MAX_UNBOUNDED:
        return f"more than {MAX_UNBOUNDED} unbounded repeats (*, +, {{n,}}): {count[0]}"
    return None
