"""The grader version of an assignment: the solution notebook and ``autograder.zip``.

The zip starts as otter's (the test files, the hidden checks, the data files) with three
changes: the grading engine (``grading_runtime/``) and its scripts replace otter's
``run_autograder``, ``setup.sh`` and ``run_otter.py``; the engine's limits travel in
``grading_runtime/settings.json``; and ``requirements.txt`` is ours: every distribution of the
grading image, pinned. torch and numpy are pinned to the versions recorded in the
assignment's reference numbers, so Gradescope grades with the very versions that made the
expected values; the other packages a grading imports (:data:`IMAGE_PACKAGES`), and everything
they need, to the versions the build runs with (``pyproject.toml`` pins them). otter itself is
not needed to grade. PyTorch comes from its CPU-only index, which keeps the image small.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import nbformat
from packaging.requirements import Requirement as Dependency
from packaging.utils import canonicalize_name

from autograder import checker_cell, reproducible
from autograder.checks.notebook import IMAGE_MODULES_FILE
from autograder.errors import BuildError
from autograder.grading_runtime.environment_check import REQUIREMENTS_FILE, Requirement, format_requirements
from autograder.grading_runtime.settings import PACKAGE_IN_ZIP as RUNTIME_PACKAGE
from autograder.grading_runtime.settings import SETTINGS_FILE, RuntimeSettings

TOOLKIT_DIR = Path(__file__).parent
RUNTIME_DIR = TOOLKIT_DIR / "grading_runtime"
# otter's runner and its conda environment: our engine and requirements.txt replace them
OTTER_SCRIPTS = {"run_otter.py", "requirements.txt", "environment.yml"}
# The data a notebook carries in its first cell (the notebook must stay quick to open and send).
MAX_NOTEBOOK_DATA_BYTES = 256 * 1024
ROOT_SCRIPTS = ("run_autograder", "setup.sh", "run_grader.py")  # at the zip's root
# What the judge calls to draw each submission's hidden cases (see autograder.checks).
PREPARE_GRADING = "autograder.checks:prepare_grading"
RUNTIME_SUFFIXES = (".py", ".json")
# What a grading imports, by distribution: the module each one gives. The course contract
# promises numpy, torch, scipy and matplotlib to every notebook; the rest is the engine's own.
IMAGE_PACKAGES = {"torch": "torch", "numpy": "numpy", "scipy": "scipy", "matplotlib": "matplotlib",
                  "ipython": "IPython", "fastjsonschema": "fastjsonschema", "nbformat": "nbformat",
                  "psutil": "psutil", "pyseccomp": "pyseccomp", "landlock": "landlock"}
REQUIREMENTS_COMMENT = """\
The grading image's Python packages, written by `autograder build`: setup.sh installs exactly
these (torch from its CPU-only index, the rest from the package index, none pulling in
anything unlisted), and its environment check reads them back. `# import NAME` names the
module a grading imports from that distribution; the lines without one are what they need."""


@dataclass(frozen=True)
class GradingEnvironment:
    """What the Gradescope image installs, derived from the reference numbers' versions."""

    python_version: str  # major.minor
    requirements: list[Requirement]

    def requirements_txt(self) -> str:
        return format_requirements(self.requirements, REQUIREMENTS_COMMENT)

    def importable_modules(self) -> list[str]:
        """The top-level modules a notebook can import when graded, beyond the standard
        library: those of every distribution the image installs (read from the distributions
        installed here, which the build checks are the pinned ones)."""
        image = {canonicalize_name(r.distribution) for r in self.requirements}
        return sorted(module for module, distributions in metadata.packages_distributions().items()
                      if not module.startswith("_") and image & {canonicalize_name(d) for d in distributions})


def image_markers(python_version: str) -> dict[str, str]:
    """The values of dependency markers in the grading image (Gradescope's x86-64 Linux), so
    that the image's list does not depend on the machine that builds it."""
    major, minor, *_ = python_version.split(".")
    return {"python_version": f"{major}.{minor}", "python_full_version": python_version,
            "os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
            "platform_machine": "x86_64", "platform_release": "", "platform_version": "",
            "implementation_name": "cpython", "implementation_version": python_version,
            "platform_python_implementation": "CPython", "extra": ""}


