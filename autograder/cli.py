"""The ``autograder`` command: a thin layer that turns arguments into library calls.

    autograder build [NAME...] [--check]
    autograder grade --assignment NAME --out DIR [--jobs N] [--regrade] SUBMISSION...
    autograder reference [NAME...] [--check]
    autograder new NAME FUNCTION...

Global options (``--root``) go before or after the command, as in git.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder import catalog
from autograder.errors import NotBuilt, ToolkitError
from autograder.grading_runtime.settings import RuntimeSettings


INTERRUPTED = 130  # the exit status of a command ended by Ctrl-C, as shells report it


def _global_options(parser: argparse.ArgumentParser, default) -> argparse.ArgumentParser:
    parser.add_argument("--root", type=Path, default=default,
                        help="the project folder (default: the nearest one with assignments/)")
    return parser


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _global_options(argparse.ArgumentParser(prog="autograder", description=__doc__.split("\n")[0]),
                             None)
    # The same options after the command: absent there, they leave the value given before it.
    anywhere = [_global_options(argparse.ArgumentParser(add_help=False), argparse.SUPPRESS)]
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", parents=anywhere, help="build student and grader versions")
    build.add_argument("names", nargs="*", metavar="NAME", help="assignments (default: all)")
    build.add_argument("--check", action="store_true",
                       help="write nothing; fail if student_release/ differs from a fresh build")

    grade = commands.add_parser("grade", parents=anywhere, help="grade submissions with a built autograder.zip")
    grade.add_argument("--assignment", required=True, metavar="NAME")
    grade.add_argument("--out", required=True, type=Path, metavar="DIR")
    grade.add_argument("--jobs", type=_at_least_one, default=os.cpu_count() or 1,
                       help="submissions graded at once (default: the core count, %(default)s)")
    grade.add_argument("--regrade", action="store_true",
                       help="grade again the submissions already graded, unchanged, in DIR")
    limits = RuntimeSettings.describe()
    grade.add_argument("--timeout", type=float, metavar="SECONDS",
                       help=f"{limits['total_timeout_seconds']} (default: the zip's)")
    grade.add_argument("--cell-timeout", type=float, metavar="SECONDS",
                       help=f"{limits['cell_timeout_seconds']} (default: the zip's)")
    grade.add_argument("--memory-mb", type=int, metavar="MB",
                       help=f"{limits['memory_limit_mb']} (default: the zip's)")
    grade.add_argument("--trust-submissions", action="store_true",
                       help=limits["trust_submissions"])
    grade.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                       help="notebooks, zips, folders of them, or Gradescope's export (zipped or not)")

    reference = commands.add_parser("reference", parents=anywhere, help="regenerate the reference numbers")
    reference.add_argument("names", nargs="*", metavar="NAME", help="assignments (default: all)")
    reference.add_argument("--check", action="store_true",
                           help="write nothing; fail if a stored file differs from a fresh run")

    new = commands.add_parser("new", parents=anywhere,
                              help="start an assignment that builds and grades at once, to fill in")
    new.add_argument("name", metavar="NAME", help="the assignment (a Python identifier)")
    new.add_argument("functions", nargs="+", metavar="FUNCTION", help="the functions students write")
    return parser


# Each command imports what it needs when it runs: `grade` should not pay for otter and
# nbformat (the build's), nor the build for the grading engine.


def _build(root: Path, args) -> int:
    from autograder import build as build_stage

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
    from autograder import intake, report
    from autograder.grade import Grader, Interrupted, questions_in, zip_settings

    (assignment,) = catalog.select(root, [args.assignment])
    if not assignment.autograder_zip.is_file():
        raise NotBuilt(f"{assignment.autograder_zip} does not exist", "run `autograder build` first")
    overrides = {key: value for key, value in {
        "total_timeout_seconds": args.timeout, "cell_timeout_seconds": args.cell_timeout,
        "memory_limit_mb": args.memory_mb, "trust_submissions": args.trust_submissions or None,
    }.items() if value is not None}
    settings = zip_settings(assignment.autograder_zip).replace(**overrides) if overrides else None
    questions = questions_in(assignment.autograder_zip)
    with intake.gather(args.submissions, args.out) as found:
        for problem in found.problems:  # said now and at the end; grading goes on
            print(f"autograder grade: {problem}", file=sys.stderr)
        # the engine that grades says first what sandbox it gives student code on this machine
        with Grader(assignment.autograder_zip, args.jobs, trusted=args.trust_submissions) as grader:
            _say_sandbox(grader.isolation)
            report.prepare()
            try:
                graded = _grade_all(grader, assignment, found.submissions, args, settings)
            except Interrupted as stopped:
                report.write_grades_csv(stopped.graded, questions, args.out / "grades.csv", stopped.pending)
                print(f"autograder grade: interrupted; {len(stopped.graded)} of {len(found.submissions)} "
                      f"submission(s) graded and kept in {args.out} (grades.csv lists the other "
                      f"{len(stopped.pending)} as interrupted); run the same command again to finish",
                      file=sys.stderr)
                return INTERRUPTED
    report.write_grades_csv(graded, questions, args.out / "grades.csv")
    summary = report.write_summary(graded, questions, args.out, assignment.name)
    print(f"{assignment.name}: {len(graded)} submission(s) in {args.out} "
          f"(grades.csv, {summary.name} and report.html, one folder of feedback each)")
    print(report.table(graded, questions))
    moved = report.changes(graded)
    if moved:
        print("Scores changed since the last grading in this folder:")
        print("\n".join(f"  {line}" for line in moved))
    for problem in found.problems:
        print(f"autograder grade: {problem}", file=sys.stderr)
    return 1 if found.problems else 0


def _say_sandbox(isolation) -> None:
    """The sandbox line, and a warning per missing layer; a refusal stops everything here,
    before anything is graded, in the words every grading would give."""
    if isolation.refused:
        raise ToolkitError(isolation.refused)
    print(f"Sandbox for student code: {isolation.line()}", file=sys.stderr)
    for name in isolation.missing():
        print(f"autograder grade: WARNING: student code runs without {name.replace('_', ' ')}: "
              f"{getattr(isolation, name).detail}", file=sys.stderr)


def _grade_all(grader, assignment, submissions, args, settings):
    """Every submission graded by ``grader``, under a progress bar."""
    from tqdm import tqdm

    from autograder.grade import grade_many

    with tqdm(total=len(submissions), unit="submission", file=sys.stderr, disable=not submissions) as bar:
        def progress(outcome):
            bar.set_postfix_str(outcome.label[:40], refresh=False)
            bar.update()

        return grade_many(assignment.autograder_zip, submissions, args.out, settings=settings,
                          jobs=args.jobs, regrade=args.regrade, progress=progress, grader=grader)


def _reference(root: Path, args) -> int:
    from reference import numbers as reference_numbers

    names = [a.name for a in catalog.select(root, args.names)] if args.names else \
        reference_numbers.known_assignments()
    stale = []
    for name in names:
        if args.check:
            found = reference_numbers.drift(name)
            print(found.describe())
            if found.stale:
                stale.append(name)
        else:
            found = reference_numbers.write(name)
            path = reference_numbers.path_for(name)
            if found.stale:
                print(found.describe())
                print(f"{name}: wrote {path}")
            else:
                print(f"{name}: {path} kept; the fresh numbers agree with it "
                      f"(largest float difference {found.largest:.3g})")
    if stale:
        raise ToolkitError(f"reference numbers differ from a fresh run: {', '.join(stale)}",
                           "run `autograder reference` and review the change")
    if args.check:
        print("reference numbers are up to date")
    return 0


def _new(root: Path, args) -> int:
    from autograder import scaffold

    made = scaffold.create(root, args.name, args.functions)
    print("\n".join(f"wrote {path}" for path in made.files))
    print(f"wrote reference/numbers/{made.name}.json (`autograder reference {made.name}`)")
    print(f"next: `autograder build {made.name}`, then `pytest -q -k {made.name} tests/`; replace the "
          "stub formulas (twice the input) in the master, the reference, the samples and the corpus")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        root = args.root or catalog.project_root(Path.cwd())
        commands = {"build": _build, "grade": _grade, "reference": _reference, "new": _new}
        return commands[args.command](root, args)
    except ToolkitError as error:
        print(f"autograder {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"autograder {args.command}: interrupted", file=sys.stderr)
        return INTERRUPTED


def run() -> None:
    sys.exit(main())
