"""Built-in rules: deployment (how new versions reach production)."""
