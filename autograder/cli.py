"""The ``autograder`` command: a thin layer that turns arguments into library calls.

    autograder build [NAME...] [--check]
    autograder grade --assignment NAME --out DIR SUBMISSION...
    autograder reference [NAME...] [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder import build as build_stage
from autograder import catalog, report
from autograder.errors import ToolkitError
from autograder.grade import DEFAULT_TIMEOUT_SECONDS, grade_many, questions_in
from reference import ASSIGNMENT_MODULES
from reference import numbers as reference_numbers


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=None,
                        help="the project folder (default: the nearest one with assignments/)")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build student and grader versions")
    build.add_argument("names", nargs="*", metavar="NAME", help="assignments (default: all)")
    build.add_argument("--check", action="store_true",
                       help="write nothing; fail if student_release/ differs from a fresh build")

    grade = commands.add_parser("grade", help="grade submissions with a built autograder.zip")
    grade.add_argument("--assignment", required=True, metavar="NAME")
    grade.add_argument("--out", required=True, type=Path, metavar="DIR")
    grade.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS, metavar="SECONDS",
                       help="time limit for one submission (default: %(default)s)")
    grade.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION")

    reference = commands.add_parser("reference", help="regenerate the reference numbers")
    reference.add_argument("names", nargs="*", metavar="NAME", help="assignments (default: all)")
    reference.add_argument("--check", action="store_true",
                           help="write nothing; fail if a stored file differs from a fresh run")
    return parser


def _build(root: Path, args) -> int:
    for assignment in catalog.select(root, args.names):
        if args.check:
            build_stage.check(assignment)
            print(f"{assignment.name}: student_release is up to date")
        else:
            build_stage.build(assignment)
            print(f"{assignment.name}: built {assignment.student_dir.relative_to(root)} "
                  f"and {assignment.dist_dir.relative_to(root)}")
    return 0


def _grade(root: Path, args) -> int:
    (assignment,) = catalog.select(root, [args.assignment])
    missing = [str(path) for path in args.submissions if not path.is_file()]
    if missing:
        raise ToolkitError(f"no such submission: {', '.join(missing)}")
    graded = grade_many(assignment.autograder_zip, args.submissions, args.out, args.timeout)
    questions = questions_in(assignment.autograder_zip)
    report.write_grades_csv(graded, questions, args.out / "grades.csv")
    print(f"{assignment.name}: graded {len(graded)} submission(s) into {args.out}")
    print(report.table(graded, questions))
    return 0


def _reference(root: Path, args) -> int:
    names = args.names or sorted(ASSIGNMENT_MODULES)
    stale = []
    for name in names:
        if args.check:
            if reference_numbers.stale(name):
                stale.append(name)
        else:
            print(f"{name}: wrote {reference_numbers.write(name)}")
    if stale:
        raise ToolkitError(f"reference numbers differ from a fresh run: {', '.join(stale)}",
                           "run `autograder reference` and review the change")
    if args.check:
        print("reference numbers are up to date")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        root = args.root or catalog.project_root(Path.cwd())
        return {"build": _build, "grade": _grade, "reference": _reference}[args.command](root, args)
    except ToolkitError as error:
        print(f"autograder {args.command}: {error}", file=sys.stderr)
        return 1


def run() -> None:
    sys.exit(main())
