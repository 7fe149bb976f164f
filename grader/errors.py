"""The one user-facing error type. `cli.py` catches it once and prints it."""


class TutorError(Exception):
    """A problem the user can fix: bad arguments, a missing file, a broken course.

    `exit_code` 2 means a usage error, following Unix convention.
    """

    def __init__(self, message: str, hint: str = "", exit_code: int = 2):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code