def _installed(name: str) -> metadata.Distribution:
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        raise BuildError(f"the grading image needs {name}, which is not installed here",
                         "run `make env` (pip install -e .) to install the toolkit's dependencies") from None


def image_requirements(pins: dict[str, str], python_version: str) -> list[Requirement]:
    """:data:`IMAGE_PACKAGES` and every distribution they need, each pinned: the packages to
    ``pins`` (the reference numbers' versions), the rest to the versions installed here.

    The dependencies are read from the installed distributions' metadata, so the installed
    versions of the pinned packages must be the pinned ones.
    """
    markers = image_markers(python_version)
    found: dict[str, Requirement] = {}
    queue = list(IMAGE_PACKAGES)
    while queue:
        name = canonicalize_name(queue.pop(0))
        if name in found:
            continue
        distribution = _installed(name)
        if name in pins and distribution.version != pins[name]:
            raise BuildError(f"the reference numbers were made with {name} {pins[name]}, but this "
                             f"machine has {distribution.version}, whose dependencies the image "
                             "would get", f"install {name}=={pins[name]}, or regenerate the reference numbers")
        found[name] = Requirement(name, distribution.version, IMAGE_PACKAGES.get(name))
        for text in distribution.requires or []:
            dependency = Dependency(text)
            if dependency.marker is None or dependency.marker.evaluate(markers):
                queue.append(dependency.name)
    return [found[name] for name in IMAGE_PACKAGES] + [
        requirement for name, requirement in sorted(found.items()) if name not in IMAGE_PACKAGES]


def grading_environment(versions: dict[str, str]) -> GradingEnvironment:
    torch_version = versions["torch"]
    if "+" not in torch_version:  # the CPU wheel is the "+cpu" local version on that index
        torch_version += "+cpu"
    pins = {"torch": torch_version, "numpy": versions["numpy"]}
    major, minor, *_ = versions["python"].split(".")
    return GradingEnvironment(python_version=f"{major}.{minor}",
                              requirements=image_requirements(pins, versions["python"]))


def _package_files(folder: Path, prefix: str, names: list[str] | None = None) -> dict[str, bytes]:
    """The source files of a package folder as zip entries under ``prefix``."""
    entries = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in RUNTIME_SUFFIXES and (names is None or path.name in names):
            entries[f"{prefix}/{path.name}"] = path.read_bytes()
    return entries


def runtime_entries(settings: RuntimeSettings) -> dict[str, bytes]:
    """The grading engine as zip entries: its scripts at the root, the package under its name."""
    entries = {path.name: path.read_bytes() for path in sorted(RUNTIME_DIR.iterdir())
               if path.name in ROOT_SCRIPTS}
    entries.update(_package_files(RUNTIME_DIR, RUNTIME_PACKAGE))
    entries[f"{RUNTIME_PACKAGE}/{SETTINGS_FILE}"] = settings.to_json().encode("utf-8")
    return entries


def _module_file(name: str) -> Path | None:
    """The source of a module of the toolkit or the reference (a package: its ``__init__.py``)."""
    path = TOOLKIT_DIR.parent.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(name: str, source: Path) -> set[str]:
    """The modules ``source`` (the module ``name``) may import, anywhere in its code: for
    ``from package import item``, both the package and ``package.item``."""
    package = name if source.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def judge_modules(assignment: str) -> list[str]:
    """What the judge imports of the checks and the reference, derived from their imports: the
    assignment's checks and reference module (which the judge imports by name) and every module
    of ``autograder`` and ``reference`` they import in turn, with their packages. The engine,
    shipped whole, is not listed."""
    wanted = ["autograder.checks", f"autograder.checks.{assignment}", f"reference.{assignment}"]
    found: set[str] = set()
    while wanted:
        name = wanted.pop()
        source = _module_file(name)
        if name in found or source is None or name.startswith(RUNTIME_PACKAGE.replace("/", ".")):
            continue
        found.add(name)
        parents = [".".join(name.split(".")[:end]) for end in range(1, name.count(".") + 1)]
        wanted += parents + [m for m in _imports(name, source) if m.split(".")[0] in ("autograder", "reference")]
    return sorted(found)


