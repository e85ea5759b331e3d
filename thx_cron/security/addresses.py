"""The outbound address policy: which resolved addresses a request may reach.

Pure logic: the caller passes the operator's allowances and the addresses a name resolved to.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# NAT64 gateways forward this prefix to the IPv4 address in its last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 form carries (mapped, NAT64, 6to4, Teredo client)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def kind(address: IPAddress) -> str | None:
    """Return why `address` is internal ("loopback", "private", ...), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_v4(address)
        if inner is not None:
            return kind(inner)
    for name, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if flag:
            return name
    return None if address.is_global else "reserved"


def parse_address(text: str) -> IPAddress | None:
    """Return `text` as an address (brackets and an IPv6 zone allowed), or None for a name."""
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses always pass; internal ones only by the operator's allowances."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = field(default=())

    @classmethod
    def of(cls, hosts: Iterable[str], networks: Iterable[str]) -> AddressPolicy:
        return cls(
            hosts=frozenset(host.strip().lower().strip("[]") for host in hosts),
            networks=tuple(ipaddress.ip_network(n.strip(), strict=False) for n in networks),
        )

    def allows_host(self, host: str) -> bool:
        """Whether the operator allowed `host` by name (".example.org" allows its subdomains)."""
        host = host.lower().rstrip(".").strip("[]")
        return any(
            host == allowed or (allowed.startswith(".") and host.endswith(allowed))
            for allowed in self.hosts
        )

    def refusal(self, address: IPAddress) -> str | None:
        """Return the kind of internal address `address` is, unless it is allowed; else None."""
        reason = kind(address)
        if reason is None:
            return None
        candidates = [address]
        if isinstance(address, ipaddress.IPv6Address):
            inner = _embedded_v4(address)
            if inner is not None:
                candidates.append(inner)
        for candidate in candidates:
            plain = ipaddress.ip_address(candidate.compressed.split("%", 1)[0])
            if any(plain in network for network in self.networks):
                return None
        return reason

    def check(self, host: str, addresses: Iterable[IPAddress]) -> str | None:
        """Return why `host` (resolved to `addresses`) is refused, or None if it may be reached."""
        if self.allows_host(host):
            return None
        for address in addresses:
            reason = self.refusal(address)
            if reason:
                return f"host {host!r} resolves to a {reason} address"
        return None
