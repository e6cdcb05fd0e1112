"""The one exception tree of ticketsim.

Domain and infrastructure code raise these; the api layer
(:mod:`simulator.core.http.errors`) maps every one of them to the documented JSON
body ``{"message": ...}`` and the status fixed on the class. Nothing else
decides an HTTP status.

    SimError                       500  unexpected but reported cleanly
    ├── BadRequest                 400  input the rules refuse
    │   ├── PdfError               400  a PDF that cannot be used
    │   │   ├── NotAPdf                 the bytes are not a PDF
    │   │   ├── EncryptedPdf            the PDF needs a password
    │   │   ├── BrokenPdf               the PDF cannot be parsed
    │   │   ├── FetchRefused            host not allowed (SSRF guard)
    │   │   ├── FetchFailed             unreachable, HTTP error, timeout
    │   │   └── TooLarge                over the size limit
    │   └── BodyTooLarge           400  a request body over ``max_body_bytes``
    ├── Unauthorized               401  no credentials
    ├── Forbidden                  403  credentials refused, or not allowed
    ├── NotFound                   404  an unknown id
    ├── Conflict                   409  state forbids it (seats taken, ...)
    └── InjectedFailure            any  a failure asked for by a magic input
"""

from __future__ import annotations


class SimError(Exception):
    """Base of every error the simulator reports to a client."""

    status: int = 500
    default_message: str = "Internal error"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class BadRequest(SimError):
    """The request is well-formed JSON but the rules refuse it."""

    status = 400
    default_message = "Bad request"


class PdfError(BadRequest):
    """A PDF input that cannot be fetched, read or processed."""

    default_message = "The PDF could not be processed"


class NotAPdf(PdfError):
    """The fetched content is not a PDF document."""

    default_message = "The file is not a PDF"


class EncryptedPdf(PdfError):
    """The PDF is encrypted and cannot be read without a password."""

    default_message = "The PDF is encrypted"


class BrokenPdf(PdfError):
    """The PDF is damaged and cannot be parsed."""

    default_message = "The PDF is damaged and cannot be read"


class FetchRefused(PdfError):
    """The URL points to a host the simulator is not allowed to fetch."""

    default_message = "The URL's host is not allowed"


class FetchFailed(PdfError):
    """The URL could not be fetched (unreachable, HTTP error, time-out)."""

    default_message = "The URL could not be fetched"


class TooLarge(PdfError):
    """The fetched file is larger than the configured limit."""

    default_message = "The file is too large"


class BodyTooLarge(BadRequest):
    """A request body over the server's limit (``SimConfig.max_body_bytes``).

    Raised by the body-limit glue (:mod:`simulator.core.http.bodylimit`) the
    moment a reader asks for a body declared, or found, to be over the limit;
    ``received`` is how many bytes were read before refusing (0 when the
    ``Content-Length`` alone refused it).
    """

    def __init__(self, limit: int, received: int = 0) -> None:
        self.limit = limit
        self.received = received
        super().__init__(f"The request body is larger than {limit} bytes")


class Unauthorized(SimError):
    """No credentials were given."""

    status = 401
    default_message = "Unauthorized"


class Forbidden(SimError):
    """Credentials were given but are unknown or not allowed here."""

    status = 403
    default_message = "Forbidden."


class NotFound(SimError):
    """The named resource does not exist."""

    status = 404
    default_message = "Not Found"


class Conflict(SimError):
    """The current state forbids the operation."""

    status = 409
    default_message = "Conflict"


class InjectedFailure(SimError):
    """A failure requested on purpose through a documented magic input."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)
