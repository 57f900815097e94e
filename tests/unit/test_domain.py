"""The domain's options are checked where they are made, not only at the HTTP edge."""

import pytest

from service.domain import MAX_MAX_WORDS, MAX_NUM_FACTS, MIN_MAX_WORDS, MIN_NUM_FACTS, Options
from service.errors import InvalidInput


@pytest.mark.parametrize(
    ("max_words", "num_facts"), [(MIN_MAX_WORDS, MIN_NUM_FACTS), (MAX_MAX_WORDS, MAX_NUM_FACTS), (100, 5)]
)
def test_options_within_bounds(max_words: int, num_facts: int) -> None:
    options = Options(max_words=max_words, num_facts=num_facts)
    assert (options.max_words, options.num_facts) == (max_words, num_facts)


@pytest.mark.parametrize(
    ("max_words", "num_facts", "message"),
    [
        (0, 5, "max_words must be between 10 and 1000, got 0"),
        (1, 5, "max_words must be between 10 and 1000, got 1"),
        (9, 5, "max_words must be between 10 and 1000, got 9"),
        (1_001, 5, "max_words must be between 10 and 1000, got 1001"),
        (100, -1, "num_facts must be between 0 and 50, got -1"),
        (100, 51, "num_facts must be between 0 and 50, got 51"),
        (True, 5, "max_words must be an integer, not bool"),
        (100, 5.0, "num_facts must be an integer, not float"),
        ("100", 5, "max_words must be an integer, not str"),
    ],
)
def test_options_out_of_bounds_are_invalid_input(max_words: object, num_facts: object, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Options(max_words=max_words, num_facts=num_facts)  # type: ignore[arg-type]
    assert caught.value.message == message
    assert isinstance(caught.value, ValueError) and caught.value.status == 422
