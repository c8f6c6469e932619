"""The rules of proxies: one per giver and per holder, between registered delegates, never chained (pure)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from deliberation.forums.proxies import ProxyError, resolve_proxies, voters_for

DELEGATES = {1, 2, 3, 4, 5, 6}


def test_resolve_proxies_returns_giver_to_holder():
    assert resolve_proxies(DELEGATES, {4: 1, 2: 3}) == {2: 3, 4: 1}
    assert resolve_proxies(DELEGATES, [(4, 1)], present={1, 2, 3}) == {4: 1}
    assert resolve_proxies(DELEGATES, {}) == {}


@pytest.mark.parametrize(
    ("proxies", "present", "code"),
    [
        pytest.param({1: 1}, None, "proxy_to_self", id="self proxy"),
        pytest.param({9: 1}, None, "proxy_giver_not_registered", id="giver not registered"),
        pytest.param({1: 9}, None, "proxy_holder_not_registered", id="holder not registered"),
        pytest.param({1: 2, 3: 2}, None, "proxy_held_twice", id="holder holds two"),
        pytest.param([(1, 2), (1, 3)], None, "proxy_given_twice", id="giver gives two"),
        pytest.param({1: 2, 2: 3}, None, "proxy_chained", id="chain holder gives"),
        pytest.param({2: 3, 1: 2}, None, "proxy_chained", id="chain giver first"),
        pytest.param({1: 2, 2: 1}, None, "proxy_chained", id="swap"),
        pytest.param({1: 2}, {1, 2}, "proxy_giver_present", id="giver present"),
        pytest.param({1: 2}, {3}, "proxy_holder_absent", id="holder absent"),
        pytest.param({"1": 2}, None, "invalid_delegate", id="string id"),
        pytest.param([(1, 2, 3)], None, "invalid_delegate", id="not a pair"),
    ],
)
def test_resolve_proxies_refuses(proxies, present, code):
    with pytest.raises(ProxyError) as exc:
        resolve_proxies(DELEGATES, proxies, present=present)
    assert exc.value.code == code


def test_voters_for():
    proxies = resolve_proxies(DELEGATES, {4: 1})
    assert voters_for(1, proxies) == {1, 4}
    assert voters_for(2, proxies) == {2}
    with pytest.raises(ProxyError) as exc:
        voters_for(4, proxies)
    assert exc.value.code == "voter_gave_proxy"


def test_module_needs_no_database_or_web():
    code = (
        "import sys, deliberation.forums.proxies; "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
