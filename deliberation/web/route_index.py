"""Finding a request's route among the routes that share its first path segment.

Starlette's router tries every route in order, a regular expression each, until one matches: the
ballot's route is the 84th of 173, so every ballot ran 84 matches (42–74 µs, up to a sixth of what
the event loop spends on a ballot: bench/README.md, "Where a ballot's time goes"; 6 µs grouped). A
route whose path begins with a fixed segment ("/votes/{vote_id}/ballot") can only match a path that
begins with the same one, so the routes are grouped by it; a request is then matched, in the
original order, against its group and the few routes whose first segment is not fixed (a
parameter, or the root). Everything else is Starlette's own logic, unchanged: the first full match
wins, else the first partial one (405 for a known address asked with another method), else a
redirect to the address with or without its trailing slash when that one exists (it has the same
first segment, so it is in the same group), else 404.
"""

from __future__ import annotations

from typing import Any

from starlette._utils import get_route_path
from starlette.datastructures import URL
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send

#: The group of a route whose first segment is not fixed: it is tried for every request.
_ANY = None


def index_routes(router: Router) -> None:
    """Make ``router`` find HTTP routes by their first segment (lifespan and websockets as before)."""
    router.routes = RouteList(router.routes)
    # Router.__call__ runs middleware_stack, which is its own ``app`` when it has no middleware.
    router.middleware_stack = RouteIndex(router)


class RouteList(list):
    """The router's list of routes, counting its changes: a host or a test may add a route after
    create_app, and the groups are then made again (comparing the routes themselves on every
    request would cost a fifth of what the groups save)."""

    version = 0

    def _changed(self) -> None:
        self.version += 1


def _counting(name: str):
    method = getattr(list, name)

    def changing(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        self._changed()
        return result

    changing.__name__ = name
    return changing


for _name in (
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
    "sort",
    "reverse",
    "__setitem__",
    "__delitem__",
    "__iadd__",
):
    setattr(RouteList, _name, _counting(_name))


class RouteIndex:
    def __init__(self, router: Router) -> None:
        self.router = router
        self._grouped: list[BaseRoute] | None = None
        self._version = 0
        self._groups: dict[str | None, list[BaseRoute]] = {}
        self._any: list[BaseRoute] = []

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes a request for ``path`` (its route path) is matched against, in their order."""
        routes = self.router.routes
        # -1: a plain list put in the RouteList's place, whose changes nobody counts.
        version = getattr(routes, "version", -1)
        if routes is not self._grouped or version != self._version or version < 0:
            self._groups = _groups(routes)
            self._any = self._groups.get(_ANY, [])
            self._grouped, self._version = routes, version
        return self._groups.get(_first_segment(path), self._any)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.router.app(scope, receive, send)
            return
        scope.setdefault("router", self.router)
        path = get_route_path(scope)
        await _dispatch(self.router, self.candidates(path), path, scope, receive, send)


def _groups(routes: list[BaseRoute]) -> dict[str | None, list[BaseRoute]]:
    keys = [_route_key(route) for route in routes]
    groups: dict[str | None, list[BaseRoute]] = {key: [] for key in set(keys)}
    for route, key in zip(routes, keys, strict=True):
        for group_key, members in groups.items():
            if key is _ANY or key == group_key:
                members.append(route)  # the original order within every group
    return groups


def _route_key(route: BaseRoute) -> str | None:
    """The route's fixed first segment, or _ANY when it could match paths that begin otherwise."""
    if not isinstance(route, Route | Mount):
        return _ANY
    path = route.path
    if not path.startswith("/") or path == "/":
        return _ANY
    first = path[1:].split("/", 1)[0]
    return _ANY if ("{" in first or not first) else first


def _first_segment(path: str) -> str:
    return path[1:].split("/", 1)[0] if path.startswith("/") else path


async def _dispatch(
    router: Router, routes: list[BaseRoute], path: str, scope: Scope, receive: Receive, send: Send
) -> None:
    found, route, found_scope = find(routes, scope, path, redirect_slashes=router.redirect_slashes)
    if route is not None:
        scope["route"] = route
        scope.update(found_scope)
        await route.handle(scope, receive, send)
    elif found == "redirect":
        await RedirectResponse(url=str(URL(scope=found_scope)))(scope, receive, send)
    else:
        await router.default(scope, receive, send)


def find(
    routes: list[BaseRoute], scope: Scope, path: str, *, redirect_slashes: bool
) -> tuple[str, BaseRoute | None, Any]:
    """Starlette's Router.app over ``routes``, without handling: ("full" or "partial", the route, its
    scope), ("redirect", None, the scope to redirect to) or ("none", None, {})."""
    partial: tuple[str, BaseRoute | None, Any] | None = None
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.FULL:
            return "full", route, child_scope
        if match is Match.PARTIAL and partial is None:
            partial = ("partial", route, child_scope)
    if partial is not None:
        return partial
    if redirect_slashes and path != "/":
        redirect_scope = dict(scope)
        if path.endswith("/"):
            redirect_scope["path"] = redirect_scope["path"].rstrip("/")
        else:
            redirect_scope["path"] = redirect_scope["path"] + "/"
        for route in routes:
            if route.matches(redirect_scope)[0] is not Match.NONE:
                return "redirect", None, redirect_scope
    return "none", None, {}
