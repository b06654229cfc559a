"""`kg push`: upload the graph to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Every named graph (one per article, the ontology; see kg.query.named_graphs) is sent with `PUT ?graph=<iri>`, which
replaces the graph's content: pushing twice leaves the store as pushing once.  With `quads`, consecutive graphs
are sent together instead: each emptied with `DELETE ?graph=<iri>`, then all of them POSTed to the endpoint as
N-Quads (a store such as Oxigraph loads a dataset sent there into its named graphs), which spares a store the
cost of a request per graph.  Only the standard library (urllib) is used; it speaks Basic and Digest
authentication.  The password never appears in output: it is handed to urllib's password manager and removed
from any server message we show.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import contextlib
import html
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from http.client import HTTPException, HTTPMessage, HTTPResponse
from typing import IO

from kg.problems import escaped
from kg.query.defaults import AUTH_SCHEMES, DEFAULT_AT_ONCE, DEFAULT_PUSH_TIMEOUT, PASSWORD_ENV, QUADS_PER_REQUEST
from kg.query.named_graphs import NamedGraphs
from kg.vocab import COMMENT

_QUADS_REFUSED = {
    400: " (--quads: does the store take N-Quads POSTed to this endpoint? If not, push without --quads)",
    405: " (--quads: the store takes no POST at this endpoint: push without --quads)",
    415: " (--quads: the store takes no N-Quads at this endpoint: push without --quads)",
}
_RUN_REFUSED = {413: " (too large for the store, or a proxy before it: push with a smaller --quads TRIPLES)"}
_ERROR_BODY_LIMIT = 4000
_BODY_READ_LIMIT = 16384
"""Bytes of an answer's body read at most: a refusal's message is in its first few (an HTML page's text after
its head), and a store may send a body without end."""


class PushError(Exception):
    """The store refused a request (its own message included; `status`, its HTTP status) or could not be reached."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class NoAnswer(PushError):
    """The store did not answer a request within `--timeout`: it may still be carrying it out."""


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    scheme: str = "digest"


@dataclass(frozen=True)
class Pushed:
    graph: str
    triples: int
    status: int


def valid_endpoint(url: str) -> str:
    """`url` if it can be pushed to: http or https, a host, a port that exists, no user or password in it
    (urllib reads `user:secret@` as part of the host name), nothing http.client refuses to send (`_unsendable`),
    no fragment (never sent, so it cannot carry `?graph=`); else ValueError saying what is wrong."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # ValueError when out of range or not a number
    except ValueError as error:
        raise ValueError(f"'{url}' is not a URL: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"'{url}' is not an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"give the user with --user, the password in {PASSWORD_ENV} or when asked, not in the URL")
    if not parts.hostname:
        raise ValueError(f"'{url}' names no host")
    unsendable = _unsendable(url, parts)
    if unsendable:
        raise ValueError(f"'{url}' is not a URL: {unsendable}")
    if port == 0:
        raise ValueError(f"'{url}': port 0 is no port to send to")
    if "#" in url:
        raise ValueError(f"'{url}' has a fragment (#…), which is never sent: the store would get no ?graph=")
    if "graph" in urllib.parse.parse_qs(parts.query, keep_blank_values=True):
        raise ValueError(f"'{url}' names a graph already: give the store's endpoint, kg push adds ?graph= for each")
    return url


_NOT_IN_A_REQUEST = re.compile(r"[\x00-\x20\x7f]")
"""What http.client refuses in a request's target or host (InvalidURL): a space, a control character."""


def _character(char: str) -> str:
    """`char` named for a message: a space or a control character does not show."""
    if char == " ":
        return "a space"
    if _NOT_IN_A_REQUEST.match(char):
        return f"U+{ord(char):04X} (a control character)"
    return f"'{char}' (U+{ord(char):04X})"


