"""Does an honest grading keep its speed beside an attack on the machine's resources?

    .venv/bin/python benchmarks/neighbours.py [--repeats 5]

Grades mlp_intro's ``partly_wrong`` sample (built in ``dist/``) alone, ``--repeats`` times,
then the same number of times each beside one of the attacks of ``tests/cheat_attempts.py``
that go after the machine rather than the grader: sixty busy children in sessions of their
own, eight children over the memory limit, a disk and file flood. Two gradings run at
once, as ``autograder grade --jobs 2`` runs them. For each it prints the honest grading's
median time (as the engine reports it: its judge's whole life) and its score, and checks the target of
issue 16: beside any of them, the honest grading keeps its exact score and stays within
1.5x its time alone. The exit status is 1 if a target fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests")]

import cheat_attempts  # noqa: E402

from autograder.grade import Grader, Submission  # noqa: E402

TARGET_SLOWDOWN = 1.5
ATTACKS = (cheat_attempts.busy_children_in_sessions_of_their_own,
           cheat_attempts.children_each_taking_the_memory_limit,
           cheat_attempts.disk_and_files_filled)


def grade_pairs(grader: Grader, honest: Path, attack: Path | None, repeats: int, folder: Path):
    """The honest grading's seconds and scores over ``repeats`` runs, each beside ``attack``."""
    seconds, scores = [], set()
    for index in range(repeats):
        jobs = [(Submission(f"honest-{index}", honest), folder / f"honest-{index}" / "results.json")]
        if attack is not None:
            jobs.append((Submission(f"attack-{index}", attack), folder / f"attack-{index}" / "results.json"))
        graded = grader.grade(jobs)[f"honest-{index}"]
        seconds.append(graded.seconds)
        scores.add(graded.score)
    return statistics.median(seconds), scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    dist = ROOT / "dist" / "mlp_intro"
    honest = dist / "samples" / "partly_wrong.ipynb"
    if not honest.is_file():
        print("run `autograder build mlp_intro` first", file=sys.stderr)
        return 1
    sample = nbformat.read(honest, as_version=4)
    failed = False
    with tempfile.TemporaryDirectory(prefix="neighbours-") as scratch, \
            Grader(dist / "autograder.zip", jobs=2) as grader:
        scratch = Path(scratch)
        alone, alone_scores = grade_pairs(grader, honest, None, args.repeats, scratch / "alone")
        print(f"{'beside':45} {'median s':>9} {'x alone':>8}  score")
        print(f"{'nothing':45} {alone:9.2f} {1.0:8.2f}  {sorted(alone_scores)}")
        for attack in ATTACKS:
            folder = scratch / attack.__name__
            folder.mkdir()
            path = attack(sample, folder)
            beside, scores = grade_pairs(grader, honest, path, args.repeats, scratch / f"{attack.__name__}-runs")
            slowdown = beside / alone
            ok = slowdown <= TARGET_SLOWDOWN and scores == alone_scores
            failed |= not ok
            print(f"{attack.__name__:45} {beside:9.2f} {slowdown:8.2f}  {sorted(scores)}  "
                  f"{'PASS' if ok else 'FAIL'}")
    print(f"target: the honest grading keeps its score and stays within {TARGET_SLOWDOWN}x its time alone")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
