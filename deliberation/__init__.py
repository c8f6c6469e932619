"""Deliberation: participatory drafting and decisions for civic networks.

The public surface is ``create_app``; see README.md for mounting it inside a host.
"""

from __future__ import annotations

__all__ = ["create_app"]


def create_app(settings=None, *, engine=None, identity=None):
    """Build the Starlette app. See ``deliberation.web.app.create_app`` for the arguments."""
    # import here: every ``import deliberation.<anything>`` runs this file first, and the pure
    # modules (text, voting.counting, resolutions.record) must load without Starlette or SQLAlchemy.
    from .web.app import create_app as _create_app

    return _create_app(settings, engine=engine, identity=identity)
