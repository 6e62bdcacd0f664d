"""The events table in moto: the helpers live in the local emulator (the console and the demo use them
too); re-exported here for the tests."""

from sesmail_local.eventtable import create_events_table, scan_all

__all__ = ["create_events_table", "scan_all"]
