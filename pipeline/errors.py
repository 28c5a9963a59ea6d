"""Errors that are the user's to fix: the CLI prints them as one line, never as a traceback."""


class UserError(Exception):
    """A mistake in inputs, options or config; the message says what and where."""


class ConfigError(UserError):
    """A recipe config that fails validation; the message names the offending key."""
