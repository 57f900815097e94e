"""Fetching pages from links (`service.pages.fetch`) and `newsdigest summarize URL...`, against
real web servers on 127.0.0.1 (a thread each, started in milliseconds).

Every socket connection these tests make is watched (`connections`): one to anything but
loopback fails the test, and the guard's refusals are shown to happen before any connection.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import ipaddress
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from service.cli.inputs import gather
from service.errors import FetchFailed, InvalidInput, PayloadTooLarge
from service.pages.fetch import (
    Fetched,
    FetchPolicy,
    allowed,
    decode,
    fetch,
    fetch_all,
    is_public,
    policy_from,
)
from service.settings import Settings
from tests.support.cli import Cli
from tests.support.servers import free_port
from tests.support.sites import Route, Site, endless, page, redirect, serve, slow, trickle, watch_connections

LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"),)
BOTH_LOOPBACKS = (*LOOPBACK, ipaddress.ip_network("::1/128"))


ARTICLE = b"<html><head><title>Ferry strike</title></head><body><p>The ferry did not sail.</p></body></html>"
ROUTES: dict[str, Route] = {
    "/a.html": page(ARTICLE),
    "/latin1.html": page("<p>Café «déjà vu»</p>".encode("latin-1"), "text/html; charset=ISO-8859-1"),
    "/meta.html": page(
        '<html><head><meta charset="windows-1252"></head><body>“Curly” café</body></html>'.encode("cp1252"),
        "text/html",
    ),
    "/equiv.html": page(
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        + "</head><body>Café</body></html>".encode("latin-1"),
        "text/html",
    ),
    "/plain.txt": page(b"Plain words.", "text/plain"),
    "/undeclared.html": page(b"caf\xe9", "text/html"),
    "/doc.pdf": page(b"%PDF-1.7", "application/pdf"),
    "/untyped": page(b"<p>what am I</p>", ""),
    "/big-length": page(b"x" * 100_000),
    "/big-stream": endless(),
    "/slow": slow(3.0),
    "/trickle": trickle(0.05, 4.0),
    "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
    "/to-ftp": redirect("ftp://127.0.0.1/file"),
    "/hop/0": page(b"<p>arrived</p>"),
    **{f"/hop/{n}": redirect(f"/hop/{n - 1}", 301 if n % 2 else 307) for n in range(1, 4)},
}


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serve(ROUTES) as s:
        yield s


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address a socket of this process connects to; any but loopback fails the test."""
    return watch_connections(monkeypatch)


def policy(
    guard: bool = True,
    allow: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = LOOPBACK,
    timeout_s: float = 5.0,
    max_bytes: int = 50_000,
    max_redirects: int = 5,
) -> FetchPolicy:
    return FetchPolicy(
        timeout_s=timeout_s, max_bytes=max_bytes, max_redirects=max_redirects, guard=guard, allow=allow
    )


def get(url: str, p: FetchPolicy | None = None, client: httpx.AsyncClient | None = None) -> Fetched:
    return asyncio.run(fetch(url, p or policy(), client))


def failure(url: str, p: FetchPolicy | None = None) -> FetchFailed:
    with pytest.raises(FetchFailed) as caught:
        get(url, p)
    assert caught.value.message == f"could not fetch {url}: {caught.value.reason}"
    assert caught.value.code == "fetch_failed" and caught.value.status == 422
    return caught.value


# --- the address guard ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.0.8",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
        "2001:db8::1",
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    assert not allowed(ipaddress.ip_address(address), policy(allow=()))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "93.184.215.14", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_the_allow_list_lets_its_networks_through_in_either_form() -> None:
    p = policy(allow=(ipaddress.ip_network("10.1.0.0/16"), *LOOPBACK))
    assert allowed(ipaddress.ip_address("10.1.2.3"), p)
    assert allowed(ipaddress.ip_address("::ffff:10.1.2.3"), p)
    assert allowed(ipaddress.ip_address("127.0.0.1"), p)
    assert not allowed(ipaddress.ip_address("10.2.0.1"), p)
    assert not allowed(ipaddress.ip_address("127.0.0.2"), p)


def test_a_page_through_the_allow_list(site: Site, connections: list[Any]) -> None:
    url = site.url("/a.html")
    got = get(url)
    assert got == Fetched(
        url=url, final_url=url, text=ARTICLE.decode(), content_type="text/html", bytes=len(ARTICLE)
    )
    # To the checked address, with the link's own Host header.
    assert connections == [("127.0.0.1", site.port)]
    assert site.seen[-1] == ("/a.html", f"127.0.0.1:{site.port}")


