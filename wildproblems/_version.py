"""The version of wildproblems (one place; the package, the manifests and the reports read it)."""

__version__ = "0.1.0"
