"""Pure schedule math: when a job runs. No Django, no settings, no clock."""
