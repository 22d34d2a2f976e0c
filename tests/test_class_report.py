"""Does a class's grading tell the instructor what the class got wrong, and who is who?

Gradescope's "Export Submissions" of 33 mlp_intro submissions with a known mix of mistakes
(built from the samples and the corpus), a group submission and three broken uploads, zipped
as downloaded, is graded once with the command line; the gradebook, the mistake counts, the
pass rates, the flags and the report are checked against the mix, and the report is opened
in a real browser.
"""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

import browser as browser_module
import corpus
from autograder import analysis, answers, cli, reproducible
from autograder.grading_runtime import results as gradescope

ASSIGNMENT = "mlp_intro"
# The class: how many submissions of each kind; each kind is the complete sample with the
# named corpus variants in place (None: the sample of that name, as built).
MIX = {
    "complete": (8, []),
    "sum_not_mean": (6, ["cross_entropy_loss-wrong_sum_not_mean"]),
    "wrong_sign": (4, ["cross_entropy_loss-wrong_sign"]),
    "last_part_as_test": (5, ["shuffle_and_split_data-wrong_training_set_keeps_test_samples"]),
    "activation_after_output": (3, ["Net-wrong_activation_after_output"]),
    "blank": (4, None),
}
# and uploads that are no notebook at all: what each holds, and what its row must say
BROKEN = {
    "text_file": ({"answers.txt": b"I could not get Jupyter to start."}, "No notebook"),
    "empty_upload": ({f"{ASSIGNMENT}.ipynb": b""}, "The upload is empty"),
    "nothing": ({}, "it holds: nothing"),
}
GROUP = ("Grace Hopper", "1906", "grace@example.edu")  # the second member of one group submission
TOP = "assignment_4821_export/"  # the folder Gradescope's zip holds everything in


def _people(index: int) -> list[tuple[str, str, str]]:
    people = [(f"Student {index:02d}", f"{1000 + index}", f"student{index:02d}@example.edu")]
    return people + [GROUP] if index == 3 else people