def _unsendable(url: str, parts: urllib.parse.SplitResult) -> str | None:
    """Why http.client cannot send `url` (or None): a space or control character anywhere (urlsplit drops a line
    break or tab, http.client does not), a character beyond ASCII outside the host (sent as ASCII), a host the
    resolver's IDNA encoding refuses.  Each was a traceback, at the first PUT."""
    found = _NOT_IN_A_REQUEST.search(url) or re.search(r"[^\x00-\x7f]", parts.path + parts.query + parts.fragment)
    if found:
        return f"it holds {_character(found.group())}: %-escape it ({urllib.parse.quote(found.group())})"
    try:
        codecs.lookup("idna").encode(parts.hostname or "")
    except UnicodeError as error:
        return f"its host cannot be sent ({error})"
    return None


def graph_url(endpoint: str, graph: str) -> str:
    """Indirect graph identification: `endpoint?graph=<encoded IRI>`, keeping any query already there.  Built
    from the URL's parts: appended as text, `graph=` went after a bare `?` as `??graph=` (a parameter named
    `?graph`), and into a fragment, which is never sent; a store given no `graph=` replaces its default graph."""
    parts = urllib.parse.urlsplit(endpoint)
    query = "&".join(part for part in (parts.query, urllib.parse.urlencode({"graph": graph})) if part)
    return urllib.parse.urlunsplit(parts._replace(query=query, fragment=""))


