"""Guards: outbound requests, login throttling, who may see and change what, input bounds."""
