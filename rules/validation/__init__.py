"""SL4xx: input validation, API schemas and authorizers."""
