"""Errors a user can fix; the CLI prints them as one line."""


class UsageError(Exception):
    """A mistake the user can fix (bad argument, no data folder): one line, exit code 2."""
