"""make console: the support console on http://127.0.0.1:8765/console over the demo's data.

The page and its JSON API are served by the status API Lambda's own handler
(sesmail.handlers.status_api), querying a local moto server that holds the demo's event table and the
SESv2 stand-in that holds its suppression list. Login is replaced by a visibly labelled "local, no
login" mode, which the handler refuses to start inside AWS Lambda.

Data: .demo/console-data.json, written at the end of `make demo`. Without it the console seeds its own
data from the same scenario (and says so). Ctrl-C stops everything.

Exit codes: 0 stopped with Ctrl-C; 2 setup problem (port in use, moto missing, unreadable data file).
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from sesmail_local.console import DEFAULT_PORT, local_console
from sesmail_local.demo import ROOT
from sesmail_local.moto_server import MotoServerError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/console.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT / ".demo" / "console-data.json",
        help="data exported by `make demo` (default .demo/console-data.json)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.port <= 65535:
        parser.error("--port must be between 1 and 65535")
    try:
        with local_console(args.data, args.port, moto_log=ROOT / ".demo" / "console-moto.log") as console:
            print(f"Serving {console.items} stored events from {console.source}")
            print("LOCAL MODE, NO LOGIN: the page says so on every screen; AWS refuses this mode.")
            print(f"Support console: {console.url}   (Ctrl-C stops it)", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        print("\nconsole stopped", file=sys.stderr)
        return 0
    except OSError as error:
        print(
            f"error: cannot serve on 127.0.0.1:{args.port}: {error.strerror} (pick another --port)",
            file=sys.stderr,
        )
        return 2
    except (MotoServerError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
