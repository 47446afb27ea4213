"""Data shipped with slint: the serverless.yml schema, the plugin table, the runtime table."""
