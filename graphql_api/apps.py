from django.apps import AppConfig


class GraphqlApiConfig(AppConfig):
    name = "thx_cron_graphql"
    label = "thx_cron_graphql"
    verbose_name = "thx-cron GraphQL API"
    default_auto_field = "django.db.models.BigAutoField"
