"""Built-in rules: the project itself (parse errors, suppressions, config and handler links)."""
