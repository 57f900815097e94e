"""Server time of the worst requests the default limits admit, one shape at a time.

    python -m benchmarks.worst_case [--repeat 2] [--shapes tiny-figures duplicates ...]

Each shape is generated (seeded, project-written words only) to fill the default limits as an
attacker would: every article at `SUMMARIZER_MAX_ARTICLE_CHARS`, the request at
`SUMMARIZER_MAX_TOTAL_CHARS`, as many articles as `SUMMARIZER_MAX_ARTICLES` allows. Each is posted
to the default app in-process (the real routes, runner and embedded engine) `--repeat` times; the
benchmark prints the server's own total time (`timings_ms.total`, the worst of the repeats) and
the status of every shape, and exits 1 if any request was not answered within the limit
(`--limit-s`, default 5 s; `--page-limit-s`, default 20 s, for the page shapes, whose reading
the element limits bound) with 200, or, for a shape over a limit by design, with 413.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from service.api.app import create_app
from service.settings import Settings

WORDS = (
    "council ferry union strike harbour island mayor minister talks offer workers company port "
    "crossing schools airport shares analysts statement officials police rescue storm river bridge "
    "budget election court report agency government villages border fire water"
).split()
NAMES = "Okafor Lindqvist Arends Alder Kessel Northline Brightwater Ortiz Marta Tomas".split()


def _sentence(rng: random.Random, words: int, figures: int) -> str:
    parts = [rng.choice(NAMES)] + [rng.choice(WORDS) for _ in range(words - 1)]
    for _ in range(figures):
        parts.insert(rng.randrange(1, len(parts) + 1), f"{rng.randint(2, 99_999):,}")
    return " ".join(parts) + "."


def _fill(make: Callable[[], str], chars: int, sep: str = " ") -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        piece = make()
        out.append(piece)
        size += len(piece) + len(sep)
    return sep.join(out)[:chars]


def shapes(settings: Settings, seed: int) -> dict[str, list[str]]:
    """Shape name -> article texts, each within the settings' limits."""
    rng = random.Random(seed)
    per = settings.max_article_chars
    total = settings.max_total_chars
    n_full = max(1, min(settings.max_articles, total // per))  # articles at the size limit
    n_all = settings.max_articles
    share = total // n_all  # every article, evenly
    return {
        # Many tiny sentences full of figures: the most sentences and figures per character.
        "tiny-figures": [
            _fill(lambda: f"Toll {rng.randint(2, 999)} at {rng.randint(2, 99)}.", per) for _ in range(n_full)
        ],
        # Usable sentences (6-20 words), each with several figures: every one a fact candidate.
        "figure-dense": [_fill(lambda: _sentence(rng, rng.randint(6, 20), 3), per) for _ in range(n_full)],
        # Plain sentences of news words, the most articles the limits allow.
        "all-articles": [_fill(lambda: _sentence(rng, rng.randint(8, 30), 1), share) for _ in range(n_all)],
        # One sentence per article, as long as the article.
        "one-sentence": [_fill(lambda: rng.choice(WORDS), per - 1) + "." for _ in range(n_full)],
        # The same article again and again.
        "duplicates": [_fill(lambda: _sentence(rng, 12, 1), share)] * n_all,
        # Markup nested as deep as the characters allow, text at the bottom.
        "deep-markup": [
            ("<div>" * (per // 12))[: per // 2]
            + _fill(lambda: _sentence(rng, 12, 1), per // 4)
            + "</div>" * (per // 24)
            for _ in range(n_full)
        ],
        # Markup around every sentence: tags, attributes and entities everywhere.
        "dense-markup": [
            _fill(
                lambda: f'<p class="x" data-n="{rng.randint(0, 9)}">{_sentence(rng, 10, 1)} &amp; more</p>',
                per,
                "",
            )
            for _ in range(n_full)
        ],
    }


def _page(body: str) -> str:
    return f"<!doctype html><html><head><title>Worst case</title></head><body>{body}</body></html>"


def page_shapes(settings: Settings, seed: int) -> dict[str, list[str]]:
    """Whole pages for the extractor, at its limits: as many elements as a page may have, in as
    many pages as the request's element budget allows (the body's byte limit permitting)."""
    rng = random.Random(seed)
    per = settings.max_page_elements - 10  # the page's own html/head/title/body
    n = max(1, min(settings.max_articles, settings.max_request_elements // settings.max_page_elements))
    return {
        # Distinct paragraphs of an article, the extractor's costliest shape measured.
        "page-paragraphs": [
            _page("<article>" + "".join(f"<p>{_sentence(rng, 12, 1)}</p>" for _ in range(per)) + "</article>")
            for _ in range(n)
        ],
        # A page of links, all furniture.
        "page-links": [_page(f'<a href="/{rng.randint(0, 9)}">Link text here</a> ' * per) for _ in range(n)],
        # Many tables of short cells.
        "page-tables": [
            _page("<table>" + "<tr><td>cell one</td><td>cell two value</td></tr>" * (per // 3) + "</table>")
            for _ in range(n)
        ],
        # The most bytes a page may have, nearly all of it script and style around a short article.
        "page-scripts": [
            _page(
                "<script>"
                + "var x = 1;" * (settings.max_page_bytes // 25)
                + "</script><style>"
                + "p{margin:0}" * (settings.max_page_bytes // 30)
                + "</style><article>"
                + "".join(f"<p>{_sentence(rng, 14, 1)}</p>" for _ in range(40))
                + "</article>"
            )
        ],
        # The most bytes a page may have, in one paragraph of news words.
        "page-bytes": [
            _page("<p>" + _fill(lambda: _sentence(rng, 12, 1), settings.max_page_bytes - 200) + "</p>")
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worst_case", description=__doc__)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit-s", type=float, default=5.0)
    parser.add_argument("--page-limit-s", type=float, default=20.0)
    parser.add_argument("--shapes", nargs="*", help="run only these shapes")
    args = parser.parse_args(argv)
    settings = Settings()
    pages = page_shapes(settings, args.seed)
    cases = shapes(settings, args.seed) | pages
    if args.shapes:
        cases = {k: v for k, v in cases.items() if k in args.shapes}
    sys.stdout.write(
        f"limits: {settings.max_articles} articles, {settings.max_article_chars:,} characters each, "
        f"{settings.max_total_chars:,} in all\n"
        f"pages: {settings.max_page_elements:,} HTML elements each, "
        f"{settings.max_request_elements:,} a request, {settings.max_page_bytes:,} bytes each\n"
        f"{'shape':15s} {'articles':>8s} {'chars':>10s} {'status':>6s} {'server s':>9s} {'wall s':>7s}\n"
    )
    ok = True
    with TestClient(create_app(settings)) as client:
        while client.get("/readyz").status_code != 200:
            time.sleep(0.01)
        for name, texts in cases.items():
            body = {"articles": [{"text": t} for t in texts]}
            worst_server, worst_wall, status = 0.0, 0.0, 0
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                r = client.post("/v1/summarize", json=body)
                wall = time.perf_counter() - t0
                status = r.status_code
                server = r.json()["timings_ms"]["total"] / 1e3 if status == 200 else wall
                worst_server, worst_wall = max(worst_server, server), max(worst_wall, wall)
            # A page shape may be over the article limit once read (413), or hold no article (422):
            # what it cost to find out counts.
            fine = {200, 413, 422} if name in pages else {200}
            ok &= status in fine and worst_server <= (args.page_limit_s if name in pages else args.limit_s)
            chars = sum(map(len, texts))
            sys.stdout.write(
                f"{name:15s} {len(texts):8d} {chars:10,d} {status:6d} {worst_server:9.2f} {worst_wall:7.2f}\n"
            )
    sys.stdout.write("all within the limits\n" if ok else "OVER a limit, or not answered as expected\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
