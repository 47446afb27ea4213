"""slint's built-in rules, registered through the `slint.rules` entry point like any plugin."""

from .cold_start.client_in_handler import ClientInHandler
from .project.parse_error import ParseError
from .project.unused_suppression import UnusedSuppression

RULES = (ParseError, UnusedSuppression, ClientInHandler)

__all__ = ["RULES"]
