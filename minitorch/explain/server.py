"""The local web server of `minitorch explain`: Python's standard library `http.server`.

Why the standard library: the server has five fixed routes, one user on the same machine, and
requests that each run one small forward pass, so a framework would add dependencies and
nothing the page needs; `ThreadingHTTPServer` is maintained with Python itself. Its known weak
spots are closed here: it serves no files from disk except those directly inside the run folder
(`/run/<name>`, images and metrics only), request bodies are size-limited, every error is a
JSON object `{"error": "..."}` (never a traceback page), and the Host header must name the
address we bound (no DNS rebinding from a web page).

Routes:
    GET  /                      the page (the first example's pass inlined: ready without a round trip)
    GET  /api/info              run facts, classes, examples
    POST /api/explain           {"example": i} | {"pixels": [...]} | {"signal": [...]} | {"sentence": "..."}
    GET  /api/tables?pass=P&layer=L   the arithmetic of every unit of one layer of a kept pass
    GET  /run/<file>            a .png/.csv/.json file directly inside the run folder
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

from minitorch.explain.explainer import Explainer
from minitorch.explain.inputs import InputError
from minitorch.explain.page import Page, build_page

__all__ = ["ExplainServer", "make_server", "is_loopback", "MAX_BODY_BYTES", "RUN_FILE_TYPES"]

MAX_BODY_BYTES = 256 * 1024  # a 32x32 image as JSON is ~10 KiB; a sentence is at most 600 characters
RUN_FILE_TYPES = {".png": "image/png", ".csv": "text/csv; charset=utf-8", ".json": "application/json"}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost"."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ApiError(Exception):
    """An error answered as JSON with an HTTP status."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


class _Handler(BaseHTTPRequestHandler):
    server: "ExplainServer"
    protocol_version = "HTTP/1.1"  # keep-alive: one connection for the page's requests
    server_version = "minitorch-explain"
    sys_version = ""

    # ------------------------------------------------------------------ responses
    def _send(self, status: int, body: bytes, content_type: str, extra: Optional[Dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, value: Any, status: int = 200) -> None:
        self._send(status, json.dumps(value, separators=(",", ":")).encode(), "application/json")

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """http.server's own errors (bad request line, unsupported method) as JSON too."""
        self.close_connection = True
        try:
            self._json({"error": message or HTTPStatus(code).phrase}, code)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"explain: {self.address_string()} {format % args}\n")

    # ------------------------------------------------------------------ dispatch
    def _dispatch(self, routes: Dict[str, Callable[[Dict[str, list]], None]]) -> None:
        try:
            self._check_host()
            url = urlsplit(self.path)
            if url.path.startswith("/run/") and self.command in ("GET", "HEAD"):
                return self._run_file(url.path[len("/run/"):])
            if url.path not in routes:
                raise ApiError(HTTPStatus.NOT_FOUND, f"no such page: {url.path}")
            routes[url.path](parse_qs(url.query))
        except ApiError as error:
            self._json({"error": str(error)}, error.status)
        except InputError as error:
            self._json({"error": str(error)}, HTTPStatus.BAD_REQUEST)
        except Exception as error:  # noqa: BLE001 - the page gets a message, the terminal the details
            if os.environ.get("MINITORCH_DEBUG"):
                traceback.print_exc()
            self._json({"error": f"internal error ({type(error).__name__}: {error})"}, HTTPStatus.INTERNAL_SERVER_ERROR)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch({"/": self._page, "/index.html": self._page, "/api/info": self._info,
                        "/api/tables": self._tables, "/favicon.ico": self._no_icon})

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch({"/api/explain": self._explain})

    # ------------------------------------------------------------------ checks
    def _check_host(self) -> None:
        host = self.headers.get("Host", "")
        if self.server.allowed_hosts and host not in self.server.allowed_hosts:
            raise ApiError(HTTPStatus.FORBIDDEN, f"Host {host!r} is not this server; open {self.server.url}")

    def _body(self) -> Any:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise ApiError(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length header")
        if int(length) > MAX_BODY_BYTES:
            self.close_connection = True  # the body stays unread
            raise ApiError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                           f"request body of {int(length):,} bytes; at most {MAX_BODY_BYTES:,}")
        origin = self.headers.get("Origin")
        if origin is not None and self.server.allowed_hosts and urlsplit(origin).netloc not in self.server.allowed_hosts:
            raise ApiError(HTTPStatus.FORBIDDEN, f"requests from {origin} are not accepted")
        try:
            return json.loads(self.rfile.read(int(length)) or b"null")
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError(HTTPStatus.BAD_REQUEST, f"the body is not JSON: {error}") from None

    # ------------------------------------------------------------------ routes
    def _page(self, _: Dict[str, list]) -> None:
        page = self.server.page()
        self._send(200, page.html, "text/html; charset=utf-8", {"Content-Security-Policy": page.policy})

    def _info(self, _: Dict[str, list]) -> None:
        self._json(self.server.explainer.info())

    def _no_icon(self, _: Dict[str, list]) -> None:
        self._send(204, b"", "image/x-icon")

    def _explain(self, _: Dict[str, list]) -> None:
        self._json(self.server.explainer.explain(self._body()))

    def _tables(self, query: Dict[str, list]) -> None:
        pass_id, layer = query.get("pass", [""])[0], query.get("layer", [""])[0]
        if not layer.isdigit():
            raise ApiError(HTTPStatus.BAD_REQUEST, f"layer: expected a non-negative integer, got {layer!r}")
        self._json(self.server.explainer.tables(pass_id, int(layer)))

    def _run_file(self, name: str) -> None:
        """A file directly inside the run folder; nothing else on disk is readable."""
        folder = self.server.explainer.run.resolve()
        suffix = Path(name).suffix.lower()
        if "/" in name or "\\" in name or name.startswith(".") or suffix not in RUN_FILE_TYPES:
            raise ApiError(HTTPStatus.NOT_FOUND, f"no such run file: {name!r} (only .png, .csv and .json files "
                                                 "directly in the run folder are served)")
        path = (folder / name).resolve()
        if path.parent != folder or not path.is_file():
            raise ApiError(HTTPStatus.NOT_FOUND, f"no such run file: {name!r}")
        self._send(200, path.read_bytes(), RUN_FILE_TYPES[suffix])


class ExplainServer(ThreadingHTTPServer):
    """A `ThreadingHTTPServer` serving one `Explainer`; `url` is where to point a browser."""

    daemon_threads = True

    def __init__(self, address: Tuple[str, int], explainer: Explainer, verbose: bool = False):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)
        self.explainer, self.verbose = explainer, verbose
        host, port = str(address[0]), int(self.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{port}/"
        if is_loopback(address[0]):  # a browser names us one of these; anything else is a rebinding attempt
            self.allowed_hosts = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]", shown)}
        else:
            self.allowed_hosts = set()  # bound to a network address on purpose: any Host
        self._page: Optional[Page] = None

    def page(self) -> Page:
        """The page, built on first use (with the first example's pass inlined)."""
        if self._page is None:
            self._page = build_page(self.explainer, live=True)
        return self._page


def make_server(explainer: Explainer, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> ExplainServer:
    """A server bound to (host, port) (port 0: a free one); call `serve_forever()` to run it."""
    server = ExplainServer((host, port), explainer, verbose)
    server.page()  # build now, so the first request is answered at once
    return server
