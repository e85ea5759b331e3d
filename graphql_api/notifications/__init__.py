"""GraphQL operations on notification rules and deliveries."""
