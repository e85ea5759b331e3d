"""What a job can run: the action registry and the actions thx-cron ships."""
