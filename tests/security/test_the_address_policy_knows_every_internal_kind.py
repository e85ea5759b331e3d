"""The address policy refuses every internal address form and allows what the operator names."""

from __future__ import annotations

import ipaddress

import pytest

from thx_cron.security.addresses import AddressPolicy, kind

INTERNAL = {
    "127.0.0.1": "loopback",
    "::1": "loopback",
    "::ffff:127.0.0.1": "loopback",  # IPv4-mapped IPv6
    "64:ff9b::7f00:1": "loopback",  # NAT64 of 127.0.0.1
    "2002:a00:1::": "private",  # 6to4 of 10.0.0.1
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "fc00::1": "private",
    "100.64.0.1": "reserved",  # shared address space (carrier-grade NAT)
    "169.254.169.254": "link-local",
    "fe80::1": "link-local",
    "224.0.0.1": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "240.0.0.1": "reserved",
}


@pytest.mark.parametrize(("address", "expected"), INTERNAL.items())
def test_each_internal_address_is_named_for_its_kind(address: str, expected: str) -> None:
    assert kind(ipaddress.ip_address(address)) == expected
    assert AddressPolicy().check("h", [ipaddress.ip_address(address)])


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_a_public_address_passes(address: str) -> None:
    assert kind(ipaddress.ip_address(address)) is None
    assert AddressPolicy().check("example.org", [ipaddress.ip_address(address)]) is None


def test_a_name_resolving_to_any_internal_address_is_refused() -> None:
    mixed = [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.0.0.5")]
    assert AddressPolicy().check("mixed.example", mixed) == (
        "host 'mixed.example' resolves to a private address"
    )


def test_the_operator_allows_named_hosts_subdomains_and_networks() -> None:
    policy = AddressPolicy.of([".corp.example", "intranet"], ["10.0.0.0/8", "::1/128"])
    private = [ipaddress.ip_address("192.168.0.9")]
    assert policy.check("intranet", private) is None
    assert policy.check("hooks.corp.example", private) is None
    assert policy.check("corp.example.evil", private) is not None
    assert policy.check("x", [ipaddress.ip_address("10.9.9.9")]) is None
    assert policy.check("x", [ipaddress.ip_address("::ffff:10.9.9.9")]) is None
    assert policy.check("x", [ipaddress.ip_address("::1")]) is None
    assert policy.check("x", [ipaddress.ip_address("127.0.0.1")]) is not None
