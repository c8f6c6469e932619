"""The rules of proxies: a registered delegate gives their vote to another. Pure: no database, no web.

One proxy per giver and per holder, between registered delegates, never chained (a holder may
not also be a giver). ``resolve_proxies`` checks a set of proxies against these rules,
``voters_for`` says whom a holder's ballot speaks for. Voting counts a holder's giver among the
participants (``voting.counting.Electorate``).

Errors are ``ProxyError`` (a ``ValueError``) whose ``code`` attribute and message are a stable code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ProxyError", "resolve_proxies", "voters_for"]


class ProxyError(ValueError):
    """Proxies against the rules; ``code`` is stable and is also the message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def _delegate_id(value: Any, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProxyError(code, repr(value))
    return value


def resolve_proxies(
    delegates: set[int] | frozenset[int],
    proxies: Mapping[int, int] | Iterable[tuple[int, int]],
    *,
    present: set[int] | frozenset[int] | None = None,
) -> dict[int, int]:
    """Check proxies and return them as {giver: holder}, ordered by giver.

    ``proxies`` is a mapping giver -> holder or an iterable of (giver, holder) pairs (so duplicate
    givers in database rows are caught). ``present``, when given, is who attends in person: a giver
    must not, a holder must. Codes, checked in this order per pair, then across pairs:
    ``invalid_delegate``, ``proxy_to_self``, ``proxy_giver_not_registered``,
    ``proxy_holder_not_registered``, ``proxy_giver_present``, ``proxy_holder_absent``,
    ``proxy_given_twice`` (a giver gives one proxy), ``proxy_held_twice`` (a holder holds one),
    ``proxy_chained`` (a holder may not also be a giver).
    """
    pairs = list(proxies.items()) if isinstance(proxies, Mapping) else list(proxies)
    resolved: dict[int, int] = {}
    holders: set[int] = set()
    for pair in pairs:
        try:
            giver, holder = pair
        except (TypeError, ValueError):
            raise ProxyError("invalid_delegate", repr(pair)) from None
        _delegate_id(giver, "invalid_delegate")
        _delegate_id(holder, "invalid_delegate")
        if giver == holder:
            raise ProxyError("proxy_to_self", repr(giver))
        if giver not in delegates:
            raise ProxyError("proxy_giver_not_registered", repr(giver))
        if holder not in delegates:
            raise ProxyError("proxy_holder_not_registered", repr(holder))
        if present is not None and giver in present:
            raise ProxyError("proxy_giver_present", repr(giver))
        if present is not None and holder not in present:
            raise ProxyError("proxy_holder_absent", repr(holder))
        if giver in resolved:
            raise ProxyError("proxy_given_twice", repr(giver))
        if holder in holders:
            raise ProxyError("proxy_held_twice", repr(holder))
        resolved[giver] = holder
        holders.add(holder)
    chained = sorted(holders & resolved.keys())
    if chained:
        raise ProxyError("proxy_chained", repr(chained[0]))
    return dict(sorted(resolved.items()))


def voters_for(holder: int, proxies: Mapping[int, int]) -> set[int]:
    """The delegates a ballot-casting ``holder`` votes for: themselves plus the giver they hold for.

    ``proxies`` is the result of ``resolve_proxies``. A delegate who gave their proxy away cannot
    cast (``voter_gave_proxy``).
    """
    _delegate_id(holder, "invalid_delegate")
    if holder in proxies:
        raise ProxyError("voter_gave_proxy", repr(holder))
    return {holder} | {giver for giver, h in proxies.items() if h == holder}
