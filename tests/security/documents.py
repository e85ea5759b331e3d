"""Abusive documents the security tests send."""

from __future__ import annotations


def fragment_bomb(levels: int = 24, under: str = "jobs { edges { node { ...F%d } } }") -> str:
    """Return ~1 KB of fragments, each spreading the one before twice: 2^levels fields."""
    fragments = ["fragment F0 on Job { id name }"]
    fragments += [
        f"fragment F{i} on Job {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
    ]
    return "query Bomb { " + under % levels + " }\n" + "\n".join(fragments)


SUBSCRIPTION_BOMB = fragment_bomb().replace(
    "query Bomb { jobs { edges { node { ...F24 } } } }",
    "subscription Bomb { jobLogEvents { job { ...F24 } } }",
)
