"""Notification rules and Apprise deliveries for thx-cron run events."""
