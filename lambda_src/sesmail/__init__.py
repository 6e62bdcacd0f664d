"""sesmail: the code shared by this repository's Lambdas, scripts and tests.

Layers (see ../../README.md): pure models and domain functions (no boto3) → one data-access layer that
imports boto3 → thin Lambda handlers and CLI entry points.
"""

__version__ = "0.1.0"
