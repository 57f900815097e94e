"""ROUGE-1.5.5 in Python: hand-checked units, and parity with runs of the official perl."""

from pathlib import Path

import pytest

from eval.rouge.perl155 import Rouge155
from eval.rouge.perl_options import Rouge155Options, RougeOptionError
from eval.rouge.perl_text import perl_split
from eval.rouge.porter import porter_stem
from tests.support.articles import SHARED
from tests.support.rouge_perl_io import options_from_command, read_config, read_input, read_scores


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("caresses", "caress"),
        ("ponies", "poni"),
        ("yelling", "yell"),
        ("hopping", "hop"),
        ("relational", "relat"),
        ("happy", "happi"),
        ("sky", "sky"),
        # The perl's 2004 change: after -ement fails, -ent is still tried (standard Porter: agreement).
        ("agreement", "agreem"),
    ],
)
def test_porter_as_the_perl(word: str, stem: str) -> None:
    assert porter_stem(word) == stem


def test_perl_split_keeps_a_leading_empty_field() -> None:
    assert perl_split(" a b ") == ["", "a", "b"]
    assert perl_split("a  b") == ["a", "b"]


def test_options_parse_the_perl_way() -> None:
    o = Rouge155Options.parse("-n 4 -m -a -l 100 -x")
    assert (o.max_n, o.stem, o.length_limit, o.rouge_l) == (4, True, 100, False)
    assert o.metric_names == ["ROUGE-1", "ROUGE-2", "ROUGE-3", "ROUGE-4"]
    o = Rouge155Options.parse("-n 2 -2 4 -u -w 1.2 -f B -p 0.3")
    assert o.metric_names == ["ROUGE-1", "ROUGE-2", "ROUGE-L", "ROUGE-W-1.2", "ROUGE-SU4"]
    assert Rouge155Options.parse("-2 -1 -U -x").metric_names == ["ROUGE-S*", "ROUGE-SU*"]
    for bad in ("-l 100 -b 665", "-f C", "-n", "-q", "-t 2", "-p 2"):
        with pytest.raises(RougeOptionError):
            Rouge155Options.parse(bad)


def test_hand_computed_scores() -> None:
    scorer = Rouge155(Rouge155Options.parse("-n 2"))
    # Tokens: peer "the cat sat on the mat", model "the cat was on the mat".
    s = scorer.score("The cat sat on the mat.", ["The cat was on the mat!"])
    assert s["ROUGE-1"] == {"R": 0.83333, "P": 0.83333, "F": 0.83333}  # 5 of 6 unigrams
    assert s["ROUGE-2"] == {"R": 0.6, "P": 0.6, "F": 0.6}  # the cat, on the, the mat: 3 of 5
    assert s["ROUGE-L"]["R"] == 0.83333  # LCS: the cat on the mat
    # -f A pools counts over references; -l cuts the peer's raw whitespace tokens.
    s = Rouge155(Rouge155Options.parse("-n 1 -x -l 3")).score("a b c d", ["a b", "c d"])
    assert s["ROUGE-1"] == {"R": 0.75, "P": 0.5, "F": 0.6}  # peer a b c: 3 hits of 4 ref tokens


def test_jackknife_averages_leave_one_out_scores() -> None:
    refs = ["the cat sat", "a dog ran", "the cat ran"]
    plain = Rouge155(Rouge155Options.parse("-n 1 -x"))
    jack = Rouge155(Rouge155Options.parse("-n 1 -x", jackknife=True))
    subsets = [[refs[1], refs[2]], [refs[0], refs[2]], [refs[0], refs[1]]]
    expected = sum(plain.score("the cat ran", s)["ROUGE-1"]["R"] for s in subsets) / 3
    assert jack.score("the cat ran", refs)["ROUGE-1"]["R"] == pytest.approx(expected)


RUNS = [
    ("perl155/summeval_1ref_nostem", None),
    ("perl155/summeval_1ref_stem", None),
    ("perl155/summeval_11ref_stem", None),
    ("perl155/duc2004_3ref_b665_stem", None),
    # NIST's own DUC 2006 run: 1,950 summaries, 4 references, jackknifed in its config.
    ("duc2006_official", "-n 4 -w 1.2 -m -2 4 -u -c 95 -r 1000 -f A -p 0.5 -t 0 -a -d"),
]


@pytest.mark.shared
@pytest.mark.parametrize(("run", "command"), RUNS, ids=[r for r, _ in RUNS])
@pytest.mark.slow
def test_parity_with_the_official_perl(run: str, command: str | None) -> None:
    folder = SHARED / "rouge" / run
    if not folder.is_dir():
        pytest.skip(f"perl reference outputs not found at {folder}")
    if command is None:
        command = (folder / "command.txt").read_text()
        config, output = folder / "config.xml", folder / "rouge155.out"
    else:
        config, output = folder / "ROUGE" / "rougejk.in", folder / "ROUGE" / "rougejk.m.out"
    evals = read_config(config)
    gold = read_scores(output, evals)
    scorer = Rouge155(Rouge155Options.parse(options_from_command(command)))
    worst, compared = 0.0, 0
    means: dict[str, list[float]] = {}
    for ev in evals:
        refs = [read_input(p, ev.format) for p in ev.models.values()]
        for peer, path in ev.peers.items():
            for metric, ours in scorer.score(read_input(path, ev.format), refs).items():
                theirs = gold.get((ev.id, peer, metric))
                if theirs is None:
                    continue
                compared += 1
                worst = max(worst, *(abs(ours[k] - v) for k, v in zip("RPF", theirs, strict=True)))
                acc = means.setdefault(metric, [0.0, 0.0])
                acc[0] += ours["R"]
                acc[1] += theirs[0]
    assert compared == len(gold) > 0
    assert worst <= 0.0005
    for ours_sum, theirs_sum in means.values():
        assert abs(ours_sum - theirs_sum) / (compared / len(means)) <= 0.0001


def test_reads_see_format(tmp_path: Path) -> None:
    see = tmp_path / "peer.html"
    see.write_text(
        '<html>\n<a name="1">[1]</a> <a href="#1" id=1>The first sentence.</a>\n'
        '<a name="2">[2]</a> <a href="#2" id=2>The second one.</a>\n</html>\n'
    )
    assert read_input(see, "SEE") == "The first sentence.\nThe second one."
