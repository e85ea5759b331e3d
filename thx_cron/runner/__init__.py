"""The runner: execute one run inside a django-q2 worker (capture, heartbeat, timeout, cancel)."""
