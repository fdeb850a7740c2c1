"""The three ways ``generate`` declines: unreadable input, ACS not for him, an incomplete application.
Kept in a light module so that ``callup.acs_application.cli`` imports quickly."""

from __future__ import annotations


class InputError(ValueError):
    """Input that cannot be read; ``field`` names the offending field."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class NotForHim(Exception):
    """The check says ACS is not for him (113-FZ Art. 3); the message names the route that applies."""


class Incomplete(ValueError):
    """The application would be incomplete; ``problems`` lists each missing piece."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