def test_a_host_name_is_resolved_once_and_the_checked_address_connected_to(
    site: Site, connections: list[Any]
) -> None:
    got = get(site.url("/a.html", host="localhost"), policy(allow=BOTH_LOOPBACKS))
    assert got.text == ARTICLE.decode()
    assert {a[0] for a in connections} <= {"127.0.0.1", "::1"}
    assert site.seen[-1] == ("/a.html", f"localhost:{site.port}")


def test_loopback_is_refused_without_the_allow_list(site: Site, connections: list[Any]) -> None:
    before = site.connections
    err = failure(site.url("/a.html"), policy(allow=()))
    assert err.reason == (
        "127.0.0.1 is not a public address; the operator can allow it with SUMMARIZER_FETCH_ALLOW"
        ' (a JSON list of networks, e.g. ["127.0.0.1/32"])'
    )
    assert connections == [] and site.connections == before


@pytest.mark.parametrize(
    ("host", "named"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("169.254.169.254", "169.254.169.254"),
        ("[::1]", "::1"),
        ("0.0.0.0", "0.0.0.0"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1"),
        ("[fd00::1]", "fd00::1"),
        ("100.64.0.1", "100.64.0.1"),
        ("localhost", "localhost resolves to 127.0.0.1, which"),
        ("127.1", "127.1 resolves to 127.0.0.1, which"),
    ],
)
def test_refused_before_any_connection(host: str, named: str, site: Site, connections: list[Any]) -> None:
    err = failure(f"http://{host}:{site.port}/latest/meta-data/", policy(allow=()))
    assert err.reason.startswith(f"{named} is not a public address")
    assert connections == []


def test_https_is_refused_the_same_way(connections: list[Any]) -> None:
    err = failure("https://169.254.169.254/", policy(allow=()))
    assert "169.254.169.254 is not a public address" in err.reason
    assert connections == []


def test_a_redirect_to_a_refused_address_is_refused(site: Site, connections: list[Any]) -> None:
    err = failure(site.url("/to-metadata"))
    assert err.reason.startswith(
        "it redirects to http://169.254.169.254/latest/meta-data/,"
        " and 169.254.169.254 is not a public address"
    )
    assert connections == [("127.0.0.1", site.port)]


def test_the_guard_off_connects_where_the_link_says(site: Site) -> None:
    assert get(site.url("/a.html"), policy(guard=False, allow=())).text == ARTICLE.decode()


# --- links and redirects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://127.0.0.1/file", "only http and https links can be fetched"),
        ("file:///etc/passwd", "only http and https links can be fetched"),
        ("http:///no-host", "the link has no host"),
        ("http://exa mple.com/", "it is not a valid link"),
        ("http://a..b/", "it is not a valid link"),
        ("http://a.com:port/", "it is not a valid link"),
        ("http://a.com:99999/", "it is not a valid link"),
        ("http://[zz::1]/", "it is not a valid link"),
    ],
)
def test_what_is_not_an_http_link(url: str, reason: str, connections: list[Any]) -> None:
    assert failure(url, policy(guard=False)).reason == reason
    assert connections == []


def test_redirects_are_followed_each_one_checked(site: Site) -> None:
    got = get(site.url("/hop/3"), policy(max_redirects=3))
    assert (got.url, got.final_url, got.text) == (site.url("/hop/3"), site.url("/hop/0"), "<p>arrived</p>")


def test_too_many_redirects(site: Site) -> None:
    assert failure(site.url("/hop/3"), policy(max_redirects=2)).reason == "more than 2 redirects"
    assert failure(site.url("/hop/1"), policy(max_redirects=0)).reason == "more than 0 redirects"


def test_a_redirect_to_another_scheme(site: Site) -> None:
    reason = failure(site.url("/to-ftp")).reason
    assert reason == "it redirects to ftp://127.0.0.1/file, and only http and https links can be fetched"


def test_an_error_status(site: Site) -> None:
    assert failure(site.url("/missing")).reason == "the server answered 404 Not Found"


def test_nothing_listening() -> None:
    port = free_port()
    assert failure(f"http://127.0.0.1:{port}/").reason == f"could not connect to 127.0.0.1:{port}"


# --- what a page may be -----------------------------------------------------------------------


def test_only_web_pages(site: Site) -> None:
    pdf = failure(site.url("/doc.pdf"))
    assert pdf.reason == "it is application/pdf, not a web page (HTML or plain text)"
    assert failure(site.url("/untyped")).reason == "the server did not say what it sent (no Content-Type)"
    plain = get(site.url("/plain.txt"))
    assert (plain.text, plain.content_type) == ("Plain words.", "text/plain")


