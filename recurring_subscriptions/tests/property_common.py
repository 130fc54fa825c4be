"""Hypothesis for the property tests of the plain-Python utilities.

Where hypothesis is not installed the test modules still import (``given``,
``settings`` and ``st`` become inert stand-ins) and the property test classes,
decorated with ``skip_without_hypothesis``, are skipped with a clear reason.
"""

import unittest

try:
    import hypothesis
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - depends on the environment
    hypothesis = None

    class _Absent:
        """Accepts any strategy-building call; only used to let the module import."""

        def __getattr__(self, name):
            return self

        def __call__(self, *args, **kwargs):
            return self

    st = _Absent()

    def given(*args, **kwargs):
        return lambda func: func

    def settings(*args, **kwargs):
        return lambda func: func


skip_without_hypothesis = unittest.skipIf(
    hypothesis is None, "hypothesis is not installed: property tests skipped"
)

__all__ = ["given", "hypothesis", "settings", "skip_without_hypothesis", "st"]
