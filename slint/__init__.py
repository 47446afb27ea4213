"""slint: a linter for AWS Lambda applications that reads handler code and config together."""

__version__ = "0.1.0"