@pytest.mark.parametrize("path", ["/big-length", "/big-stream"])
def test_a_page_over_the_limit(path: str, site: Site) -> None:
    url = site.url(path)
    with pytest.raises(PayloadTooLarge) as caught:
        get(url, policy(max_bytes=10_000))
    assert caught.value.message == f"the page at {url} is over the limit of 10000 bytes"


def test_a_streamed_page_is_read_no_further_than_the_limit(site: Site) -> None:
    site.cut.clear()
    with pytest.raises(PayloadTooLarge):
        get(site.url("/big-stream"), policy(max_bytes=10_000))
    # The server was still writing its 20 MB when the client hung up.
    assert site.cut.wait(5)


@pytest.mark.parametrize("path", ["/slow", "/trickle"])
def test_a_slow_page_times_out_whole(path: str, site: Site) -> None:
    t0 = time.monotonic()
    assert failure(site.url(path), policy(timeout_s=0.5)).reason == "timed out after 0.5 s"
    assert time.monotonic() - t0 < 1.5


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/latin1.html", "<p>Café «déjà vu»</p>"),
        ("/meta.html", '<html><head><meta charset="windows-1252"></head><body>“Curly” café</body></html>'),
        ("/equiv.html", "Café</body></html>"),
        ("/undeclared.html", "caf\ufffd"),
    ],
)
def test_charsets(path: str, text: str, site: Site) -> None:
    assert get(site.url(path)).text.endswith(text)


def test_decode() -> None:
    assert decode("“x”".encode("cp1252"), "iso-8859-1", html=False) == "“x”"  # as the web reads latin-1
    assert decode(b"\xef\xbb\xbfcaf\xc3\xa9", "latin-1", html=True) == "café"  # the BOM wins
    assert decode("café".encode("utf-16"), None, html=True) == "café"
    assert decode(b"caf\xe9", "no-such-charset", html=False) == "caf\ufffd"
    assert decode(b'<meta charset="koi8-r">\xf0\xd2\xc9', None, html=False).endswith("\ufffd\ufffd\ufffd")
    assert decode(b'<meta charset="koi8-r">\xf0\xd2\xc9', None, html=True).endswith("При")


# --- https: the checked address, the link's host name -----------------------------------------