def checks_entries(assignment: str, numbers_file: Path) -> dict[str, bytes]:
    """The judge's own code and data: the assignment's checks, its reference module and numbers,
    and what they import (:func:`judge_modules`).

    They keep their package names (``autograder.checks``, ``reference``), so a check
    imports the same way in the zip as in the repository.
    """
    checks = TOOLKIT_DIR / "checks"
    if not (checks / f"{assignment}.py").is_file():
        raise BuildError(f"no checks for {assignment} at {checks / f'{assignment}.py'}")
    entries = {}
    for name in judge_modules(assignment):
        source = _module_file(name)
        assert source is not None  # judge_modules lists existing modules only
        entries[source.relative_to(TOOLKIT_DIR.parent).as_posix()] = source.read_bytes()
    entries[f"reference/numbers/{assignment}.json"] = numbers_file.read_bytes()
    return entries


def zip_entries(otter_zip: Path, environment: GradingEnvironment, assignment: str,
                numbers_file: Path) -> dict[str, bytes]:
    """otter's zip (tests and data files) with our engine, checks and environment in it."""
    entries = {
        name: data
        for name, data in reproducible.read_zip(otter_zip).items()
        if "__pycache__" not in name.split("/") and name not in OTTER_SCRIPTS
    }
    entries.update(runtime_entries(RuntimeSettings(prepare_grading=PREPARE_GRADING)))
    entries.update(checks_entries(assignment, numbers_file))
    entries[REQUIREMENTS_FILE] = environment.requirements_txt().encode("utf-8")
    return entries


def _rounded(value):
    """Floats to ten significant digits: far finer than any check's tolerance, half the text."""
    if isinstance(value, float):
        return float(f"{value:.10g}")
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    return value


def student_library(assignment: str, numbers: dict, environment: GradingEnvironment) -> dict[str, str]:
    """What the public tests import, as the student's notebook carries it: the generic helpers
    of the checks, the probes, the modules the grading image offers (so that a check can warn
    about an import it lacks), and (once its reference stores the answers of its known
    mistakes, so that its checks compute none) the assignment's checks with the public
    examples. Never a hidden case, nor code that computes a right answer."""
    files = {"autograder/__init__.py": TOOLKIT_DIR / "__init__.py",
             "autograder/grading_runtime/__init__.py": RUNTIME_DIR / "__init__.py",
             "autograder/grading_runtime/probes.py": RUNTIME_DIR / "probes.py",
             "autograder/grading_runtime/wording.py": RUNTIME_DIR / "wording.py",
             "autograder/grading_runtime/questions.py": RUNTIME_DIR / "questions.py",
             "autograder/checks/__init__.py": TOOLKIT_DIR / "checks" / "__init__.py",
             "autograder/checks/values.py": TOOLKIT_DIR / "checks" / "values.py",
             "autograder/checks/cases.py": TOOLKIT_DIR / "checks" / "cases.py",
             "autograder/checks/notebook.py": TOOLKIT_DIR / "checks" / "notebook.py"}
    library = {path: source.read_text(encoding="utf-8") for path, source in files.items()}
    library[f"autograder/checks/{IMAGE_MODULES_FILE}"] = json.dumps(
        {"python": environment.python_version, "modules": environment.importable_modules()}, indent=0)
    if "examples" in numbers:
        checks = TOOLKIT_DIR / "checks" / f"{assignment}.py"
        library[f"autograder/checks/{assignment}.py"] = checks.read_text(encoding="utf-8")
        examples = json.dumps(_rounded(numbers["examples"]), sort_keys=True, separators=(",", ":"))
        library[f"autograder/checks/examples/{assignment}.json"] = examples
    return library


def finish_notebook(notebook: nbformat.NotebookNode, public_tests: dict[str, str], assignment: str,
                    numbers: dict, data: dict[str, bytes], environment: GradingEnvironment):
    """Give one of otter's notebooks the checker cell (with ``data``, the files the notebook
    reads) and stable ids, in place."""
    size = sum(len(content) for content in data.values())
    if size > MAX_NOTEBOOK_DATA_BYTES:
        raise BuildError(f"{assignment}: the data files the notebook carries take {size} bytes, more "
                         f"than {MAX_NOTEBOOK_DATA_BYTES}",
                         "make the data smaller, or have the notebook generate it")
    checker_cell.add_checker_cell(notebook, public_tests, student_library(assignment, numbers, environment), data)
    return reproducible.normalize_notebook(notebook, assignment)