def public_url(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host  # an IPv6 address, bracketed as in the URL
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


_CHALLENGE = re.compile(r"(?:^|,)\s*([!#$%&'*+.^_`|~\w-]+)(?=\s+[^\s=,]|\s*(?:,|$))")
"""An auth-scheme: a token opening the header or following a comma, not an auth-param's name (`nonce=`)."""


def _challenged_schemes(headers: HTTPMessage) -> list[str]:
    """The schemes a 401's challenges name, as written (`Digest realm="…", nonce="…"` → Digest), each once."""
    headers_read = (_QUOTED.sub('""', header) for header in headers.get_all("WWW-Authenticate", []))
    found = (name for header in headers_read for name in _CHALLENGE.findall(header))
    return list(dict.fromkeys(map(escaped, found)))


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
"""A quoted-string (`realm="Login, Please Wait"`): its commas part no challenges."""


def _unanswerable(scheme: str, code: int, reason: str, headers: HTTPMessage, why: str) -> urllib.error.URLError:
    """The 401 told by the scheme the store asks for, and the --auth to give when kg push speaks it."""
    asked = _challenged_schemes(headers)
    spoken = [name.lower() for name in asked if name.lower() in AUTH_SCHEMES]
    if scheme in spoken:
        detail = f" in a way kg push cannot answer: {why}"
    elif spoken:
        detail = f" (use --auth {spoken[0]})"
    else:
        detail = f", which kg push does not speak ({', '.join(AUTH_SCHEMES)})"
    named = " or ".join(asked) or "an unnamed"
    return urllib.error.URLError(f"HTTP {code} {escaped(reason)}: the store asks for {named} authentication{detail}")


def _answered(scheme: str, retry: Callable[[], object], code: int, reason: str, headers: HTTPMessage) -> object:
    """`retry` (urllib answering the challenge with the credentials), or an error naming the scheme the store
    asks for: for another scheme, or a Digest urllib cannot compute, urllib raises ValueError (a traceback), and
    its Digest handler gives up on a Basic challenge as if the password were wrong."""
    try:
        retried = retry()
    except ValueError as error:
        raise _unanswerable(scheme, code, reason, headers, str(error)) from None
    asked = [name.lower() for name in _challenged_schemes(headers)]
    if retried is None and asked and scheme not in asked:
        raise _unanswerable(scheme, code, reason, headers, "")
    return retried


class _BasicAuthHandler(urllib.request.HTTPBasicAuthHandler):
    """urllib's Basic authentication, with a challenge it cannot answer told by its scheme (`_answered`), that
    sends the credentials up front on every request.

    urllib stops sending them up front after any answer other than 2xx, for every path of the endpoint: after
    the 404 of a graph the store does not hold yet (deleted before `--quads` loads it), each later body went out
    without them, was refused with a 401 and sent again, and a store that closes the connection before reading
    a refused body ended the push ("Connection reset by peer")."""

    def http_response(self, req: urllib.request.Request, response: HTTPResponse) -> HTTPResponse:
        return response  # (urllib's marks the credentials unauthenticated on an answer other than 2xx)

    https_response = http_response

    def http_error_401(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage
    ) -> object:
        return _answered("basic", partial(super().http_error_401, req, fp, code, msg, headers), code, msg, headers)


class _DigestAuthHandler(urllib.request.HTTPDigestAuthHandler):
    """urllib's Digest authentication, with a challenge it cannot answer told by its scheme (`_answered`), that
    answers the last challenge before it is asked again.

    urllib sends every request without credentials first and again with them after the store's 401: each
    graph's body went out twice, and Virtuoso answers the first with its 401 and closes the connection before
    reading a large body, which then fails half-sent ("Connection reset by peer", "Broken pipe": the push of
    100,000 synthetic facts stopped at its first graph, or its 66th).  So the challenge is asked for with a
    request without a body (`challenge`), and each later request carries its answer from the start: the same
    nonce, counted up (RFC 7616, 3.4).  A store that refuses it (a stale nonce) and reads the body challenges
    again, as before; one that closes the connection first (Virtuoso) ends the push with that graph's error
    (Virtuoso took every graph of the 100,000-fact pushes on one nonce a thread)."""

    challenge: dict[str, str] | None = None

    def http_error_401(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage
    ) -> object:
        return _answered("digest", partial(super().http_error_401, req, fp, code, msg, headers), code, msg, headers)

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> object:
        _, _, challenge = auth.partition(" ")
        self.challenge = urllib.request.parse_keqv_list(
            [part for part in urllib.request.parse_http_list(challenge) if part]
        )
        return super().retry_http_digest_auth(req, auth)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self.challenge is not None and not req.has_header(self.auth_header):
            answer = self.get_authorization(req, self.challenge)
            if answer:
                req.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return req

    https_request = http_request


def opener(endpoint: str, credentials: Credentials | None) -> urllib.request.OpenerDirector:
    if credentials is None:
        return urllib.request.build_opener()
    if credentials.scheme not in AUTH_SCHEMES:
        raise PushError(f"unknown auth scheme {credentials.scheme!r}; use one of {', '.join(AUTH_SCHEMES)}")
    manager = urllib.request.HTTPPasswordMgrWithPriorAuth()
    # Basic credentials are sent up front (one request per graph); Digest needs the server's challenge.
    manager.add_password(
        None, endpoint, credentials.user, credentials.password, is_authenticated=credentials.scheme == "basic"
    )
    handler = _BasicAuthHandler(manager) if credentials.scheme == "basic" else _DigestAuthHandler(manager)
    return urllib.request.build_opener(handler)


@dataclass(frozen=True)
class _Refusal:
    """A store's refusal with the start of its body, read within the request's deadline."""

    error: urllib.error.HTTPError
    body: bytes


def _refusal(error: urllib.error.HTTPError) -> _Refusal:
    """The refusal with at most `_BODY_READ_LIMIT` bytes of its body (one more, to tell that it goes on); a body
    cut off (the connection reset, a wait past the socket's timeout) leaves the status to report."""
    with error:
        try:
            return _Refusal(error, error.read(_BODY_READ_LIMIT + 1))
        except (OSError, HTTPException):  # IncompleteRead: a chunked body cut off mid-chunk
            return _Refusal(error, b"")


@dataclass(frozen=True)
class _Answer:
    """A store's status, and the start of its body (`_BODY_READ_LIMIT` bytes at most; empty if cut off)."""

    status: int
    body: bytes


def _answer(http: urllib.request.OpenerDirector, request: urllib.request.Request, timeout: float) -> _Answer | _Refusal:
    """The store's answer to `request`, or its refusal; only the start of the body is read, as it could be
    endless."""
    try:
        with http.open(request, timeout=timeout) as response:
            body = b""
            with contextlib.suppress(OSError, HTTPException):  # the status says it all: a body cut
                body = response.read(_BODY_READ_LIMIT)  # off (IncompleteRead, a reset) changes nothing
            return _Answer(int(response.status), body)
    except urllib.error.HTTPError as error:
        return _refusal(error)


def _server_message(refusal: _Refusal, secret: str | None) -> str:
    """The refusal's body as text (HTML reduced to its text), without the password, cut to a sane length."""
    cut = len(refusal.body) > _BODY_READ_LIMIT
    body = _masked(refusal.body[:_BODY_READ_LIMIT].decode("utf-8", "replace"), secret)
    if "html" in (refusal.error.headers.get("Content-Type") or "") or body.lstrip().startswith("<"):
        body = html.unescape(re.sub(r"<(title|style|script)\b.*?</\1>|<[^>]+>", " ", body, flags=re.DOTALL | re.I))
    body = "\n".join(" ".join(line.split()) for line in body.splitlines() if line.strip())
    body = escaped(_masked(body, secret))  # a terminal escape in the body would reach the terminal
    if len(body) > _ERROR_BODY_LIMIT:
        return body[:_ERROR_BODY_LIMIT] + " …"
    return body + " …" if cut else body


def put_graph(
    http: urllib.request.OpenerDirector,
    endpoint: str,
    graph: str,
    body: bytes,
    secret: str | None = None,
    timeout: float = DEFAULT_PUSH_TIMEOUT,
    within: float | None = None,
) -> int:
    """Replace `graph` with the triples of `body` (N-Triples, sent as Turtle: every store's GSP takes Turtle, and
    N-Triples is Turtle) within `timeout` seconds, or `within` if less is left of it; returns the HTTP status."""
    headers = {"Content-Type": "text/turtle; charset=utf-8"}
    request = urllib.request.Request(graph_url(endpoint, graph), data=body, method="PUT", headers=headers)
    what = f"PUT <{graph}> to {public_url(endpoint)}"
    answer = _sent(http, request, what, secret, timeout, within)
    if _WEB_PAGE.match(answer.body):  # a store answers with nothing, or a line of text, JSON, XML: not a page
        raise PushError(
            f"{what}: HTTP {answer.status}, but the answer is a web page, not a Graph Store's: is the endpoint the "
            "store's address (Oxigraph's …/store, Virtuoso's …/sparql-graph-crud)?",
            answer.status,
        )
    return answer.status


_WEB_PAGE = re.compile(rb"\s*(?:<!doctype\s+html|<html)", re.IGNORECASE)
"""The start of an HTML page: what a web server that is no store answered every PUT with, 200 each time, and every
graph was said to be pushed."""


def post_quads(
    http: urllib.request.OpenerDirector,
    endpoint: str,
    names: list[str],
    graphs: NamedGraphs,
    secret: str | None = None,
    timeout: float = DEFAULT_PUSH_TIMEOUT,
    within: float | None = None,
) -> int:
    """Replace graphs `names` with their triples in `graphs`: each emptied with `DELETE ?graph=` (a graph the store
    does not hold, 404, is empty already), then all of them POSTed to `endpoint` as N-Quads.  Each request is
    done within `timeout` seconds (the first within `within`, if less is left); returns the POST's status.

    A failure after a graph was emptied (a POST too large for a proxy in front of the store, say) would leave the
    graphs emptied so far empty: each is then sent again with PUT, and the PushError raised says so, or names
    those left empty (`_put_back`)."""
    emptied: list[str] = []
    try:
        for name in names:
            request = urllib.request.Request(graph_url(endpoint, name), method="DELETE")
            try:
                _sent(http, request, f"DELETE <{name}> at {public_url(endpoint)}", secret, timeout, within)
            except PushError as error:
                if error.status != 404:
                    raise
            emptied.append(name)
            within = None
        what = f"POST <{names[0]}>" if len(names) == 1 else f"POST <{names[0]}> and {len(names) - 1} more graphs"
        headers = {"Content-Type": "application/n-quads; charset=utf-8"}
        request = urllib.request.Request(endpoint, data=graphs.quads(names), method="POST", headers=headers)
        return _sent(http, request, f"{what} to {public_url(endpoint)}", secret, timeout, hints=_RUN_REFUSED).status
    except NoAnswer as error:  # the store may still be carrying out the request: what it is about is not sent again
        if len(emptied) == len(names):  # the POST: the store may still be loading the run
            raise _put_back(error, [], names, http, endpoint, graphs, secret, timeout) from None
        raise _put_back(error, emptied, [names[len(emptied)]], http, endpoint, graphs, secret, timeout) from None
    except PushError as error:
        if not emptied:
            raise
        raise _put_back(error, emptied, [], http, endpoint, graphs, secret, timeout) from None


def _put_back(
    error: PushError,
    emptied: list[str],
    unsure: list[str],
    http: urllib.request.OpenerDirector,
    endpoint: str,
    graphs: NamedGraphs,
    secret: str | None,
    timeout: float,
) -> PushError:
    """`error`, with what became of the graphs of its run: those `emptied` are sent again with PUT, in order,
    until one is not taken; those left empty are named, and so are the `unsure` ones (a request about them got
    no answer: the store may still empty or load them)."""
    left = emptied
    for index, name in enumerate(emptied):
        try:
            put_graph(http, endpoint, name, graphs.body(name), secret, timeout)
        except PushError:
            break
        left = emptied[index + 1 :]
    notes = [f"the {_graphs(len(emptied))} emptied for it were sent again with PUT"] if emptied and not left else []
    if left:
        notes.append(f"empty in the store now: {_named(left)}")
    if unsure:
        notes.append(f"perhaps empty or half-loaded: {_named(unsure)}")
    again = "; push again" if left or unsure else ""
    return PushError(f"{error}\n({'; '.join(notes)}{again})", error.status)


def _graphs(count: int) -> str:
    return f"{count} graph" if count == 1 else f"{count} graphs"


def _named(names: list[str]) -> str:
    """The first three of `names`, and how many more."""
    return ", ".join(f"<{name}>" for name in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def probe_quads(http: urllib.request.OpenerDirector, endpoint: str, secret: str | None, timeout: float) -> None:
    """Check, before any graph is touched, that the store loads N-Quads POSTed to `endpoint` into their named
    graphs: one quad is POSTed into a graph of its own (a new `urn:uuid:` IRI), the graph is read back with GET
    (it must hold the quad's text), then DELETEd.  Virtuoso's Graph Store answers such a POST with 200 and keeps
    nothing: without this, every graph would have been emptied and none loaded.  PushError when the store
    refuses or lost the quad."""
    graph = f"urn:uuid:{uuid.uuid4()}"
    marker = f"kg push --quads: a probe into {graph}, deleted at once"
    quad = f'<{graph}> <{COMMENT}> "{marker}" <{graph}> .\n'
    headers = {"Content-Type": "application/n-quads; charset=utf-8"}
    posting = urllib.request.Request(endpoint, data=quad.encode(), method="POST", headers=headers)
    where = public_url(endpoint)
    posted = _sent(http, posting, f"POST of a probe quad to {where}", secret, timeout, hints=_QUADS_REFUSED)
    deleting = urllib.request.Request(graph_url(endpoint, graph), method="DELETE")
    try:
        reading = urllib.request.Request(graph_url(endpoint, graph), headers={"Accept": "application/n-triples"})
        try:
            held = marker.encode() in _sent(http, reading, f"GET <{graph}> at {where}", secret, timeout).body
        except PushError as error:
            if error.status != 404:
                raise
            held = False
        if not held:
            raise PushError(
                f"POST of a probe quad to {where}: the store answered HTTP {posted.status} but holds no graph "
                f"<{graph}> after it: it does not load N-Quads sent there into their named graphs (Virtuoso's Graph "
                "Store does not); push without --quads"
            )
    except PushError:
        with contextlib.suppress(PushError):  # (a quad the store filed elsewhere is beyond reach)
            _sent(http, deleting, f"DELETE <{graph}> at {where}", secret, timeout)
        raise
    _sent(http, deleting, f"DELETE <{graph}> at {where}", secret, timeout)


def quads_requests(graphs: NamedGraphs, per_request: int) -> list[list[str]]:
    """The graphs, in order, cut into runs of at most `per_request` triples; a larger graph is a run alone."""
    runs: list[list[str]] = []
    size = 0
    for name in graphs.names:
        if not runs or size + graphs.size(name) > per_request:
            runs.append([])
            size = 0
        runs[-1].append(name)
        size += graphs.size(name)
    return runs


def _ask_challenge(
    http: urllib.request.OpenerDirector, endpoint: str, graph: str, secret: str | None, timeout: float
) -> None:
    """A request without a body (HEAD), for the challenge of a store that asks for Digest credentials
    (`_DigestAuthHandler`).  Credentials it refuses (401) end the push here, before a body is sent: the PUT
    that followed carried a refused answer, and Virtuoso closed the connection on it half-sent ("Broken
    pipe" instead of its 401).  Whatever else it answers (a HEAD not implemented) is left to the PUTs."""
    request = urllib.request.Request(graph_url(endpoint, graph), method="HEAD")
    try:
        _sent(http, request, f"HEAD <{graph}> to {public_url(endpoint)}", secret, timeout)
    except PushError as error:
        if error.status == 401:
            raise


_MASK = "********"
_BASE64 = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}")


def _masked(text: str, secret: str | None) -> str:
    """`text` without the password: as it is, with its runs of spaces made one (as a message is shown: a password
    of two words was shown so), or inside a base64 token (a store echoing `Authorization: Basic …`)."""
    if not secret:
        return text
    for form in {secret, " ".join(secret.split())} - {""}:
        text = text.replace(form, _MASK)

    def hidden(found: re.Match[str]) -> str:
        try:
            decoded = base64.b64decode(found.group(), validate=True).decode("utf-8", "replace")
        except (ValueError, binascii.Error):
            return found.group()
        return _MASK if secret in decoded else found.group()

    return _BASE64.sub(hidden, text)


def _shown(text: object, secret: str | None) -> str:
    """What a store said outside a body (its status line's reason, a garbled status line), fit for the terminal:
    without the password, control characters escaped (a store's `\x1b]0;…` retitled the terminal)."""
    return escaped(_masked(str(text), secret))


def _sent(
    http: urllib.request.OpenerDirector,
    request: urllib.request.Request,
    what: str,
    secret: str | None,
    timeout: float,
    within: float | None = None,
    hints: dict[int, str] | None = None,
) -> _Answer:
    """The store's answer to `request`; PushError, saying `what` was sent, when it refuses or does not answer
    (followed by the hint `hints` holds for its status, if any).
    The request, answer included, must be done within `timeout` seconds: a socket's own timeout bounds each
    wait only, and a store that sends a byte now and then (or accepts and never answers on a connection kept
    open) would hold it forever.  So a refusal's body is read there too (`_answer`)."""
    outcome: list[_Answer | _Refusal | BaseException] = []

    def send() -> None:
        try:
            outcome.append(_answer(http, request, timeout if within is None else within))
        except BaseException as error:  # handed to the caller's thread
            outcome.append(error)

    sending = threading.Thread(target=send, daemon=True)  # left behind when it overruns: the process ends soon
    sending.start()
    sending.join(timeout if within is None else within)
    if not outcome:
        raise NoAnswer(f"{what}: no answer within {timeout:g} s (--timeout)")
    if isinstance(outcome[0], _Refusal):
        error, message = outcome[0].error, _server_message(outcome[0], secret)
        hint = " (check --user, the password and --auth)" if error.code == 401 else (hints or {}).get(error.code, "")
        if 300 <= error.code < 400 and (moved := error.headers.get("Location")):  # not followed: a PUT is not resent
            hint = f" to {_shown(moved, secret)}: give that address as --endpoint if it is the store's"
        told = f"{what}: HTTP {error.code} {_shown(error.reason, secret)}{hint}" + (f"\n{message}" if message else "")
        raise PushError(told, error.code)
    try:
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]
    except (urllib.error.URLError, OSError, HTTPException) as error:  # HTTPException: no HTTP answer
        if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
            raise NoAnswer(f"{what}: no answer within {timeout:g} s (--timeout)") from None  # (the socket's own)
        raise PushError(f"{what}: {_shown(getattr(error, 'reason', error), secret)}") from None