def _tls(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a self-signed certificate for `localhost` (no IP), and a client
    context that trusts it."""
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "cert.pem").write_bytes(pem)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    client = ssl.create_default_context(cadata=pem.decode())
    return server, client


def test_https_goes_to_the_checked_address_with_the_host_name_for_tls(
    tmp_path: Path, connections: list[Any]
) -> None:
    server_tls, client_tls = _tls(tmp_path)

    async def both(site: Site) -> tuple[Fetched, BaseException | Fetched]:
        limits = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(verify=client_tls, trust_env=False, limits=limits) as client:
            good = await fetch(site.url("/a.html", host="localhost", scheme="https"), p, client)
            try:
                bad: BaseException | Fetched = await fetch(site.url("/a.html", scheme="https"), p, client)
            except FetchFailed as exc:
                bad = exc
            return good, bad

    p = policy(allow=BOTH_LOOPBACKS)
    with serve({"/a.html": page(ARTICLE)}, tls=server_tls) as site:
        good, bad = asyncio.run(both(site))
    # The certificate names localhost only: verified against the link's host, not the IP dialled.
    assert good.text == ARTICLE.decode()
    assert site.seen[0] == ("/a.html", f"localhost:{site.port}")
    assert {a[0] for a in connections} <= {"127.0.0.1", "::1"}
    assert isinstance(bad, FetchFailed)
    assert bad.reason.startswith("the TLS handshake with 127.0.0.1 failed: ")
    assert "Traceback" not in bad.reason and "httpx" not in bad.reason


# --- many links -------------------------------------------------------------------------------


def test_fetch_all_gives_each_link_its_page_or_its_error(site: Site) -> None:
    urls = [site.url("/a.html"), site.url("/missing"), "http://10.0.0.1/", site.url("/big-length")]
    got = asyncio.run(fetch_all(urls, policy(max_bytes=10_000)))
    assert isinstance(got[0], Fetched) and got[0].url == urls[0]
    assert isinstance(got[1], FetchFailed) and got[1].url == urls[1]
    assert isinstance(got[2], FetchFailed) and "not a public address" in got[2].reason
    assert isinstance(got[3], PayloadTooLarge)
    assert asyncio.run(fetch_all([], policy())) == []


def test_fetch_failed_is_invalid_input_and_pickles() -> None:
    import pickle

    err = FetchFailed("http://x/", "the server answered 404 Not Found")
    assert isinstance(err, InvalidInput)
    assert err.message == "could not fetch http://x/: the server answered 404 Not Found"
    again = pickle.loads(pickle.dumps(err))
    assert (again.url, again.reason, again.message) == (err.url, err.reason, err.message)


# --- settings ---------------------------------------------------------------------------------


def test_the_services_policy_from_settings() -> None:
    s = Settings(fetch_allow=["10.1.0.0/16", "fd00::/8"], fetch_timeout_s=3, fetch_max_bytes=2_000)
    p = policy_from(s)
    assert p.guard and p.timeout_s == 3 and p.max_bytes == 2_000 and p.max_redirects == 5
    assert p.allow == (ipaddress.ip_network("10.1.0.0/16"), ipaddress.ip_network("fd00::/8"))
    assert policy_from(Settings()).allow == () and not Settings().fetch_urls


@pytest.mark.parametrize("bad", ["localhost", "10.0.0.1/8", "300.0.0.0/8"])
def test_the_allow_list_takes_networks_only(bad: str) -> None:
    with pytest.raises(ValidationError, match="is not a network"):
        Settings(fetch_allow=[bad])


def test_the_allow_list_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_FETCH_ALLOW", '["127.0.0.1/32"]')
    assert policy_from(Settings()).allow == LOOPBACK


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def news(ferry: list[dict[str, Any]]) -> Iterator[Site]:
    """The ferry articles as pages: /0.html (HTML), /1.txt, /2.txt (plain text); /moved to /0.html."""
    routes: dict[str, Route] = {
        "/0.html": page(f"<html><body><p>{ferry[0]['text']}</p></body></html>".encode()),
        "/moved": redirect("/0.html"),
        **{f"/{i}.txt": page(a["text"].encode(), "text/plain; charset=utf-8") for i, a in enumerate(ferry)},
    }
    with serve(routes) as s:
        yield s


def test_cli_summarizes_the_links_and_reports_the_one_that_failed(cli: Cli, news: Site) -> None:
    good, missing = news.url("/0.html"), news.url("/missing")
    got = cli("summarize", good, news.url("/1.txt"), missing)
    assert got.status == 0, got.err
    assert got.out.startswith("Summary\n")
    assert f"Articles: [1] {good}, [2] {news.url('/1.txt')}" in got.out
    assert got.err == (
        f"newsdigest: warning: fetch_failed: could not fetch {missing}: the server answered 404 Not Found"
        " (left out)\n"
    )


def test_cli_strict_ends_at_a_failed_link(cli: Cli, news: Site) -> None:
    got = cli("summarize", news.url("/0.html"), news.url("/missing"), "--strict")
    assert (got.status, got.out) == (3, "")
    missing = news.url("/missing")
    assert (
        got.err == f"newsdigest: fetch_failed: could not fetch {missing}: the server answered 404 Not Found\n"
    )


def test_cli_with_no_link_fetched_ends_with_the_first_ones_status(cli: Cli, news: Site) -> None:
    got = cli("summarize", news.url("/0.html"), news.url("/missing"), "--fetch-max-bytes", "100")
    assert (got.status, got.out) == (4, "")  # the first link's 413
    assert got.err.splitlines() == [
        f"newsdigest: payload_too_large: the page at {news.url('/0.html')} is over the limit of 100 bytes",
        f"newsdigest: fetch_failed: could not fetch {news.url('/missing')}: the server answered 404 Not"
        " Found",
    ]


def test_cli_mixes_files_stdin_and_links(
    cli: Cli, news: Site, ferry: list[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("one.txt").write_text(ferry[1]["text"], encoding="utf-8")
    got = cli("summarize", news.url("/moved"), "one.txt", "-", "--json", stdin=ferry[2]["text"].encode())
    assert got.status == 0, got.err
    ids = {s["article_id"] for f in got.json()["key_facts"] for s in f["sources"]}
    assert ids <= {news.url("/moved"), "one.txt", "stdin"} and len(ids) >= 2


def test_cli_fetch_flags(cli: Cli, news: Site) -> None:
    assert cli("summarize", news.url("/0.html"), "--fetch-timeout", "0").status == 2
    assert cli("summarize", news.url("/0.html"), "--fetch-max-bytes", "-1").status == 2
    assert cli("summarize", "--request", news.url("/0.html")).status == 2


def test_a_fetched_page_is_an_article_with_its_link_and_where_it_led(site: Site) -> None:
    link = site.url("/hop/1")
    page_ = get(link)
    inputs = gather([link], [], io.BytesIO(), pages={link: page_})
    assert inputs.body == {"articles": [{"text": "<p>arrived</p>", "id": link, "url": site.url("/hop/0")}]}
    assert inputs.files == [link]
