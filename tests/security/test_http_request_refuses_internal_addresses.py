"""thx_cron.http_request reaches no internal address unless the operator allows it."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.test import override_settings

from tests.security.conftest import DEFAULT_POLICY, INTERNAL_HOSTS
from tests.security.receiver import Receiver
from thx_cron.actions.builtin_actions import http_request
from thx_cron.actions.registry import ActionError, validate_call
from thx_cron.security import outbound

ONLY_LOOPBACK_BY_NAME = override_settings(
    THX_CRON_OUTBOUND_ALLOWED_HOSTS=["127.0.0.1"], THX_CRON_OUTBOUND_ALLOWED_NETWORKS=[]
)


def _url(host: str, receiver: Receiver) -> str:
    port = 80 if host == "169.254.169.254" else receiver.port
    return f"http://{host}:{port}/secret"


@DEFAULT_POLICY
@pytest.mark.parametrize("host", INTERNAL_HOSTS)
def test_an_internal_address_is_refused_before_connecting(host: str, receiver: Receiver) -> None:
    with pytest.raises(outbound.OutboundRefused, match="address, which is refused"):
        http_request(_url(host, receiver))
    assert receiver.paths == []


@DEFAULT_POLICY
@pytest.mark.parametrize("host", [*INTERNAL_HOSTS, "[::ffff:127.0.0.1]", "0x7f.1", "0.0.0.0"])
def test_a_job_calling_an_internal_address_is_refused_when_saved(
    host: str, receiver: Receiver
) -> None:
    with pytest.raises(ActionError) as caught:
        validate_call("thx_cron.http_request", [_url(host, receiver)], {})
    assert caught.value.field == "args" and "address" in caught.value.message


@ONLY_LOOPBACK_BY_NAME
def test_an_operator_allowed_host_is_reached(receiver: Receiver) -> None:
    assert http_request(receiver.url())["status"] == 200
    assert receiver.paths == ["/"]


@override_settings(
    THX_CRON_OUTBOUND_ALLOWED_HOSTS=[], THX_CRON_OUTBOUND_ALLOWED_NETWORKS=["127.0.0.0/8"]
)
def test_an_operator_allowed_network_is_reached(receiver: Receiver) -> None:
    assert http_request(receiver.url(path="/x"))["status"] == 200
    assert receiver.paths == ["/x"]


@ONLY_LOOPBACK_BY_NAME
@pytest.mark.parametrize("host", ["localhost", "2130706433", "[::1]", "169.254.169.254"])
def test_a_redirect_from_an_allowed_host_to_a_refused_one_is_not_followed(
    host: str, receiver: Receiver, second_receiver: Receiver
) -> None:
    receiver.status, receiver.redirect_to = 302, _url(host, second_receiver)
    with pytest.raises(outbound.OutboundRefused):
        http_request(receiver.url())
    assert receiver.paths == ["/"] and second_receiver.paths == []


@ONLY_LOOPBACK_BY_NAME
def test_redirects_between_allowed_hosts_are_followed_and_bounded(
    receiver: Receiver, second_receiver: Receiver
) -> None:
    receiver.status, receiver.redirect_to = 302, second_receiver.url(path="/end")
    assert http_request(receiver.url())["status"] == 200
    assert second_receiver.paths == ["/end"]
    receiver.redirect_to = receiver.url(path="/again")
    with pytest.raises(outbound.OutboundError, match="redirects"):
        http_request(receiver.url())
    assert len(receiver.paths) == 1 + 1 + outbound.MAX_REDIRECTS


@ONLY_LOOPBACK_BY_NAME
def test_a_large_answer_is_read_only_up_to_the_bound(receiver: Receiver) -> None:
    receiver.body = b"x" * 5_000_000
    response = outbound.request("GET", receiver.url(), max_bytes=10_000)
    assert response.status == 200 and len(response.body) == 10_000
    assert len(http_request(receiver.url())["body"]) == 4096


@override_settings(
    THX_CRON_OUTBOUND_ALLOWED_HOSTS=[], THX_CRON_OUTBOUND_ALLOWED_NETWORKS=["127.0.0.1/32"]
)
def test_the_request_goes_to_the_address_that_was_vetted(
    receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS is the edge of the world: a name that answers an allowed address once, then a
    # refused one (DNS rebinding). The request must not resolve the name a second time.
    asked: list[str] = []
    real = socket.getaddrinfo

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            asked.append(host)
            address = "127.0.0.1" if len(asked) == 1 else "169.254.169.254"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 80))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    assert http_request(receiver.url(host="rebind.test"))["status"] == 200
    assert receiver.paths == ["/"] and asked == ["rebind.test"]
