"""Practices grow from reports: the same world of an adopted resolution and hromadas in three raions."""

from tests.reports.conftest import VINNYTSIA, VOLYN, world  # noqa: F401 (fixtures shared with the reports tests)
