"""How well the feedback names the mistakes of the corpus's wrong and partial variants.

    .venv/bin/python benchmarks/feedback_quality.py [ASSIGNMENT ...]

Builds each assignment into a scratch project, runs every wrong and partial variant of
``tests/corpus/<assignment>/`` through its question's shipped tests (the engine's proxies
and test runner, objects in this process, as ``tests/test_corpus.py`` does) and counts, per
assignment, the variants whose feedback

* names their own mistake (``named``),
* names no mistake, saying only what is off (``generic``),
* names a mistake they do not make (``false``; only where the corpus file declares
  ``EXPECTED_KEYS``, the key of each variant's mistake; without it any named key counts).

Prints a table and the generic and false variants with their messages.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests")]

import corpus  # noqa: E402
import nbformat  # noqa: E402
from scratch_project import copy_project  # noqa: E402

from autograder import build as build_stage  # noqa: E402
from autograder.catalog import Assignment  # noqa: E402


def measure(assignment: str, scratch: Path) -> tuple[dict[str, int], list[str]]:
    project = copy_project(scratch / assignment, [assignment])
    built = Assignment(assignment, project)
    build_stage.build(built)
    student = nbformat.read(built.student_dir / f"{assignment}.ipynb", as_version=4)
    complete = (ROOT / "assignments" / assignment / "samples" / "complete.py").read_text(encoding="utf-8")
    notebook = corpus.notebook_namespace(student, complete)
    questions = corpus.questions_in_zip(built.autograder_zip)
    owners = corpus.owners(questions)
    counts = {"named": 0, "generic": 0, "false": 0}
    shown = []
    for graded_name in corpus.graded_names(assignment):
        for variant in corpus.load(assignment, graded_name, notebook):
            if variant.kind == "correct":
                continue
            environment = {**notebook, graded_name: variant.implementation}
            failed = corpus.failures(corpus.run_question(owners[graded_name], environment))
            verdict = corpus.diagnosis_verdict(variant, failed)
            counts[verdict] += 1
            if verdict != "named":
                first = failed[0].message if failed else "(passed every case)"
                shown.append(f"  {verdict:7} {variant.id}: {first[:160]}")
    return counts, shown


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("assignments", nargs="*", default=corpus.assignments())
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="feedback-quality-") as scratch:
        for assignment in args.assignments:
            counts, shown = measure(assignment, Path(scratch))
            total = sum(counts.values())
            rows.append((assignment, counts, total))
            print(f"{assignment}:")
            print("\n".join(shown) or "  every variant's mistake is named")
    print(f"\n{'assignment':20} {'named':>7} {'generic':>8} {'false':>6} {'total':>6}")
    for assignment, counts, total in rows:
        print(f"{assignment:20} {counts['named']:7} {counts['generic']:8} {counts['false']:6} {total:6}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
