"""Figures normalised so like is compared with like."""

import pytest

from service.facts.figures import Figure, figures


def kinds(text: str) -> list[tuple[str, float]]:
    return [(f.kind, f.value) for f in figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("they freed 1,200 prisoners", [("prisoner", 1200.0)]),
        ("they freed 1200 prisoners", [("prisoner", 1200.0)]),
        ("150, 000 people fled", [("people", 150000.0)]),  # a wire's typesetting of 150,000
        ("1.2 million people fled", [("people", 1_200_000.0)]),
        ("twelve people died and twenty-one were hurt", [("people", 12.0), ("number", 21.0)]),
        ("a 200,000-rand fine", [("zar", 200_000.0)]),
        ("it cost $5 million", [("usd", 5_000_000.0)]),
        ("it cost 5 million dollars", [("usd", 5_000_000.0)]),
        ("a £1.2m grant", [("gbp", 1_200_000.0)]),
        ("up 4 percent, or 4.5%", [("percent", 4.0), ("percent", 4.5)]),
        ("1,200 Russian prisoners", [("prisoner", 1200.0)]),  # a nationality says nothing of the kind
        ("on Nov. 19, 1998", [("date", 1119.0), ("year", 1998.0)]),
        ("on 19 November", [("date", 1119.0)]),
        ("a 6-year-old boy", [("age", 6.0)]),
        ("won 64 of the 122 seats", [("number", 64.0), ("seat", 122.0)]),
    ],
)
def test_kinds_and_values(text: str, expected: list[tuple[str, float]]) -> None:
    assert kinds(text) == expected


def test_not_counts() -> None:
    assert figures("one of them came on the 19th at 10:30") == []


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("at least 300 deaths", "min"),
        ("more than 300 deaths", "min"),
        ("nearly 300 deaths", "max"),
        ("about 300 deaths", "about"),
        ("300 deaths", "exact"),
    ],
)
def test_hedges(text: str, bound: str) -> None:
    (f,) = figures(text)
    assert f.bound == bound


def fig(value: float, bound: str = "exact") -> Figure:
    return Figure("death", value, str(value), "deaths", bound)  # type: ignore[arg-type]


def test_compatible() -> None:
    assert fig(300, "min").compatible(fig(312))
    assert not fig(300, "min").compatible(fig(250))
    assert fig(300, "max").compatible(fig(280)) and not fig(300, "max").compatible(fig(320))
    assert fig(300, "about").compatible(fig(320)) and not fig(300, "about").compatible(fig(400))
    assert not fig(247).compatible(fig(248))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Twenty-one people died.", [("people", 21.0)]),
        ("Sixty-five workers were hurt.", [("worker", 65.0)]),
        ("TEN ships sank.", [("ship", 10.0)]),
        ("Someone often phoned.", []),  # "one", "ten" inside words: no figure
    ],
)
def test_number_words_are_found_without_digits(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(f.kind, f.value) for f in figures(text)] == expected


@pytest.mark.parametrize("text", ["SİX people died.", "ſix boats sank.", "The \u212aELVIN scale"])
def test_letters_that_only_case_fold_to_a_number_word_are_none(text: str) -> None:
    # `re.IGNORECASE` matches "SİX" and "ſix" to "six"; reading them as numbers crashed the request.
    assert figures(text) == []


def test_hedges_and_signs_that_only_case_fold_are_read_plainly() -> None:
    # "ſome" matches "some", "Uſ$" matches "US$" under re.IGNORECASE: both once raised KeyError.
    assert [(f.kind, f.value, f.bound) for f in figures("ſome 300 people came.")] == [
        ("people", 300.0, "exact")
    ]
    assert all(f.kind != "usd" for f in figures("It cost Uſ$5 million."))


@pytest.mark.parametrize(
    "text",
    [
        "It cost US$5 Million, Us$ 3 BN and uS$2m; FIVE Percent, Twenty-One PCT.",
        "THE TOLL ROSE TO 1,200 AND 150, 000 FLED; 4.5% OF 12 Per Cent.",
        "Nine-Year-Old boys, 6-year-old girls, 10:30 and 3/4 of One Hundred.",
    ],
)
def test_ascii_text_reads_as_written_whatever_its_case(text: str) -> None:
    # ASCII text is scanned lowered (`_LOWERED_NUMBER_RE`): the same figures as the
    # case-insensitive scan of non-ASCII text, shown as written.
    assert [(f.kind, f.value, f.shown, f.start) for f in figures(text)] == [
        (f.kind, f.value, f.shown, f.start) for f in figures(text + " é")
    ]
    assert [f.shown for f in figures("It cost US$5 Million.")] == ["US$5 Million"]
