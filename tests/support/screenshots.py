"""Screenshots of the page for the README, from project-written articles (tests/data/quake.json).

    python -m tests.support.screenshots [--out docs/img]

Starts `python -m service` (embedded engine) on a free port, pastes the three articles, asks for a
summary, selects the first key fact, and saves the page at desktop width (whole page) and at phone
width (the key facts, with the selected one's sentence opened under it).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tests.support.articles import load_cluster
from tests.support.browser import chromium, fill_articles, unavailable
from tests.support.servers import launch

ROOT = Path(__file__).resolve().parents[2]
TITLES = {
    "harbour-wire": "Earthquake flattens homes in Verano",
    "coast-daily": "Rescuers pull survivors from school",
    "evening-post": "Quake toll rises to 63",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    reason = unavailable()
    if reason:
        parser.error(reason)
    args.out.mkdir(parents=True, exist_ok=True)
    articles = [{**a, "title": TITLES.get(a["id"], a["id"])} for a in load_cluster("quake")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    with launch([sys.executable, "-m", "service"], env, cwd=ROOT) as (url, _), chromium() as browser:
        for name, width, height in (("page-desktop", 1280, 900), ("page-phone", 390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            page.goto(f"{url}/")
            fill_articles(page, articles)
            page.get_by_label("Summary length (words)").fill("60")
            page.get_by_label("Number of key facts").fill("4")
            page.get_by_role("button", name="Summarize").click()
            page.locator("#facts > li").first.wait_for()
            page.locator(".fact-text").first.click()
            # Typing leaves each box scrolled to its end; a reader starts at the top.
            page.evaluate("document.querySelectorAll('textarea').forEach(t => { t.scrollTop = 0; })")
            path = args.out / f"{name}.png"
            if width < 600:
                page.evaluate("document.getElementById('facts-title').scrollIntoView()")
                page.screenshot(path=path)
            else:
                page.screenshot(path=path, full_page=True)
            page.close()
            sys.stdout.write(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
