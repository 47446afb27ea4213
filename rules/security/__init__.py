"""Built-in rules: security."""