def push(
    endpoint: str,
    graphs: NamedGraphs,
    credentials: Credentials | None = None,
    timeout: float = DEFAULT_PUSH_TIMEOUT,
    at_once: int = DEFAULT_AT_ONCE,
    quads: bool = False,
    per_request: int = QUADS_PER_REQUEST,
    told: Callable[[str], None] | None = None,
) -> Iterator[Pushed]:
    """PUT every graph, `at_once` at a time, yielding each in order as it lands; stops at the first refusal
    (PushError, raised at once: no graph is started after it, but one being sent beside it, at most `at_once` - 1
    of them, may still land), or before the first for an endpoint that is no http(s) URL (`valid_endpoint`).
    With `quads`, the store is first checked to load N-Quads into named graphs (`probe_quads`), then each
    request is a run of graphs (`quads_requests`, of `per_request` triples at most) sent by `post_quads`, and each
    graph of a run is yielded when the run lands; after a refusal, the runs under way beside it are finished
    before it is raised (each request within `timeout`; `told` is told so first), with theirs if refused too.

    Each request's body is written by the thread that sends it, only then (at most `at_once` are held): while
    one thread writes a body, another waits on the store.  Each thread has its own connection and, for Digest,
    its own challenge (an answer counts its uses of the nonce)."""
    try:
        valid_endpoint(endpoint)
    except ValueError as error:
        raise PushError(str(error)) from None
    opener(endpoint, credentials)  # an unknown scheme is refused before anything is sent
    secret = credentials.password if credentials else None
    own = threading.local()
    refused: list[BaseException] = []  # why a graph was not taken: then no other is started

    def send(names: list[str]) -> list[Pushed] | None:
        if refused:
            return None
        try:
            started = time.monotonic()
            http = getattr(own, "http", None)
            if http is None:
                http = own.http = opener(endpoint, credentials)
                if credentials is not None and credentials.scheme == "digest":
                    _ask_challenge(http, endpoint, names[0], secret, timeout)
            left = timeout - (time.monotonic() - started)  # the challenge counts against the request's time
            if left <= 0:  # (and its request may still hold the connection: it is not used again)
                what = f"DELETE <{names[0]}> at" if quads else f"PUT <{names[0]}> to"
                raise NoAnswer(f"{what} {public_url(endpoint)}: no answer within {timeout:g} s (--timeout)")
            if quads:
                status = post_quads(http, endpoint, names, graphs, secret, timeout, left)
            else:
                status = put_graph(http, endpoint, names[0], graphs.body(names[0]), secret, timeout, left)
        except BaseException as error:
            refused.append(error)
            raise
        return [Pushed(name, graphs.size(name), status) for name in names]

    if quads:
        probing = opener(endpoint, credentials)
        if credentials is not None and credentials.scheme == "digest":
            _ask_challenge(probing, endpoint, graphs.names[0], secret, timeout)
        probe_quads(probing, endpoint, secret, timeout)
    runs = quads_requests(graphs, per_request) if quads else [[name] for name in graphs.names]
    senders = ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="kg-push")
    sending = [senders.submit(send, names) for names in runs]
    finished = False
    try:
        for pushing in sending:
            while True:  # the graph's answer, unless one sent beside it is refused first: that is told at once
                try:
                    pushed = pushing.result(timeout=0.1)
                    break
                except TimeoutError:
                    if pushing.done():  # (the send's own TimeoutError, not the wait's)
                        raise
                    if refused:
                        raise refused[0] from None
            assert pushed is not None  # (only a request after a refused one is not sent, and that raised)
            yield from pushed
        finished = True
    except PushError as error:
        if not quads:
            raise
        # Each run under way may have emptied graphs it is to fill: it is finished (each request within the
        # timeout), and what befell each refused one is told with the first.
        under_way = sum(future.running() for future in sending)
        if under_way and told is not None:
            told(f"{str(error).splitlines()[0]}: finishing the {under_way} run(s) of graphs under way first")
        senders.shutdown(wait=True, cancel_futures=True)
        others = [str(other) for other in refused if other is not error and isinstance(other, PushError)]
        if others:
            raise PushError("\n".join([str(error), *others]), error.status) from None
        raise
    finally:
        # After a refusal (with PUT), Ctrl-C or SIGTERM, no request is started and none under way is waited for
        # (it ends within its timeout: waiting for it held a Ctrl-C up to 300 s, and a refusal's message as long).
        senders.shutdown(wait=finished, cancel_futures=True)
