"""What benchmarks/peers.py runs inside each system's own virtual environment.

Only the standard library and `redis` are imported at module level, so that every system's
environment can import `peers_site.record`; the other modules import their own system.
"""
