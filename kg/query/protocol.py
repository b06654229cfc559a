"""How `kg serve` reads a request, once, and the request it makes of the engine from what it read.

The proxy used to check the query as it read the request and forward the request as it came, so whatever the
two read differently went through unchecked: with two `Content-Type` headers the proxy took the body for the
query itself while the engine took it for a form, in which `SERVIC%45` is SERVICE.  So here the request is
read by the SPARQL 1.1 Protocol (a GET's `query=`, a form, or an `application/sparql-query` body), refused
when it could be read two ways (its framing, its character set, more than one query), and the engine is
sent a request built anew: one form holding the query that was checked and the dataset, or a page's address
made again from its parameters as they were read, never the client's bytes or headers.
"""

from __future__ import annotations

import codecs
import ipaddress
import re
from dataclasses import dataclass
from email.message import Message
from http import HTTPStatus
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit

import pyoxigraph as ox

from kg.limits import MAX_QUERY_BYTES
from kg.problems import visible
from kg.query.lexical import spelled_out
from kg.query.refusal import refusal
from kg.sources.reading import BOM

MAX_REQUEST_BYTES = MAX_QUERY_BYTES
METHODS = ("GET", "HEAD", "POST")
"""What the endpoint answers (HEAD as GET without the body), as a 405's `Allow` names them."""
QUERY_PATHS = frozenset({"/query", "/sparql"})  # the engine takes queries at both
PAGES = frozenset({"/", "/yasgui.min.css", "/yasgui.min.js", "/logo.svg", "/store"})
"""The resources that are only read: the query page (this server's own: `kg.query.query_page`), the engine's
files it uses, and the read side of the Graph Store Protocol (`/store?graph=…`).  Any other address is not
forwarded."""
PAGE_METHODS = "GET, HEAD"
FORM = "application/x-www-form-urlencoded"
_QUERY_BODY = "application/sparql-query"
_UPDATE_BODY = "application/sparql-update"
_DATASET = frozenset({"default-graph-uri", "named-graph-uri", "union-default-graph"})
"""The parameters forwarded with the query (the last is Oxigraph's); others (`format=json`) are dropped."""
_GRAPHS = frozenset({"default-graph-uri", "named-graph-uri"})
_SHOWN = 60  # the characters of a parameter a reason quotes
_ONCE = ("Content-Length", "Content-Type", "Transfer-Encoding", "Host")
_HOST = re.compile(r"(?:\[(?P<ip6>[^\]]*)\]|(?P<name>[^:\[\]]*))(?::(?P<port>[0-9]{1,5}))?")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")  # of a DNS name (an IPv4 address's too)
READ_ONLY = "this endpoint is read-only: it takes no SPARQL Update"


