"""URL keys: the form under which a URL Wikipedia cites and the URL of a crawled page count as the same page.

normalize_url(url) applies these rules, in this order, and returns `host[:port]path[?query]`, or None:

1. Tabs and newlines anywhere are removed; leading and trailing spaces and control characters are stripped.
2. Only http, https and protocol-relative `//host/...` URLs have a key (Wikipedia writes `//` links); a
   bare `example.org/x` has none: without `scheme://` or `//` it is a relative reference, not a host.
3. The scheme is dropped: http and https serve the same page.
4. User name and password are dropped: they never name a different page, and keys must not carry them.
5. The host is percent-decoded, lowercased, IDNA-decoded label by label (`xn--bcher-kva` -> `bücher`,
   Unicode labels nameprepped, `。` read as a dot), stripped of one trailing dot, and of a leading `www.` when a dot remains
   (`www.com` stays). A host that is empty, has an empty label or a forbidden character has no key.
6. An IPv6 host is written in its canonical compressed form inside brackets (`[2001:db8::1]`).
7. The scheme's default port is dropped (80 for http, 443 for https, either for `//`); a bad port: no key.
8. The fragment is dropped: it names a place in the page, not a page.
9. Percent-encoding is normalized in path and query: escapes of unreserved characters (A-Z a-z 0-9 - . _ ~)
   are decoded, other escapes get uppercase hex, characters a URL cannot hold raw (non-ASCII, space, `"`,
   ...) are UTF-8 percent-encoded, and a `%` that starts no escape becomes `%25`.
10. `.` and `..` path segments are resolved (RFC 3986 §5.2.4), as a browser or crawler does before fetching.
11. An empty path is `/`; trailing slashes of any other path are dropped (`/a/` == `/a`).
12. Query parameters keep their order; empty ones and tracking ones (`utm_*`, fbclid, gclid, dclid,
    msclkid; names compared case-insensitively) are removed; an empty query leaves no `?`.

Anything unparseable (an unclosed IPv6 bracket, a non-numeric port, no host, another scheme such as
mailto: or javascript:) gives None, never an exception.
"""

from __future__ import annotations

import encodings.idna
import ipaddress
import re
import unicodedata
from urllib.parse import unquote, urlsplit

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": (80,), "https": (443,), "": (80, 443)}
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid"})
TRACKING_PREFIXES = ("utm_",)

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters kept raw in a path or query: unreserved, reserved gen-delims and sub-delims (minus `#`, which
# urlsplit has already cut, and `[`/`]`, which RFC 3986 allows only in the host).
_KEEP_RAW = _UNRESERVED | frozenset(":/?@!$&'()*+,;=")
_HEX = frozenset("0123456789abcdefABCDEF")
_TAB_NEWLINE = re.compile("[\t\n\r]")
_EDGE = "".join(map(chr, range(33)))  # C0 controls and space, stripped at both ends (as WHATWG does)
_IDEOGRAPHIC_DOTS = str.maketrans("\u3002\uff0e\uff61", "...")  # label separators in IDNA (RFC 3490 §3.1)
_FORBIDDEN_HOST = frozenset(" \t\n\r#/:<>?@[\\]^|%\"'`{}") | frozenset(map(chr, range(32))) | {"\x7f"}


def normalize_url(url: str) -> str | None:
    """The match key of an http(s) URL (rules in the module docstring); None when it has none."""
    try:
        return _normalize(url)
    except (ValueError, UnicodeError):
        return None


def _normalize(url: str) -> str | None:
    url = _TAB_NEWLINE.sub("", url).strip(_EDGE)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES and not (scheme == "" and url.startswith("//")):
        return None
    netloc = parts.netloc.rpartition("@")[2]
    host = _host(netloc)
    if host is None:
        return None
    port = parts.port  # ValueError (caught above) for a non-numeric or out-of-range port
    if port is not None and port not in DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = _trim_slashes(_remove_dot_segments(_encode(parts.path)))
    query = _query(parts.query)
    return f"{host}{path}?{query}" if query else f"{host}{path}"


def _host(netloc: str) -> str | None:
    """The host of a netloc (user info already removed), normalized; None when it is not a valid host."""
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0:
            return None
        literal = netloc[1:end]
        if literal.lower().startswith("v"):  # an IPvFuture literal: kept, lowercased
            return f"[{literal.lower()}]"
        address = ipaddress.IPv6Address(unquote(literal))  # ValueError for a bad address
        return f"[{address.compressed}]"
    host = netloc.rpartition(":")[0] if ":" in netloc else netloc
    if "%" in host:
        host = unquote(host, errors="strict")
    host = host.lower().translate(_IDEOGRAPHIC_DOTS)
    if host.endswith("."):
        host = host[:-1]
    if not host or any(c in _FORBIDDEN_HOST for c in host):
        return None
    labels = host.split(".")
    if any(not label for label in labels):
        return None
    host = ".".join(_label(label) for label in labels)
    if host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    return host


def _label(label: str) -> str:
    """One host label in its Unicode form: punycode decoded, Unicode nameprepped; left as is if invalid."""
    try:
        if label.isascii():
            return encodings.idna.ToUnicode(label).lower() if label.startswith("xn--") else label
        return encodings.idna.ToUnicode(encodings.idna.ToASCII(label))
    except UnicodeError:
        return unicodedata.normalize("NFC", label)


def _encode(component: str) -> str:
    """Percent-encoding in its one normal form (rule 9)."""
    out: list[str] = []
    i, n = 0, len(component)
    while i < n:
        char = component[i]
        if char == "%":
            escape = component[i + 1 : i + 3]
            if len(escape) == 2 and escape[0] in _HEX and escape[1] in _HEX:
                decoded = chr(int(escape, 16))
                out.append(decoded if decoded in _UNRESERVED else "%" + escape.upper())
                i += 3
                continue
            out.append("%25")
        elif char in _KEEP_RAW:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4 on an absolute (or empty) path: `/a/./b/../c` -> `/a/c`."""
    if "." not in path:
        return path
    segments = path.split("/")
    output: list[str] = []
    for segment in segments[1:]:
        if segment == ".":
            continue
        if segment == "..":
            if output:
                output.pop()
            continue
        output.append(segment)
    if segments[-1] in (".", ".."):
        output.append("")  # `/a/b/..` names the folder `/a/`
    return "/" + "/".join(output)


def _trim_slashes(path: str) -> str:
    """Rule 11: the root is `/`; any other path loses its trailing slashes."""
    return path.rstrip("/") or "/"


def _query(query: str) -> str:
    """Rule 12: the parameters kept, in order, each in normal percent-encoding."""
    kept = []
    for param in query.split("&"):
        if not param:
            continue
        name = unquote(param.partition("=")[0]).lower()
        if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
            continue
        kept.append(_encode(param))
    return "&".join(kept)
