"""Handler decoration done once per operation instead of once per request.

Connexion 3's ``AsyncOperation`` wraps the handler in its parameter and
response decorators on every request (``AsyncOperation.fn`` is a property,
and the decorator's wrapper decorates again inside), which reads the
handler's signature with ``inspect.signature`` and builds a URI parser each
time: about 8 % of a hold's time in a py-spy profile. Its security
handlers read the signature of the key callback twice per request as well
(3 % in cProfile), and the parameter decorator cleans every argument name
with three regular expressions on every request (2 % in py-spy). What they
compute depends only on the operation and its functions, so here it is built
once and kept; the per-request work (reading the request, checking the key,
calling the handler, building the response) is Connexion's, unchanged.

The handler's request (:class:`_Request`) also skips two repeats (~4 % of a
hold in py-spy): a JSON body that request validation has just parsed from
the same bytes is handed over instead of parsed again, and a request that is
not a form has no form files (Connexion asked Starlette's form parser, which
answers an empty form for any other type), and no query string has no query
parameters (without parsing it and resolving it against the operation). The
content type of an answer without headers is inferred once per operation and
kind of data (~1 %).

:func:`install` switches an ``AsyncApp`` to these classes; call it before
``add_api``. :data:`SECURITY_MAP` goes to ``AsyncApp(security_map=...)``.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Iterator
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.decorators.response import AsyncResponseDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.http_facts import FORM_CONTENT_TYPES
from connexion.lifecycle import ConnexionRequest
from connexion.operations import AbstractOperation
from connexion.security import SECURITY_HANDLERS
from connexion.utils import inspect_function_arguments

from simulator.core.http.validation import parsed_body

__all__ = ["SECURITY_MAP", "install"]


@functools.lru_cache(maxsize=256)
def _accepts_kwarg(func: Callable[..., Any], keyword: str) -> bool:
    """Connexion's check, remembered: the security callbacks never change."""
    arguments, has_kwargs = inspect_function_arguments(func)
    return has_kwargs or keyword in arguments


#: Connexion's security handlers with the signature check remembered.
SECURITY_MAP: dict[str, type] = {
    name: type(f"Once{handler.__name__}", (handler,),
               {"_accepts_kwarg": staticmethod(_accepts_kwarg)})
    for name, handler in SECURITY_HANDLERS.items()}


class _RememberedNames(AsyncParameterDecorator):  # type: ignore[misc]
    """Connexion's parameter decorator with its name cleaning remembered per name
    (a pure function of the spec's parameter names, so the set is bounded)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        clean: Callable[[str], str] = self.sanitize_fn  # type: ignore[has-type]
        self.sanitize_fn = functools.lru_cache(maxsize=1024)(clean)


class _KeptContentType(AsyncResponseDecorator):  # type: ignore[misc]
    """Connexion's response decorator remembering the content type it infers for an answer
    without headers: a function of the operation's ``produces`` (this decorator serves one
    operation) and of the kind of data, looked up through context proxies per response."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._inferred: dict[tuple[bool, bool, bool], str | None] = {}

    def _infer_content_type(self, data: Any, headers: Any) -> str | None:
        if headers:
            return super()._infer_content_type(data, headers)  # type: ignore[no-any-return]
        kind = (data is None, isinstance(data, str),
                isinstance(data, (bytes, types.GeneratorType, Iterator)))
        if kind not in self._inferred:  # a refusal raises, and is not remembered
            self._inferred[kind] = super()._infer_content_type(data, headers)
        return self._inferred[kind]


class _Request(ConnexionRequest):  # type: ignore[misc]
    """Connexion's request without the second JSON parse, the form parse of a non-form
    and the query parse of no query."""

    async def json(self) -> Any:
        found, body = parsed_body(self.scope, await self.body())
        return body if found else await super().json()

    async def files(self) -> Any:
        if self.mimetype not in FORM_CONTENT_TYPES:
            return {}
        return await super().files()

    @property
    def query_params(self) -> Any:
        if self.__dict__["_query_params"] is None and not self.scope.get("query_string"):
            self.__dict__["_query_params"] = {}  # what the URI parser makes of no query
        return super().query_params


class _Framework(StarletteFramework):  # type: ignore[misc]
    @staticmethod
    def get_request(*, scope: Any, receive: Any, uri_parser: Any, **_: Any) -> _Request:
        return _Request(scope, receive, uri_parser=uri_parser)


class _OnceDecorator(StarletteDecorator):  # type: ignore[misc]
    """Connexion's Starlette decorator whose decorated handler and URI parser are kept."""

    framework = _Framework

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _RememberedNames

    @property
    def _response_decorator_cls(self) -> type[AsyncResponseDecorator]:
        return _KeptContentType

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._decorated: dict[Callable[..., Any], Callable[..., Any]] = {}
        self._parser: tuple[Any, Any] | None = None

    def decorate(self, function: Callable[..., Any]) -> Callable[..., Any]:
        found = self._decorated.get(function)
        if found is None:
            found = self._decorated[function] = super().decorate(function)
        return found

    @property
    def uri_parser(self) -> Any:
        from connexion.context import operation

        current = operation._get_current_object()  # the request's operation (a proxy)
        if self._parser is None or self._parser[0] is not current:
            self._parser = (current, super().uri_parser)
        return self._parser[1]


class _OnceOperation(AsyncOperation):  # type: ignore[misc]
    """An ``AsyncOperation`` whose decorated handler is built on first use and kept."""

    @functools.cached_property
    def fn(self) -> Callable[..., Any]:  # type: ignore[override]
        decorated: Callable[..., Any] = _OnceDecorator(
            pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)
        return decorated


class _OnceApi(AsyncApi):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return _OnceOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)


def install(app: AsyncApp) -> None:
    """Make ``app`` decorate each handler once (before its ``add_api`` calls)."""
    app._middleware_app.api_cls = _OnceApi