class RequestRefused(Exception):
    """A request answered here with `status` and a plain-text `reason`, not forwarded."""

    def __init__(self, status: HTTPStatus, reason: str, allow: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.allow = allow
        """The methods the resource takes, for a 405."""


@dataclass(frozen=True)
class EngineRequest:
    """What the engine is asked: GET `path` (a page, the service description), or POST `form` to `path`, which
    holds `query`."""

    path: str
    form: bytes | None = None
    query: str | None = None


def check_method(method: str, target: str) -> None:
    """RequestRefused unless the endpoint answers `method` at `target` (the update address answers 403, as the engine's
    does, whatever the method)."""
    if urlsplit(target).path == "/update":
        raise RequestRefused(HTTPStatus.FORBIDDEN, READ_ONLY)
    if method not in METHODS:
        allowed = PAGE_METHODS if urlsplit(target).path in PAGES else ", ".join(METHODS)
        raise RequestRefused(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not answered here", allowed)


def body_length(headers: Message) -> int:
    """How many bytes of body follow the headers; RequestRefused when the headers leave it in doubt or it is too
    long.  A header line that is no `Name: value` (`Content-Length : 5`, a space before the colon) ends what
    `http.client` reads as headers, the rest left aside: the body's length was then missed, and the body read as
    the next request (RFC 9112 says to refuse it)."""
    if headers.defects or headers.get_payload():
        raise RequestRefused(HTTPStatus.BAD_REQUEST, "a header line is not 'Name: value' (a space before the colon?)")
    for name in _ONCE:
        if len(headers.get_all(name, [])) > 1:
            raise RequestRefused(HTTPStatus.BAD_REQUEST, f"the request has more than one {name} header")
    if "Transfer-Encoding" in headers:
        raise RequestRefused(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length (no Transfer-Encoding)")
    text = (headers.get("Content-Length") or "0").strip(" \t")  # HTTP's spaces: not \xa0, a UTF-8 byte as read
    if not text.isascii() or not text.isdigit():
        raise RequestRefused(HTTPStatus.BAD_REQUEST, f"Content-Length is not a number of bytes: {_as_sent(text)!r}")
    if len(text.lstrip("0")) > len(str(MAX_REQUEST_BYTES)) or int(text) > MAX_REQUEST_BYTES:
        raise RequestRefused(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a request may be at most {MAX_REQUEST_BYTES:,} bytes"
        )
    return int(text)


def _as_sent(value: str) -> str:
    """A header's value as the client wrote it, to echo in a reason: http.client reads headers as Latin-1, and a
    client writes UTF-8 (`٥` came back as `Ù¥`, then sent as UTF-8: mojibake)."""
    return value.encode("latin-1").decode("utf-8", "backslashreplace")


def host(headers: Message) -> str | None:
    """The `Host` the client named (the engine names itself by it in its service description), if well-formed."""
    named = headers.get("Host")
    if named is not None and not _is_host(named):
        raise RequestRefused(HTTPStatus.BAD_REQUEST, "the Host header is no host name")
    return named


def _is_host(text: str) -> bool:
    """Whether `text` is host[:port]: a DNS name, an IPv4 address or an IPv6 one in brackets, and a port up to
    65535.  The engine's service description names the endpoint by it, which must make an IRI."""
    parts = _HOST.fullmatch(text)
    if parts is None or int(parts["port"] or 0) > 65535:
        return False
    if parts["ip6"] is not None:
        try:
            address = ipaddress.IPv6Address(parts["ip6"])
        except ValueError:
            return False
        return address.scope_id is None  # `fe80::1%eth0`: no IRI holds a zone (the engine answered 502)
    name = parts["name"].removesuffix(".")
    return 0 < len(name) <= 253 and all(_LABEL.fullmatch(label) for label in name.split("."))


def engine_request(method: str, target: str, headers: Message, body: bytes) -> EngineRequest:
    """The request to make of the engine for a client's `method` (GET, HEAD or POST) at `target`, with `body`;
    RequestRefused for what is not forwarded (a query it refuses, a request read two ways, an unknown address)."""
    if not (target.isascii() and target.isprintable()):
        raise RequestRefused(
            HTTPStatus.BAD_REQUEST, "the request's address holds a byte that is not printable ASCII (%-escape it)"
        )
    address = urlsplit(target)
    if method != "POST" and body:
        raise RequestRefused(HTTPStatus.BAD_REQUEST, f"a {method} request has no body (a query goes in its address)")
    if address.path in QUERY_PATHS:
        return _query_request(address, method, headers, body)
    if address.path not in PAGES:
        raise RequestRefused(HTTPStatus.NOT_FOUND, f"nothing at {address.path}: queries go to /query")
    if method == "POST":
        raise RequestRefused(HTTPStatus.METHOD_NOT_ALLOWED, f"{address.path} is only read", PAGE_METHODS)
    fields = _fields(address.query)
    return EngineRequest(f"{address.path}?{urlencode(fields)}" if fields else address.path)


def _query_request(address: SplitResult, method: str, headers: Message, body: bytes) -> EngineRequest:
    fields = _fields(address.query)
    if method == "POST":
        fields += _posted(headers, body)
    names = [name for name, _ in fields]
    if "update" in names:
        raise RequestRefused(HTTPStatus.FORBIDDEN, READ_ONLY)
    if method != "POST" and not fields:
        return EngineRequest(address.path)  # the service description
    query = dict(fields).get("query", "")
    if names.count("query") != 1 or not query.strip():
        many = "more than one query" if names.count("query") > 1 else "no query (a `query` parameter, or the body)"
        raise RequestRefused(HTTPStatus.BAD_REQUEST, f"the request holds {many}")
    if (refused := refusal(query)) is not None:
        reason, line, column = refused
        raise RequestRefused(HTTPStatus.BAD_REQUEST, f"{reason} (line {line}, column {column})")
    forwarded = [(name, spelled_out(value, {}) if name == "query" else value) for name, value in fields]
    forwarded = [(name, value) for name, value in forwarded if name == "query" or name in _DATASET]
    for name, value in forwarded:
        if name in _GRAPHS:
            _check_iri(name, value)
    return EngineRequest(address.path, urlencode(forwarded).encode(), query)


def _check_iri(name: str, value: str) -> None:
    """RequestRefused when a dataset parameter names no IRI (the engine said why, but not of which parameter)."""
    try:
        ox.NamedNode(value)
    except ValueError as error:
        shown = visible(value[:_SHOWN]) + ("…" if len(value) > _SHOWN else "")
        raise RequestRefused(HTTPStatus.BAD_REQUEST, f"{name} '{shown}' is no IRI: {error}") from None


def _posted(headers: Message, body: bytes) -> list[tuple[str, str]]:
    """The fields a POST's body holds: a form's, or its whole text as the query."""
    media = headers.get_content_type()  # text/plain when there is none
    if media == _UPDATE_BODY:
        raise RequestRefused(HTTPStatus.FORBIDDEN, READ_ONLY)
    if media not in (FORM, _QUERY_BODY):
        raise RequestRefused(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"a query is posted as {_QUERY_BODY} or as a form ({FORM})"
        )
    if (charset := headers.get_content_charset()) is not None and _codec(charset) != "utf-8":
        raise RequestRefused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"a query is sent in UTF-8, not {charset}")
    text = _text(body)
    if media == FORM:
        return _fields(text)
    return [("query", text)] if text.strip() else []  # none, as an empty form holds none (not the engine's error)


def _codec(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def _text(body: bytes) -> str:
    """The body as text; a byte order mark that starts it is no character of it (as in `kg query`'s files)."""
    try:
        return body.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as error:
        raise RequestRefused(HTTPStatus.BAD_REQUEST, f"the body is not UTF-8 text (byte {error.start})") from None


def _fields(encoded: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a query string or form, in order (a name given twice, twice)."""
    try:
        return parse_qsl(encoded, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise RequestRefused(HTTPStatus.BAD_REQUEST, "a parameter is not UTF-8 once its %-escapes are undone") from None
