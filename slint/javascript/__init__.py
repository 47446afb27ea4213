"""The JavaScript and TypeScript front end: module facts from tree-sitter trees."""