def _metadata(folders: list[str]) -> str:
    lines = []
    for index, folder in enumerate(folders):
        lines += [f"{folder}:", "  :submitters:"]
        for name, sid, email in _people(index):
            lines += [f"  - :name: {name}", f"    :sid: '{sid}'", f"    :email: {email}"]
        lines += ["  :created_at: 2026-11-30 10:00:00.000000000 +00:00", "  :score: 0.0"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def export(built_project, tmp_path_factory):
    """The export as downloaded (a zip), its submissions' kinds by folder name, and the project's root."""
    assignment = built_project[ASSIGNMENT]
    folder = tmp_path_factory.mktemp("export")
    student = nbformat.read(assignment.student_dir / f"{ASSIGNMENT}.ipynb", as_version=4)
    complete = answers.definitions((assignment.samples_dir / "complete.py").read_text())
    variants = {v.id: v for name in corpus.graded_names(ASSIGNMENT) for v in corpus.load(ASSIGNMENT, name)}
    kinds, index = {}, 0
    for kind, (count, chosen) in MIX.items():
        for _ in range(count):
            name = f"submission_{7000 + index}"
            (folder / name).mkdir()
            if chosen is None:
                notebook = nbformat.read(assignment.built_samples_dir / f"{kind}.ipynb", as_version=4)
            else:
                notebook = answers.fill(student, {**complete, **{variants[i].graded_name: variants[i].as_answer()
                                                                  for i in chosen}})
            nbformat.write(notebook, folder / name / f"{ASSIGNMENT}.ipynb")
            kinds[name], index = kind, index + 1
    for kind, (files, _) in BROKEN.items():
        name = f"submission_{7000 + index}"
        (folder / name).mkdir()
        for file, data in files.items():
            (folder / name / file).write_bytes(data)
        kinds[name], index = kind, index + 1
    (folder / "submission_metadata.yml").write_text(_metadata(list(kinds)))
    archive = tmp_path_factory.mktemp("downloads") / "assignment_4821_export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            out.write(path, f"{TOP}{relative}/" if path.is_dir() else f"{TOP}{relative}")
    return archive, kinds, assignment.root


@pytest.fixture(scope="module")
def graded_class(export, tmp_path_factory):
    archive, kinds, root = export
    out = tmp_path_factory.mktemp("class")
    code = cli.main(["--root", str(root), "grade", "--assignment", ASSIGNMENT, "--out", str(out), str(archive)])
    gradings = {name: gradescope.read(out / name / "results.json") for name in kinds}
    return code, out, gradings


def test_the_mix_is_thirty_or_more_submissions(export):
    _, kinds, _ = export
    assert len(kinds) == sum(count for count, _ in MIX.values()) + len(BROKEN) >= 30


def test_every_submission_of_the_zip_is_graded_or_says_why(graded_class, export):
    code, out, gradings = graded_class
    _, kinds, _ = export
    assert code == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(kinds), "one folder per submission"
    for name, grading in gradings.items():
        expected = gradescope.NOT_GRADED if kinds[name] in BROKEN else gradescope.GRADED
        assert grading.status == expected, (name, grading.message)
        if kinds[name] in BROKEN:
            assert BROKEN[kinds[name]][1] in grading.message


def test_the_gradebook_has_one_row_per_student_with_names_first(graded_class, export):
    _, out, gradings = graded_class
    _, kinds, _ = export
    rows = list(csv.DictReader((out / "grades.csv").read_text().splitlines()))
    assert list(rows[0])[:5] == ["name", "sid", "email", "submission", "status"]
    assert list(rows[0])[-3:] == ["total", "max", "message"]
    assert len(rows) == len(kinds) + 1, "the group submission gives its second member a row too"
    names = list(kinds)
    by_student = {row["sid"]: row for row in rows}
    for index, name in enumerate(names):
        for person, sid, email in _people(index):
            row = by_student[sid]
            assert (row["name"], row["email"], row["submission"]) == (person, email, name)
            assert float(row["total"]) == pytest.approx(gradings[name].score)
            assert row["status"] == gradings[name].status
    assert by_student[GROUP[1]]["total"] == by_student["1003"]["total"]
    for kind, (_, says) in BROKEN.items():
        row = by_student[str(1000 + names.index(next(n for n in names if kinds[n] == kind)))]
        assert row["status"] == "not graded" and says in row["message"]


def _statistics(gradings):
    return analysis.analyse(list(gradings.values()))


def test_pass_rates_and_mistake_counts_match_the_mix(graded_class, export):
    _, _, gradings = graded_class
    found = _statistics(gradings)
    graded = sum(count for count, _ in MIX.values())
    assert (found.submissions, found.not_graded) == (graded, len(BROKEN))
    tests = {(t.question, t.test): t for t in found.tests}
    loss = tests[("q3_cross_entropy", "test_matches_reference_on_new_batches")]
    assert loss.passed == graded - 6 - 4 - 4  # neither loss mistake nor blank
    both_loss_mistakes = [("sum_instead_of_mean", 6), ("loss_has_the_wrong_sign", 4)]
    assert [(m.key, m.students) for m in loss.mistakes] == both_loss_mistakes
    assert [(m.key, m.students) for m in loss.not_answered] == [("not_finished", 4)]
    assert loss.undiagnosed == 0
    assert "sum over the batch, not the mean" in loss.mistakes[0].example
    assert not re.search(r"submission_\d+|Student \d+", loss.mistakes[0].example), "examples are anonymous"
    split = tests[("q4_shuffle_split", "test_properties_on_new_data")]
    assert split.passed == graded - 5 - 4
    assert [(m.key, m.students) for m in split.mistakes] == [("training_set_holds_the_test_samples", 5)]
    forward = tests[("q2_net", "test_outputs_with_reference_weights")]
    assert [(m.key, m.students) for m in forward.mistakes] == [("activation_after_the_output_layer", 3)]
    names = tests[("q2_net", "test_layers_of_new_networks")]
    assert names.passed == graded - 4, "an activation after the output layer still names its layers"
    questions = {q.question: q for q in found.questions}
    question = questions["q3_cross_entropy"]
    assert question.pass_rate == pytest.approx((graded - 14) / graded)
    assert question.mean_score == pytest.approx(3 * (graded - 14) / graded)
    assert [(m.key, m.students) for m in question.mistakes] == both_loss_mistakes, "each student once"
    for name, question in questions.items():
        assert [(m.key, m.students) for m in question.not_answered] == [("not_finished", 4)], (
            f"{name}: the blank notebooks count once per question, apart from the mistakes")
    assert questions["q2_net"].lost_points == 3 + 4


def test_no_item_of_a_class_whose_tests_all_separate_is_flagged(graded_class):
    _, _, gradings = graded_class
    found = _statistics(gradings)
    assert found.judged > 0
    for item in found.tests + found.questions:
        assert item.discrimination is None or -1.0 <= item.discrimination <= 1.0
        assert item.flags == [], (item.question, item.test, item.flags)
    assert all(t.discrimination is not None and t.discrimination > 0 for t in found.tests), (
        "the blank notebooks fail everything: every test goes with the other questions")


def test_the_report_opens_with_what_to_reteach_and_names_students_only_in_their_rows(graded_class):
    _, out, _ = graded_class
    markdown = (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    reteach = markdown.split("## What to reteach")[1].split("## Item analysis")[0]
    assert markdown.index("## What to reteach") < markdown.index("## Item analysis")
    assert "**sum instead of mean**: 6 students (19%)" in reteach
    assert reteach.index("sum instead of mean") < reteach.index("loss has the wrong sign")
    q2 = reteach.split("### q2_net")[1].split("###")[0]
    assert q2.count("not finished") == 1 and "Not answered: not finished, 4 students." in q2
    assert html.index('id="reteach"') < html.index('id="students"') < html.index('id="items"')
    assert "(34 students, 1 group submission)" in html
    for image in analysis_plots():
        assert (out / f"{image}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"{image}.png" in markdown
    sources = re.findall(r'src="([^"]*)"', html)
    assert len(sources) == 3 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r"<link|<script src|@import|url\(", html), "styles and script are inline"
    assert "http" not in html.replace("http://www.w3.org", ""), "the report needs no network"
    examples = re.findall(r'class="example">(.*?)</', html, re.S)
    assert examples and not re.search(r"Student \d+|student\d+@|Grace", " ".join(examples)), "examples are anonymous"
    assert not re.search(r"student\d+@", markdown + html), "no e-mail address is shown"
    assert "Student 30 (submission_7030): No notebook" in markdown, "a submission not graded is named"


def analysis_plots():
    from autograder import report

    return report.PLOTS


def test_the_report_works_in_a_browser_offline(graded_class, browser, browser_artefacts):
    """Plots render, the student table sorts and filters, every link reaches a feedback file,
    and nothing is fetched from outside the machine; the first screen is kept as a screenshot."""
    _, out, gradings = graded_class
    found = browser_module.offline_page(browser, width=1280, height=800)
    page = found.page
    page.goto((out / "report.html").as_uri())
    images = page.eval_on_selector_all("img", "all => all.map(i => [i.alt, i.complete, i.naturalWidth])")
    assert len(images) == 3 and all(complete and width > 300 for _, complete, width in images), images
    page.screenshot(path=str(browser_artefacts / "class-report-first-screen.png"))
    assert page.locator("h2").first.text_content() == "What to reteach"

    rows = page.locator("#student-table tbody tr")
    assert rows.count() == len(gradings) + 1, "one row per student: the group has two"

    def column(index):
        return page.eval_on_selector_all(
            "#student-table tbody tr:not([hidden])", f"rows => rows.map(r => r.cells[{index}].textContent.trim())")

    headers = page.eval_on_selector_all("#student-table thead th", "all => all.map(h => h.textContent.trim())")
    total = headers.index("total")
    page.click("#student-table thead th >> text=total")
    ascending = [float(value) for value in column(total)]
    assert ascending == sorted(ascending) and ascending[0] < ascending[-1]
    page.click("#student-table thead th >> text=total")
    assert [float(value) for value in column(total)] == sorted(ascending, reverse=True)
    page.click("#student-table thead th >> text=student")
    names = column(0)
    assert names == sorted(names, key=str.lower)

    page.fill("#student-search", "grace")
    assert len(column(0)) == 2, "the group's two members: Grace Hopper, and Student 03 'group with Grace Hopper'"
    assert any("group with Grace Hopper" in name for name in column(0))
    page.fill("#student-search", "not graded")
    assert len(column(0)) == len(BROKEN)
    assert page.text_content("#students-shown") == f"{len(BROKEN)} of {len(gradings) + 1} students"
    page.fill("#student-search", "")
    assert len(column(0)) == len(gradings) + 1

    links = [urlparse(link) for link in page.eval_on_selector_all("a[href]", "all => all.map(a => a.href)")]
    report = (out / "report.html").resolve()
    within = [link.fragment for link in links if Path(unquote(link.path)) == report]
    files = [Path(unquote(link.path)) for link in links if Path(unquote(link.path)) != report]
    assert within and all(page.locator(f"#{fragment}").count() == 1 for fragment in within)
    assert {link.scheme for link in links} == {"file"}
    assert len(files) == len(gradings) + 1 + len(BROKEN), "one per student, and one per submission not graded"
    assert all(f.is_file() and f.name == "feedback.txt" for f in files)
    first = page.locator("#student-table tbody tr >> nth=0")
    name, submission = first.locator("td").first.text_content(), first.locator("a").text_content()
    first.locator("a").click()
    heading = page.text_content("body").splitlines()[0]
    assert heading.startswith("Submission: ") and heading.endswith(f"({submission})")
    assert name.split(" group with ")[0] in heading, "the feedback names its student"
    assert found.outside_requests == []
    page.context.close()


def test_a_broken_metadata_entry_costs_its_names_only_and_every_submission_is_still_graded(
        export, tmp_path, capsys):
    archive, kinds, root = export
    broken = tmp_path / "export"
    broken.mkdir()
    with zipfile.ZipFile(archive) as opened:
        for name in list(kinds)[:3]:
            entry = f"{TOP}{name}/{ASSIGNMENT}.ipynb"
            (broken / name).mkdir()
            (broken / name / f"{ASSIGNMENT}.ipynb").write_bytes(opened.read(entry))
    metadata = _metadata(list(kinds)[:3]).replace("- :name: Student 01", "- :name: [Student 01", 1)
    (broken / "submission_metadata.yml").write_text(metadata)
    code = cli.main(["--root", str(root), "grade", "--assignment", ASSIGNMENT, "--out",
                     str(tmp_path / "out"), str(broken)])
    error = capsys.readouterr().err
    assert code == 1
    assert error.count("submission_metadata.yml, line 8: the entry of 'submission_7001' is not readable YAML") == 2, (
        "said before grading and again at the end")
    rows = list(csv.DictReader((tmp_path / "out" / "grades.csv").read_text().splitlines()))
    assert [row["submission"] for row in rows] == list(kinds)[:3]
    assert [row["name"] for row in rows] == ["Student 00", "", "Student 02"]
    assert {row["status"] for row in rows} == {"graded"}


def test_a_rebuilt_zip_regrades_and_says_whose_score_moved(graded_class, export, built_project, tmp_path, capsys):
    """After a rebuild (here: q3's hidden test made worth 3 points instead of 2), grading into the
    same folder regrades everything and names each score that moved, with the difference."""
    _, out, gradings = graded_class
    archive, kinds, root = export
    assignment = built_project[ASSIGNMENT]
    entries = reproducible.read_zip(assignment.autograder_zip)
    entries["tests/q3_cross_entropy.py"] = entries["tests/q3_cross_entropy.py"].replace(
        b"points = [1, 2]", b"points = [1, 3]")
    project = tmp_path / "project"
    (project / "assignments" / ASSIGNMENT).mkdir(parents=True)
    (project / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_bytes(assignment.master.read_bytes())
    reproducible.write_zip(entries, project / "dist" / ASSIGNMENT / "autograder.zip")
    again = tmp_path / "again"
    shutil.copytree(out, again)  # the class as graded with the zip before the rebuild
    code = cli.main(["--root", str(project), "grade", "--assignment", ASSIGNMENT, "--out", str(again), str(archive)])
    printed = capsys.readouterr().out
    assert code == 0
    moved = [name for name, kind in kinds.items()
             if kind in ("complete", "last_part_as_test", "activation_after_output")]
    assert "Scores changed since the last grading in this folder:" in printed
    for name in moved:
        before = gradings[name].score
        index = list(kinds).index(name)
        people = " + ".join(person for person, _, _ in _people(index))
        assert f"{people} ({name}): {before:g} -> {before + 1:g} (+1)" in printed
    unchanged = [name for name in kinds if name not in moved]
    assert not [name for name in unchanged if f"({name}): " in printed.split("Scores changed")[1]]
    assert "scores changed since the last grading here" in (again / "report.md").read_text()
    with zipfile.ZipFile(project / "dist" / ASSIGNMENT / "autograder.zip") as archive:
        assert b"points = [1, 3]" in archive.read("tests/q3_cross_entropy.py")
