"""The web layer. Importing it registers the ``{name:id}`` path convertor before any route is built."""

from . import params  # noqa: F401
