"""Exceptions raised by wildproblems. Each message names the column, row or value at fault."""

from __future__ import annotations


class WildProblemsError(Exception):
    """Base class for every error wildproblems raises on purpose."""


class InputError(WildProblemsError, ValueError):
    """The input data cannot be mapped as given (missing column, bad value, too few texts...).

    >>> raise InputError("column 'svar' not found")
    Traceback (most recent call last):
    ...
    wildproblems.errors.InputError: column 'svar' not found
    """


class ModelSpecError(WildProblemsError, ValueError):
    """A model spec (YAML in ``models/``) is malformed."""


class MapFormatError(WildProblemsError, ValueError):
    """A saved map file is corrupt, from a newer format version, or not a map at all."""
