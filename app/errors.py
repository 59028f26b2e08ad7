"""The one exception type for rule violations users must read (in Russian)."""


class DomainError(Exception):
    """A refused action. `str(error)` is a Russian sentence that says what to do."""

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code
