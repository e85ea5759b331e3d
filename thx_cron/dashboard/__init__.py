"""The dashboard: a browser app served at the site's root, talking to the server only through
the public GraphQL API (it imports nothing from thx_cron_graphql)."""
