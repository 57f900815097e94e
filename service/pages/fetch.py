"""Fetching pages from links: a bounded GET with its redirects, and an address guard.

`fetch` reads one http(s) link: the whole fetch, redirects included, within a deadline; at most
`max_bytes` of body, streamed (the rest is never read); redirects followed one by one, each hop
checked again; only web pages (HTML or plain text). With the guard on (the service fetching for
its clients), the host is resolved here and every address it resolves to must be public (or in
the operator's allow-list), and the connection goes to the address that was checked: the request
names that IP, with the Host header (and, for https, the TLS server name) of the link's host, so a
second DNS answer cannot point the connection elsewhere (DNS rebinding).

No proxy from the environment is used (a proxy would resolve the host itself, past the guard).
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import logging
import re
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import httpx

from service.errors import FetchFailed, PayloadTooLarge
from service.settings import Settings

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = ("http", "https")
CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
# How many links `fetch_all` reads at once.
CONCURRENCY = 8
# Where a page's <meta charset> is looked for: the HTML standard's prescan reads 1024 bytes.
PRESCAN_BYTES = 1024
# The longest link a message repeats.
SHOWN_URL_CHARS = 200
CHUNK_BYTES = 65_536

# Ranges that Python 3.11's `is_global` still counts as global: IETF protocol assignments.
NOT_PUBLIC = (ipaddress.ip_network("192.0.0.0/24"),)
# NAT64's well-known prefix: an IPv4 address behind a DNS64 resolver, public if its IPv4 is.
NAT64 = ipaddress.ip_network("64:ff9b::/96")

# A host name as DNS has it (after IDNA): dot-separated labels of letters, digits, '-' and '_'.
HOST_RE = re.compile(
    r"(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?", re.I
)
CHARSET_PARAM_RE = re.compile(r"""\bcharset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# Labels the web reads as windows-1252 (the WHATWG Encoding standard): pages declared latin-1
# are written in windows-1252, whose curly quotes latin-1 would turn into control characters.
WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819"}
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _user_agent() -> str:
    try:
        return f"newsdigest/{version('newsdigest')}"
    except PackageNotFoundError:
        return "newsdigest"


USER_AGENT = _user_agent()


@dataclass(frozen=True)
class FetchPolicy:
    """How a link may be fetched."""

    timeout_s: float  # the whole fetch, redirects included
    max_bytes: int  # of body (after Content-Encoding); beyond it the fetch stops: PayloadTooLarge
    max_redirects: int
    guard: bool  # True: refuse hosts that resolve to a non-public address
    allow: tuple[IPNetwork, ...]  # networks the guard lets through (the operator's allow-list)
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    """A page read from a link."""

    url: str  # as asked
    final_url: str  # after redirects
    text: str  # the body, decoded
    content_type: str  # its media type, e.g. text/html
    bytes: int  # of body read


def policy_from(settings: Settings) -> FetchPolicy:
    """The service's policy: the guard on, with the configured allow-list and limits."""
    return FetchPolicy(
        timeout_s=settings.fetch_timeout_s,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
        guard=True,
        allow=tuple(ipaddress.ip_network(n) for n in settings.fetch_allow),
    )


