"""Built-in rules: timeouts."""
