"""What the built-in rules share: facts of the application model (`config`), the
handler module beyond its facts (`handler_code`), and how findings are placed and
worded (`report`). YAML edits live in `slint.app.edits`.

Not a rule family: the registry imports only the family packages.
"""
