"""Built-in rules: reliability."""
