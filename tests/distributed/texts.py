"""Project-written article clusters for the Ray tests, any number of them, no two alike.

Each cluster reports one made-up event (a flood, a strike, a bridge closure...) in a few articles
of templated sentences whose names and figures vary with the cluster's number, so the engine does
the work of a fresh cluster every time (it remembers recent sentences, which would flatter a
repeat).
"""

from __future__ import annotations

from typing import Any

EVENTS = ("flood", "ferry strike", "bridge closure", "power cut", "wildfire", "rail strike")
TOWNS = ("Port Alder", "Kessel", "Marrow Bay", "Dunholt", "Elsby", "Carrow", "Wickham Vale")
PEOPLE = ("Marta Okafor", "Tomas Lindqvist", "Ines Haddad", "Pavel Ruzicka", "Nora Whitlock")
SENTENCES = (
    "The {event} in {town} entered its {day} day on {weekday}, officials said.",
    "About {n1} residents were affected, according to the {town} council.",
    "{person} said {n2} workers had been sent to the area overnight.",
    '"We expect the situation to improve by {weekday}," {person} told reporters.',
    "Repairs are expected to cost {n3} million, the regional office said.",
    "Schools in {town} stayed closed and {n4} families moved to shelters.",
    "The last comparable {event} in the region, in {year}, lasted {n5} days.",
    "Local shops reported that deliveries arrived {n5} hours late on {weekday}.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def article(cluster: int, k: int, sentences: int = len(SENTENCES)) -> str:
    """Article `k` of cluster `cluster`: `sentences` sentences (the templates, cycled)."""
    values = {
        "event": EVENTS[cluster % len(EVENTS)],
        "town": TOWNS[(cluster + k) % len(TOWNS)],
        "person": PEOPLE[(cluster * 3 + k) % len(PEOPLE)],
        "weekday": WEEKDAYS[(cluster + k) % len(WEEKDAYS)],
        "day": ("second", "third", "fourth")[k % 3],
        "year": 1990 + cluster % 30,
    }
    out = []
    for i in range(sentences):
        numbers = {f"n{j}": 7 + (cluster * 131 + k * 17 + i * 29 + j * 11) % 9000 for j in range(1, 6)}
        out.append(SENTENCES[i % len(SENTENCES)].format(**values, **numbers))
    return " ".join(out)


def cluster_articles(
    cluster: int, articles: int = 3, sentences: int = len(SENTENCES)
) -> list[dict[str, Any]]:
    """The API's `articles` for cluster number `cluster`."""
    return [
        {
            "id": f"c{cluster}-a{k}",
            "title": f"{EVENTS[cluster % len(EVENTS)].title()} report {k}",
            "text": article(cluster, k, sentences),
        }
        for k in range(articles)
    ]
