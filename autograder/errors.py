"""The errors a user of the toolkit must act on. The library raises them; only the CLI prints."""

from __future__ import annotations


class ToolkitError(Exception):
    """An error with a message for the user and, where there is one, the remedy."""

    def __init__(self, message: str, remedy: str = ""):
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    def __str__(self) -> str:
        return f"{self.message}\n  -> {self.remedy}" if self.remedy else self.message


class UnknownAssignment(ToolkitError):
    """A name that matches no folder under ``assignments/``."""


class BuildError(ToolkitError):
    """A master notebook that cannot be built, with its location."""


class StaleRelease(ToolkitError):
    """``student_release/`` differs from what the masters build to now."""


class NotBuilt(ToolkitError):
    """Grading asked for before the assignment was built."""
