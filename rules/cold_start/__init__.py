"""Built-in rules: cold start and initialization."""
