"""The read-only open data API: parameters, cursors, queries, JSON shapes and the OpenAPI document.

Nothing here knows Starlette; ``deliberation.web.api`` serves it at ``/api/v1``.
"""
