"""``--download``: fetching an image that cannot be turned inwards, and keeping only images.

An export names the addresses, so an export can name the writer's own
machine or network (``http://127.0.0.1:8080/admin``, a router, a cloud
metadata address), directly or through a redirect.  So every connection,
the first and each one a redirect leads to, resolves the host name itself,
checks every address it resolves to, and connects to the address it
checked (a second lookup could answer differently).  Only http and https
are followed, no proxy is used (a proxy would make the check about the
proxy), and what comes back is kept only if its first bytes are the image
its name says it is.  SVG is refused: it is a document that can carry
scripts, and a site would serve it from its own origin.

Which addresses may be fetched is a parameter (``allowed``), not a setting:
the command always passes :func:`public_address`; only a caller that
imports this module (a test with its server on 127.0.0.1) can pass another.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Allowed = Callable[[Address], bool]
MAX_BYTES = 20_000_000
MAX_REDIRECTS = 5
#: The first bytes of each image type a site may publish, by file suffix.
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),  # and "WEBP" at offset 8: see is_image
}


class Refused(OSError):
    """An address or an answer the importer will not take; the message says why."""


def public_address(address: Address) -> bool:
    """An address on the public internet: not this machine, its network or a reserved range."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_loopback or address.is_private or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified)


def is_image(suffix: str, data: bytes) -> bool:
    """Whether ``data`` starts as a PNG, JPEG, GIF or WebP image, under such a name.

    The bytes may be another of the four than the name says (a PNG saved as
    ``.jpg`` is common, and browsers read it); never anything else: not
    HTML, not a script, not SVG.
    """
    if suffix.lower() not in MAGIC:
        return False
    return any(data.startswith(start) and (start != b"RIFF" or data[8:12] == b"WEBP")
               for starts in MAGIC.values() for start in starts)


def checked_socket(host: str, port: int, timeout: float | None, allowed: Allowed
                   ) -> socket.socket:
    """A connection to ``host``, made only if every address it resolves to is allowed."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Refused(f"{host}: no such host ({error.strerror})") from None
    for *_family, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not allowed(address):
            raise Refused(f"{host} is {address}, not a public internet address")
    last: OSError = Refused(f"{host}: no address")
    for family, kind, proto, _name, sockaddr in found:
        connection = socket.socket(family, kind, proto)
        connection.settimeout(timeout)
        try:
            connection.connect(sockaddr)
        except OSError as error:
            connection.close()
            last = error
            continue
        return connection
    raise last


def opener(allowed: Allowed) -> urllib.request.OpenerDirector:
    """urllib with every connection checked, redirects re-checked, and no proxy."""

    class CheckedHTTP(http.client.HTTPConnection):
        def connect(self) -> None:
            self.sock = checked_socket(self.host, self.port, self.timeout, allowed)

    class CheckedHTTPS(http.client.HTTPSConnection):
        def connect(self) -> None:
            sock = checked_socket(self.host, self.port, self.timeout, allowed)
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(CheckedHTTP, req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(CheckedHTTPS, req, context=self._context)  # type: ignore[attr-defined]

    class Redirects(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

        def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                             headers: Any, newurl: str) -> urllib.request.Request | None:
            if urlparse(newurl).scheme not in ("http", "https"):
                raise Refused(f"redirected to {newurl[:80]!r}: only http and https are followed")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return urllib.request.build_opener(urllib.request.ProxyHandler({}), HTTP, HTTPS, Redirects)


def download_image(url: str, suffix: str, allowed: Allowed = public_address,
                   timeout: float = 20) -> bytes:
    """The image at ``url``, or :class:`Refused` saying why not (one line)."""
    if urlparse(url).scheme not in ("http", "https"):
        raise Refused("only http and https addresses are downloaded")
    if suffix.lower() not in MAGIC:
        raise Refused(f"{suffix or 'this'} files are not downloaded (only PNG, JPEG, GIF, WebP)")
    try:
        with opener(allowed).open(url, timeout=timeout) as response:
            data = bytes(response.read(MAX_BYTES + 1))
    except Refused:
        raise
    except urllib.error.URLError as error:
        if isinstance(error.reason, Refused):
            raise error.reason from None
        raise Refused(f"not downloaded ({error.reason})") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise Refused(f"not downloaded ({error})") from None
    if len(data) > MAX_BYTES:
        raise Refused(f"larger than {MAX_BYTES // 1_000_000} MB; not kept")
    if not is_image(suffix, data):
        raise Refused("what came back is not a PNG, JPEG, GIF or WebP image; not kept")
    return data
