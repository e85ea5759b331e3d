"""The GraphQL API of thx-cron."""
