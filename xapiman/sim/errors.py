"""The XAPI failure a handler raises: an error code and its string arguments."""

from __future__ import annotations


class Failure(Exception):
    """A XAPI error, answered as `{Status: Failure, ErrorDescription: [code, args...]}`."""

    def __init__(self, code: str, *params: object) -> None:
        self.code = code
        self.params = [str(p) for p in params]
        super().__init__(code, *self.params)

    @property
    def description(self) -> list[str]:
        return [self.code, *self.params]

    def __str__(self) -> str:
        return " ".join(self.description)


def internal_error(text: str) -> Failure:
    return Failure("INTERNAL_ERROR", text)
