"""Operating an installation: Prometheus metrics, log lines and format, uninstalling."""
