"""Connexion's request validation with its per-operation parts built once.

For every request Connexion's ``RequestValidationOperation`` builds a URI
parser and a parameter validator (grouping the operation's parameters),
builds a ``MediaTypeDict`` of the accepted types and sorts it to check the
declared type, looks the body schema up through two more ``MediaTypeDict``
scans, and builds the body validator with yet another URI parser (~4 % of a
hold in py-spy). All of it depends only on the operation and on the request's
media type and encoding, and none of these objects keeps state between
requests, so :class:`KeptRequestValidation` builds each once and keeps it
(per media type and encoding: a bounded set, refused types included). What
runs per request is unchanged: the parameters are checked, the media type
refused or accepted with Connexion's message, the body read and validated.

The handler's argument preparation asks the operation for its body
definition two or three times per request, each a ``MediaTypeDict`` scan
(sorting its keys, ``fnmatch`` per key): :func:`install` makes every OpenAPI
operation remember it per media type (``KeptOperation``; Connexion returns
the same, idempotently completed dict every time anyway).
"""

from __future__ import annotations

from typing import Any

from connexion import spec as connexion_spec
from connexion import utils
from connexion.exceptions import UnsupportedMediaTypeProblem
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
    logger,
)
from connexion.operations import AbstractOperation, OpenAPIOperation
from starlette.types import Receive, Scope, Send

from simulator.core.http.memo import Bounded

__all__ = ["SWAPS", "KeptOperation", "KeptRequestValidation", "install"]

#: Distinct (media type, encoding) pairs remembered per operation; clients choose
#: the declared type, so beyond this the oldest is forgotten.
KEPT_TYPES = 64


class KeptRequestValidation(RequestValidationOperation):  # type: ignore[misc]
    """``RequestValidationOperation`` keeping its parameter validator, media type verdicts
    and body validators."""

    def __init__(self, next_app: Any, **kwargs: Any) -> None:
        super().__init__(next_app, **kwargs)
        self._parameter_validator: Any = None  # built on first use
        # (media type, encoding) -> None when refused, else the body validator or False
        self._bodies: Bounded[tuple[str, str], Any] = Bounded(KEPT_TYPES)

    def _body_validator(self, mime_type: str, encoding: str) -> Any:
        """The body validator for this media type (False: nothing to validate), or None
        when the operation refuses the type."""
        return self._bodies.remember((mime_type, encoding), self._verdict, mime_type, encoding)

    def _verdict(self, mime_type: str, encoding: str) -> Any:
        try:
            self.validate_mime_type(mime_type)
        except UnsupportedMediaTypeProblem:
            return None
        return self._build_body_validator(mime_type, encoding)

    def _build_body_validator(self, mime_type: str, encoding: str) -> Any:
        operation = self._operation
        schema = operation.body_schema(mime_type)
        if not schema:
            return False
        try:
            body_validator = self._validator_map["body"][mime_type]
        except KeyError:
            logger.info(f"Skipping validation. No validator registered for content type: "
                        f"{mime_type}.")
            return False
        return body_validator(
            schema=schema, required=operation.request_body.get("required", False),
            nullable=utils.is_nullable(operation.body_definition(mime_type)),
            encoding=encoding, strict_validation=self.strict_validation,
            uri_parser=operation.uri_parser_class(operation.parameters,
                                                  operation.body_definition()))

    def _parameters(self) -> Any:
        if self._parameter_validator is None:
            operation = self._operation
            self._parameter_validator = self._validator_map["parameter"](
                operation.parameters,
                uri_parser=operation._uri_parser_class(operation.parameters,
                                                       operation.body_definition()),
                strict_validation=self.strict_validation,
                security_query_params=self.security_query_params)
        return self._parameter_validator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._parameters().validate(scope)
        mime_type, encoding = self.extract_content_type(scope["headers"])
        validator = self._body_validator(mime_type, encoding)
        if validator is None:
            self.validate_mime_type(mime_type)  # raises Connexion's refusal
        elif validator is not False:
            receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)


class _KeptValidationApi(RequestValidationAPI):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> RequestValidationOperation:
        return KeptRequestValidation(self.next_app, operation=operation,
                                     strict_validation=self.strict_validation,
                                     validator_map=self.validator_map)


class _KeptValidation(RequestValidationMiddleware):  # type: ignore[misc]
    api_cls = _KeptValidationApi


#: Connexion's request validation middleware and its replacement (see ``simulator.app``).
SWAPS: dict[type, type] = {RequestValidationMiddleware: _KeptValidation}


class KeptOperation(OpenAPIOperation):  # type: ignore[misc]
    """An OpenAPI operation remembering its body definition per media type."""

    def body_definition(self, content_type: str | None = None) -> dict[str, Any]:
        kept: Bounded[str | None, dict[str, Any]] | None = self.__dict__.get("_kept_bodies")
        if kept is None:  # made on first use: no override of Connexion's long __init__
            kept = self.__dict__["_kept_bodies"] = Bounded(KEPT_TYPES)
        return kept.remember(content_type, super().body_definition, content_type)


def install() -> None:
    """Make the OpenAPI 3 operations Connexion builds :class:`KeptOperation` (idempotent)."""
    connexion_spec.OpenAPISpecification.operation_cls = KeptOperation
