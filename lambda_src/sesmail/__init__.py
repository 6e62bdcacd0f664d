"""sesmail: the runtime code shared by this repository's Lambdas, operator CLIs and tests.

One subpackage per capability (``events``, ``suppression``, ``warmup``, ``sending``), the shared AWS and
CLI plumbing (``aws``, ``cli``) and the Lambda entry points (``handlers``); the README's "Where things
are" table maps each behaviour to its package, its command or handler, and its document. Inside a
capability, pure modules import no boto3 and one data-access module talks to AWS; handlers and CLIs stay
thin. The local emulation lives beside this package, in ``sesmail_local``, never inside it.
"""

__version__ = "0.1.0"
