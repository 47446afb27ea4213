"""`slint server`: a Language Server over stdio (pygls), on the engine of `slint check`.

Imported only by `slint server`: `slint check` never loads pygls.
"""
