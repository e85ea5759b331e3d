from django.apps import AppConfig


class GraphqlApiConfig(AppConfig):
    name = "graphql_api"
    label = "thx_cron_graphql"
    verbose_name = "thx-cron GraphQL API"
    default_auto_field = "django.db.models.BigAutoField"
