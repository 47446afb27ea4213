"""Built-in rules: observability."""
