"""Python module analysis: one libcst traversal per module shared by all code rules."""