def is_public(ip: IPAddress) -> bool:
    """An address anyone on the internet reaches: not loopback, private, link-local (the cloud
    metadata service, 169.254.169.254), shared (CGNAT), multicast, reserved or unspecified; an
    IPv6 form of an IPv4 address (mapped, 6to4, NAT64) is judged by its IPv4 address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public(ip.ipv4_mapped)
        if ip in NAT64:
            return is_public(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None and not is_public(ip.sixtofour):
            return False
        if ip.is_site_local:
            return False
    return (
        ip.is_global
        and not ip.is_multicast
        and not ip.is_reserved
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_unspecified
        and not any(ip in net for net in NOT_PUBLIC)
    )


def allowed(ip: IPAddress, policy: FetchPolicy) -> bool:
    """Whether the guard lets `ip` through: public, or in the allow-list (as itself or, for an
    IPv4-mapped IPv6 address, as its IPv4 address)."""
    forms: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        forms.append(ip.ipv4_mapped)
    return is_public(ip) or any(f in net for f in forms for net in policy.allow)


async def fetch(url: str, policy: FetchPolicy, client: httpx.AsyncClient | None = None) -> Fetched:
    """The page at `url`, within `policy`.

    Raises `FetchFailed` (not a link, an address the guard refuses, a timeout, an error status,
    too many redirects, not a web page, a broken connection) or `PayloadTooLarge` (a body over
    `policy.max_bytes`). `client` is used as given but for redirects (followed here) and timeouts
    (the policy's); with the guard on, give it no keep-alive, since connections are pooled by
    address and a pooled TLS connection was verified for the host that opened it.
    """
    try:
        async with asyncio.timeout(policy.timeout_s):
            if client is not None:
                return await _fetch(url, policy, client)
            async with _client(policy) as own:
                return await _fetch(url, policy, own)
    except TimeoutError:
        raise FetchFailed(_shown(url), f"timed out after {policy.timeout_s:g} s") from None


async def fetch_all(
    urls: Sequence[str], policy: FetchPolicy, *, concurrency: int = CONCURRENCY
) -> list[Fetched | FetchFailed | PayloadTooLarge]:
    """Every link's page or its own error, in the order given; at most `concurrency` at once."""
    gate = asyncio.Semaphore(concurrency)

    async def one(url: str) -> Fetched | FetchFailed | PayloadTooLarge:
        async with gate:
            try:
                return await fetch(url, policy)
            except (FetchFailed, PayloadTooLarge) as exc:
                return exc

    return list(await asyncio.gather(*(one(u) for u in urls)))


def _client(policy: FetchPolicy) -> httpx.AsyncClient:
    # No keep-alive: each hop opens its own connection, verified for its own host.
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        timeout=policy.timeout_s,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


async def _fetch(url: str, policy: FetchPolicy, client: httpx.AsyncClient) -> Fetched:
    shown = _shown(url)
    current = _parse(url, shown, hop=None)
    for hop in range(policy.max_redirects + 1):
        response = await _send(current, policy, client, shown, hop)
        try:
            if response.status_code in REDIRECTS and "location" in response.headers:
                location = response.headers["location"]
                try:
                    target = current.join(location)
                except httpx.InvalidURL:
                    reason = f"it redirects to a link that is not valid: {_shown(location)}"
                    raise FetchFailed(shown, reason) from None
                current = _parse(str(target), shown, hop=str(target))
                continue
            return await _read(url, current, response, policy, shown)
        finally:
            await response.aclose()
    raise FetchFailed(shown, f"more than {policy.max_redirects} redirects")


def _parse(url: str, shown: str, hop: str | None) -> httpx.URL:
    """The link as a URL: http(s), with a host. `hop`: the redirect target, when this is one."""
    where = f"it redirects to {_shown(hop)}, and " if hop is not None else ""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchFailed(shown, f"{where}it is not a valid link") from None
    if parsed.scheme not in SCHEMES:
        raise FetchFailed(shown, f"{where}only http and https links can be fetched")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise FetchFailed(shown, f"{where}the link has no host")
    if (_literal(host) is None and not HOST_RE.fullmatch(host)) or not 0 < (parsed.port or 80) < 65536:
        raise FetchFailed(shown, f"{where}it is not a valid link")
    return parsed


async def _send(
    url: httpx.URL, policy: FetchPolicy, client: httpx.AsyncClient, shown: str, hop: int
) -> httpx.Response:
    """One GET, its body not yet read: to the checked addresses in turn (guard on), or the host."""
    host = url.raw_host.decode("ascii")
    where = f"it redirects to {_shown(str(url))}, and " if hop else ""
    headers = {"User-Agent": policy.user_agent, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9"}
    if not policy.guard:
        targets: list[tuple[httpx.URL, dict[str, str]]] = [(url, {})]
    else:
        addresses = await _resolve(host, url.port or (443 if url.scheme == "https" else 80), shown, where)
        refused = [ip for ip in addresses if not allowed(ip, policy)]
        if refused:
            ip = refused[0]
            # An IPv4-mapped address is named, and allowed, as its IPv4 address.
            v4 = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
            shown_ip = f"::ffff:{v4}" if v4 is not None else str(ip)
            network = f"{v4}/32" if v4 is not None else f"{ip}/{ip.max_prefixlen}"
            named = shown_ip if _literal(host) else f"{host} resolves to {shown_ip}, which"
            raise FetchFailed(
                shown,
                f"{where}{named} is not a public address; the operator can allow it with"
                f' SUMMARIZER_FETCH_ALLOW (a JSON list of networks, e.g. ["{network}"])',
            )
        # The Host header (and TLS server name) stay the link's; the connection goes to the IP.
        headers["Host"] = url.netloc.decode("ascii")
        extensions = {"sni_hostname": host} if url.scheme == "https" else {}
        targets = [(url.copy_with(host=str(ip)), extensions) for ip in addresses]
    for target, extensions in targets:
        request = client.build_request(
            "GET",
            target.copy_with(username=None, password=None, fragment=None),
            headers=headers,
            extensions=extensions,
            timeout=policy.timeout_s,
        )
        try:
            return await client.send(request, stream=True, follow_redirects=False)
        except httpx.ConnectError as exc:
            problem = _tls_problem(exc)
            if problem is not None:
                raise FetchFailed(shown, f"{where}the TLS handshake with {host} failed: {problem}") from None
            log.debug("could not connect to %s", target.host)  # the next address, if there is one
        except httpx.TimeoutException:
            raise FetchFailed(shown, f"timed out after {policy.timeout_s:g} s") from None
        except httpx.HTTPError:
            log.debug("request to %s failed", target, exc_info=True)
            raise FetchFailed(shown, f"{where}the server's answer could not be read") from None
    raise FetchFailed(shown, f"{where}could not connect to {url.netloc.decode('ascii')}")


async def _resolve(host: str, port: int, shown: str, where: str) -> list[IPAddress]:
    """The host's addresses, in the resolver's order: a literal IP as it is, else getaddrinfo
    (in a thread: it blocks)."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError):
        raise FetchFailed(shown, f"{where}its host {host} was not found") from None
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).partition("%")[0])
        if ip not in found:
            found.append(ip)
    if not found:
        raise FetchFailed(shown, f"{where}its host {host} was not found")
    return found


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _tls_problem(exc: BaseException) -> str | None:
    """Why a TLS handshake failed, for people, when it was that (else None)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or "its certificate could not be verified"
        if isinstance(seen, ssl.SSLError):
            return seen.reason or "the server's TLS could not be read"
        seen = seen.__cause__ or seen.__context__
    return None


async def _read(
    asked: str, url: httpx.URL, response: httpx.Response, policy: FetchPolicy, shown: str
) -> Fetched:
    """The body of a final (not a redirect) response, or why it is not a page."""
    if not 200 <= response.status_code < 300:
        answered = f"{response.status_code} {response.reason_phrase}".rstrip()
        raise FetchFailed(shown, f"the server answered {answered}")
    header = response.headers.get("content-type", "")
    media, charset = _content_type(header)
    if not media:
        raise FetchFailed(shown, "the server did not say what it sent (no Content-Type)")
    if media not in CONTENT_TYPES:
        raise FetchFailed(shown, f"it is {media}, not a web page (HTML or plain text)")
    too_large = f"the page at {shown} is over the limit of {policy.max_bytes} bytes"
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > policy.max_bytes:
        raise PayloadTooLarge(too_large)
    body = bytearray()
    try:
        async for chunk in response.aiter_bytes(CHUNK_BYTES):
            body += chunk
            if len(body) > policy.max_bytes:
                raise PayloadTooLarge(too_large)
    except httpx.TimeoutException:
        raise FetchFailed(shown, f"timed out after {policy.timeout_s:g} s") from None
    except httpx.DecodingError:
        raise FetchFailed(shown, "its content could not be decoded (Content-Encoding)") from None
    except httpx.HTTPError:
        log.debug("reading %s failed", url, exc_info=True)
        raise FetchFailed(shown, "the connection broke off before the page was read") from None
    data = bytes(body)
    return Fetched(
        url=asked,
        final_url=str(url),
        text=decode(data, charset, html=media in HTML_TYPES),
        content_type=media,
        bytes=len(data),
    )


def _content_type(header: str) -> tuple[str, str | None]:
    """A Content-Type header's media type (lower case; "" for none) and its charset parameter."""
    media, _, params = header.partition(";")
    found = CHARSET_PARAM_RE.search(params)
    return media.strip().lower(), found[1] if found else None


def decode(data: bytes, charset: str | None, *, html: bool) -> str:
    """The body as text: a byte-order mark, else the header's charset, else (HTML) a `<meta>`
    charset in the first bytes, else UTF-8; bytes not in the encoding become U+FFFD."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    declared = _codec(charset)
    if declared is None and html:
        found = META_CHARSET_RE.search(data[:PRESCAN_BYTES])
        declared = _codec(found[1].decode("ascii")) if found else None
    return data.decode(declared or "utf-8", errors="replace")


def _codec(label: str | None) -> str | None:
    """The Python codec of a charset label, or None for no label or an unknown one."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in WINDOWS_1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _shown(url: str) -> str:
    return url if len(url) <= SHOWN_URL_CHARS else url[: SHOWN_URL_CHARS - 1] + "…"
