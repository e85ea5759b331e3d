"""The worker process: its django-q2 clusters, their process groups, per-process objects."""
