"""Gradescope's container, emulated on this machine, to run a built ``autograder.zip`` as
Gradescope does: ``setup.sh`` as root once to build the image, then ``run_autograder`` as root
for each submission in a fresh container.

A container here is a private mount and PID namespace (``unshare``); the host keeps its
mounts and files, except the empty folder ``/autograder`` made as a mount point. Inside it:

* ``/autograder`` is a fresh tree (``source/`` holding the unpacked zip, ``submission/``,
  ``results/``, and ``run_autograder`` copied from the zip, as Gradescope lays it out);
* ``/etc`` is a copy of this machine's, made per image build (setup.sh adds a user to it);
* ``/opt`` is what setup.sh wrote there (layout A) or an empty folder (layout B);
* ``/tmp`` and ``/dev/shm`` are fresh; ``/proc`` shows the container's processes only, so
  that two containers at once do not see (or kill) each other's student processes.

The image build gets the Python distribution and the packages from local copies, through
setup.sh's own variables: a python-build-standalone style tarball made from the running
interpreter's base installation (:func:`python_tarball`), and a PEP 503 index of wheels
downloaded with this machine's pip configuration (:func:`package_index`); both are cached
outside the repository. Everything else setup.sh does, it does as on Gradescope.

A :class:`Condition` adds Gradescope's restrictions one by one: Docker's default capability
set (with ``/sys/fs/cgroup`` read-only), a seccomp filter like Docker's default profile
(``container_seccomp.py``), Landlock unavailable, and a 768 MB memory cgroup for the
whole container. A layout says which Python ``run_autograder`` finds: the image's
(``A``), or the project's own virtual environment, whose base interpreter lies under
``/root``, which other users cannot enter (``B``).
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading_runtime.sandbox import SLOT_LOCKS

HERE = Path(__file__).resolve().parent
SECCOMP_LAUNCHER = HERE / "container_seccomp.py"
# Outside the repository, and outside /root, which a container of the image build does not see.
CACHE = Path(os.environ.get("NN_AUTOGRADER_TEST_CACHE", "/var/cache/nn-autograder-tests"))
DOCKER_CAPABILITIES = ("-all,+chown,+dac_override,+fowner,+fsetid,+kill,+setgid,+setuid,+setpcap,"
                       "+net_bind_service,+net_raw,+sys_chroot,+mknod,+audit_write,+setfcap")
CONTAINER_MEMORY_BYTES = 768 * 1024 * 1024
CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
IMAGE_FOLDERS = ("/opt/autograder-python", "/opt/autograder-env")
DOWNLOADS = "autograder-downloads"  # where an image build finds the local downloads, in its /tmp
# What setup.sh installs with apt where it is missing: present here, or setup.sh would change
# this machine's /usr (the Makefile's `system` target installs them).
SETUP_PREREQUISITES = ("/usr/bin/curl", "/etc/ssl/certs/ca-certificates.crt")
# The machine's pip configuration (its PIP_* variables and /etc/pip.conf), made unusable: if
# setup.sh's pip read any of it, nothing could be installed, and the image build would fail.
PIP_TRAPS = {"PIP_NO_INDEX": "1", "PIP_INDEX_URL": "file:///nonexistent/pip-configuration-leaked"}


# --- what can be emulated here ----------------------------------------------------------------------


def unavailable() -> str | None:
    """Why this machine cannot emulate the container, or None when it can."""
    if os.geteuid() != 0:
        return "emulating Gradescope's container takes root (mount namespaces, a second user)"
    for tool in ("unshare", "setpriv", "patchelf"):
        if shutil.which(tool) is None:
            return f"no `{tool}` here (run `make system`)"
    missing = [path for path in SETUP_PREREQUISITES if not os.path.exists(path)]
    if missing:
        return f"setup.sh would install {', '.join(missing)} with apt on this machine (run `make system`)"
    probe = subprocess.run(["unshare", "--mount", "--pid", "--fork", "--propagation", "private", "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return f"unshare cannot make a mount and PID namespace here: {probe.stderr.strip()}"
    return None


# --- conditions and layouts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """The restrictions a container runs under, beyond a private mount and PID namespace."""

    name: str
    docker_capabilities: bool = False  # Docker's default set; /sys/fs/cgroup read-only
    seccomp: bool = False  # a filter like Docker's default profile
    landlock: str | None = None  # "ENOSYS" or "EPERM": what the landlock_* calls answer
    memory_limit: bool = False  # the whole container in a 768 MB memory cgroup

    @property
    def namespaces_allowed(self) -> bool:
        """Whether the grader (root) may make namespaces: not without CAP_SYS_ADMIN."""
        return not self.docker_capabilities


MACHINE = Condition("machine defaults")
DOCKER_CAPS = Condition("docker capabilities", docker_capabilities=True)
DOCKER_SECCOMP = Condition("docker seccomp", docker_capabilities=True, seccomp=True)
NO_LANDLOCK = Condition("no landlock (ENOSYS)", docker_capabilities=True, seccomp=True, landlock="ENOSYS")
LANDLOCK_REFUSED = Condition("no landlock (EPERM)", docker_capabilities=True, seccomp=True, landlock="EPERM")
GRADESCOPE = Condition("768 MB", docker_capabilities=True, seccomp=True, landlock="ENOSYS", memory_limit=True)
CONDITIONS = (MACHINE, DOCKER_CAPS, DOCKER_SECCOMP, NO_LANDLOCK, LANDLOCK_REFUSED, GRADESCOPE)
STRICTEST = GRADESCOPE

IMAGE_PYTHON = "A"  # the environment setup.sh built under /opt
PROJECT_VENV = "B"  # the project's .venv; its base interpreter under /root; no /opt/autograder-env
LAYOUTS = (IMAGE_PYTHON, PROJECT_VENV)


# --- the Python distribution and the package index ------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _skipped_in_tarball(relative: Path) -> bool:
    """What the tarball leaves out of the base installation: other installed packages, the
    test suite, the static library, pyenv's scripts (which point back into /root)."""
    parts = relative.parts
    library = parts[:2] == ("lib", f"python{sys.version_info.major}.{sys.version_info.minor}")
    if library and len(parts) > 2 and parts[2] in ("site-packages", "test"):
        return len(parts) > 3
    if library and len(parts) > 3 and parts[2].startswith("config-") and relative.suffix == ".a":
        return True
    if parts[:1] == ("bin",) and len(parts) == 2:
        return not parts[1].startswith("python")
    return parts[:1] == ("share",) and len(parts) > 1


def python_tarball(cache: Path = CACHE) -> tuple[Path, str]:
    """This interpreter's base installation as a python-build-standalone "install_only"
    tarball (everything under ``python/``; the interpreter finds its library relative to
    itself), and the tarball's SHA-256. Made once per interpreter, then cached."""
    base = Path(sys.base_prefix).resolve()
    executable = base / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    key = hashlib.sha256(f"{base}\n{sys.version}\n{executable.stat().st_mtime_ns}".encode()).hexdigest()[:16]
    tarball = cache / f"python-{key}.tar.gz"
    if not tarball.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as scratch:
            interpreter = Path(scratch) / executable.name
            shutil.copy2(executable, interpreter)
            # pyenv's interpreter finds libpython under /root; the tarball's finds it beside itself
            subprocess.run(["patchelf", "--set-rpath", "$ORIGIN/../lib", str(interpreter)], check=True)
            partial = Path(scratch) / "python.tar.gz"
            with tarfile.open(partial, "w:gz", compresslevel=1) as archive:
                for folder, folders, files in os.walk(base):
                    for name in sorted(folders + files):
                        path = Path(folder) / name
                        relative = path.relative_to(base)
                        if _skipped_in_tarball(relative):
                            if name in folders and not path.is_symlink():
                                folders.remove(name)
                            continue
                        source = interpreter if path == executable else path
                        info = archive.gettarinfo(str(source), arcname=f"python/{relative}")
                        info.uid = info.gid = 0
                        info.uname = info.gname = "root"
                        if info.isfile():
                            with open(source, "rb") as handle:
                                archive.addfile(info, handle)
                        else:
                            archive.addfile(info)
                    folders.sort()
            partial.replace(tarball)
    return tarball, _sha256(tarball)


def package_index(requirements: str, cache: Path = CACHE) -> Path:
    """A PEP 503 index (``.../simple``) of the wheels ``requirements`` pins, downloaded with
    this machine's pip configuration; cached by the requirements' hash."""
    key = hashlib.sha256(requirements.encode()).hexdigest()[:16]
    index = cache / f"index-{key}"
    if (index / "simple" / "index.html").is_file():
        return index / "simple"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        partial = Path(scratch) / "index"
        files = partial / "files"
        listed = Path(scratch) / "requirements.txt"
        listed.write_text(requirements, encoding="utf-8")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary=:all:", "--dest", str(files), "--requirement", str(listed)],
                       check=True, capture_output=True, text=True)
        projects: dict[str, list[Path]] = {}
        for wheel in sorted(files.glob("*.whl")):
            projects.setdefault(re.sub(r"[-_.]+", "-", wheel.name.split("-")[0]).lower(), []).append(wheel)
        simple = partial / "simple"
        for project, wheels in projects.items():
            links = "".join(f'<a href="../../files/{w.name}#sha256={_sha256(w)}">{w.name}</a>\n'
                            for w in wheels)
            (simple / project).mkdir(parents=True)
            (simple / project / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")
        top = "".join(f'<a href="{project}/">{project}</a>\n' for project in sorted(projects))
        (simple / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{top}</body></html>\n")
        try:
            partial.rename(index)
        except OSError:  # another session made it meanwhile
            if not (index / "simple" / "index.html").is_file():
                raise
    return index / "simple"


# --- containers ---------------------------------------------------------------------------------------


def _autograder_tree(zip_path: Path, root: Path) -> Path:
    """A fresh /autograder: the zip unpacked into source/, run_autograder beside it."""
    tree = root / "autograder"
    for folder in ("source", "submission", "results"):
        (tree / folder).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tree / "source")
        for info in archive.infolist():  # zipfile keeps no modes: the scripts' executable bits
            mode = info.external_attr >> 16 & 0o777
            if mode:
                (tree / "source" / info.filename).chmod(mode)
    shutil.copy2(tree / "source" / "run_autograder", tree / "run_autograder")
    return tree


class MemoryCgroup:
    """A memory cgroup of its own for one container, inside this process's (cgroup v2 where
    its memory controller is usable, else v1)."""

    def __init__(self, limit_bytes: int, name: str):
        self.path, self.version = self._make(name)
        limit = "memory.max" if self.version == 2 else "memory.limit_in_bytes"
        (self.path / limit).write_text(str(limit_bytes))

    @staticmethod
    def _make(name: str) -> tuple[Path, int]:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
        unified = next((line.split(":", 2)[2] for line in lines if line.startswith("0::")), None)
        for mount in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
            if unified is None or "memory" not in _read(Path(mount) / "cgroup.controllers").split():
                continue
            path = Path(mount + unified) / name
            try:
                path.mkdir()
            except OSError:
                continue
            if (path / "memory.max").exists():
                return path, 2
            path.rmdir()
        for line in lines:
            _, controllers, where = line.split(":", 2)
            if "memory" in controllers.split(","):
                path = Path("/sys/fs/cgroup/memory" + where) / name
                path.mkdir()
                return path, 1
        raise RuntimeError("neither cgroup v2 nor v1 offers this process a memory controller")

    def peak_bytes(self) -> int | None:
        text = _read(self.path / ("memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"))
        return int(text) if text.strip().isdigit() else None

    def remove(self) -> None:
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.1)


def memory_limit_unavailable() -> str | None:
    """Why no container can have a memory cgroup here, or None when one can."""
    try:
        MemoryCgroup(CONTAINER_MEMORY_BYTES, f"autograder-container-probe-{os.getpid()}").remove()
    except (OSError, RuntimeError) as error:
        return f"no memory cgroup for a container: {error}"
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _container_script(binds: dict[str, Path], command: list[str], *, env: dict[str, str],
                      workdir: str, read_only: tuple[Path, ...] = (), in_tmp: dict[str, Path] | None = None,
                      in_tmp_read_only: bool = False, cgroup: Path | None = None,
                      cgroup_read_only: bool = False) -> str:
    """The shell script that sets up a container inside fresh namespaces, then runs ``command``
    (not as PID 1, which signals treat differently) and exits with its status.

    ``binds`` maps each target to the folder mounted there, in order; ``in_tmp`` maps names to
    folders mounted under the container's /tmp (read-only with ``in_tmp_read_only``).
    """
    lines = ["set -euo pipefail"]
    for target, source in binds.items():
        if target != "/tmp":
            lines.append(f"mount --bind {shlex.quote(str(source))} {shlex.quote(target)}")
    lines.append("mount -t tmpfs -o mode=1777,size=64m tmpfs /dev/shm")
    for path in read_only:
        quoted = shlex.quote(str(path))
        lines.append(f"mount --bind {quoted} {quoted} && mount -o remount,bind,ro {quoted}")
    if cgroup is not None:
        lines.append(f"echo $$ > {shlex.quote(str(cgroup / 'cgroup.procs'))}")
    if cgroup_read_only:
        lines.append("for point in $(awk '$5 ~ \"^/sys/fs/cgroup\" {print $5}' /proc/self/mountinfo); do "
                     "mount -o remount,bind,ro \"$point\"; done")
    if "/tmp" in binds:  # last: the other sources may lie under /tmp
        tmp = binds["/tmp"]
        for kept in kept_under_tmp():  # a checkout under /tmp stays where it is (see there)
            inside = shlex.quote(str(tmp / kept.relative_to("/tmp")))
            lines.append(f"mkdir -p {inside} && mount --bind {shlex.quote(str(kept))} {inside}")
        for name, source in (in_tmp or {}).items():
            inside = shlex.quote(str(tmp / name))
            lines.append(f"mkdir -p {inside} && mount --bind {shlex.quote(str(source))} {inside}")
            if in_tmp_read_only:
                lines.append(f"mount -o remount,bind,ro {inside}")
        lines.append(f"mount --rbind {shlex.quote(str(tmp))} /tmp")
    environment = " ".join(shlex.quote(f"{k}={v}") for k, v in sorted(env.items()))
    lines.append(f"cd {shlex.quote(workdir)}")
    lines.append(f"env -i {environment} {shlex.join(command)} &")
    lines.append("wait $!")
    return "\n".join(lines) + "\n"


def kept_under_tmp() -> list[Path]:
    """What of this machine's /tmp a container must still show at its place: the project's
    checkout and the Python running the suite, where they lie under /tmp (a fresh clone there,
    as CI may make one). The harness runs the checkout's launcher and, in layout B, its Python;
    the container's own /tmp would hide them."""
    found = []
    for path in (HERE.parent, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()):
        if path.is_relative_to("/tmp") and not any(path.is_relative_to(kept) for kept in found):
            found.append(path)
    return found


def _in_namespaces(script: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(["unshare", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc",
                           "--propagation", "private", "bash", "-c", script],
                          capture_output=True, text=True, timeout=timeout)


def _mount_point(path: str) -> None:
    os.makedirs(path, exist_ok=True)  # an empty folder, the only trace left on the host


# --- the image ------------------------------------------------------------------------------------------


@dataclass
class ImageBuild:
    """What one run of setup.sh made: the /opt, /etc and root's home it left, and its output."""

    folder: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def opt(self) -> Path:
        return self.folder / "opt"

    @property
    def etc(self) -> Path:
        return self.folder / "etc"

    @property
    def home(self) -> Path:
        return self.folder / "root-home"


def _set_pip_traps(conf: Path) -> None:
    """The machine-wide pip configuration of the image build's /etc, with the traps added."""
    config = configparser.ConfigParser()
    config.read(conf, encoding="utf-8")
    if not config.has_section("global"):
        config.add_section("global")
    for variable, value in PIP_TRAPS.items():
        config.set("global", variable.removeprefix("PIP_").lower().replace("_", "-"), value)
    with open(conf, "w", encoding="utf-8") as handle:
        config.write(handle)


def build_image(zip_path: Path, folder: Path, *, python: tuple[Path, str], index: Path,
                timeout: float = 600) -> ImageBuild:
    """Run the zip's setup.sh as Gradescope does (root, in /autograder/source), with the pip
    traps set. It downloads from ``python`` (a tarball and its SHA-256) and ``index`` (a
    ``simple`` folder), both shown to it read-only under the container's /tmp, wherever they lie
    here (/tmp, /root and /opt are the container's own)."""
    folder.mkdir(parents=True, exist_ok=True)
    tree = _autograder_tree(zip_path, folder)
    for name in ("opt", "tmp", "root-home"):
        (folder / name).mkdir()
    (folder / "tmp").chmod(0o1777)
    (folder / "root-home").chmod(0o700)
    subprocess.run(["cp", "-a", "/etc", str(folder / "etc")], check=True)
    _set_pip_traps(folder / "etc" / "pip.conf")
    _mount_point("/autograder")
    tarball, sha256 = python
    shown = {f"{DOWNLOADS}/python": tarball.parent, f"{DOWNLOADS}/index": index.parent}
    env = {"PATH": CONTAINER_PATH, "HOME": "/root", "LANG": "C.UTF-8", **PIP_TRAPS,
           "AUTOGRADER_PYTHON_URL": f"file:///tmp/{DOWNLOADS}/python/{tarball.name}",
           "AUTOGRADER_PYTHON_SHA256": sha256,
           "AUTOGRADER_PACKAGE_INDEX": f"file:///tmp/{DOWNLOADS}/index/{index.name}",
           "AUTOGRADER_TORCH_INDEX": f"file:///tmp/{DOWNLOADS}/index/{index.name}"}
    binds = {"/autograder": tree, "/etc": folder / "etc", "/opt": folder / "opt",
             "/root": folder / "root-home", "/tmp": folder / "tmp"}
    script = _container_script(binds, ["bash", "/autograder/source/setup.sh"], env=env,
                               workdir="/autograder/source", in_tmp=shown, in_tmp_read_only=True)
    started = time.monotonic()
    finished = _in_namespaces(script, timeout)
    return ImageBuild(folder, finished.returncode, finished.stdout, finished.stderr,
                      time.monotonic() - started)


def run_in_image(image: ImageBuild, command: list[str], folder: Path, *,
                 source: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``command`` as root in a container of the built image (no restrictions), with
    ``source`` (a folder) as /autograder/source."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tmp").mkdir()
    (folder / "tmp").chmod(0o1777)
    binds = {"/etc": image.etc, "/opt": image.opt, "/tmp": folder / "tmp"}
    if source is not None:
        _mount_point("/autograder")
        (folder / "autograder" / "source").mkdir(parents=True)
        binds.update({"/autograder": folder / "autograder", "/autograder/source": source})
    script = _container_script(binds, command, env={"PATH": CONTAINER_PATH, "HOME": "/root"}, workdir="/")
    return _in_namespaces(script, timeout)


# --- one submission ------------------------------------------------------------------------------------


@dataclass
class Run:
    """One submission graded in a container: what run_autograder left and how long it took."""

    returncode: int
    output: str
    seconds: float
    results: dict | None
    changed_sources: list[str] = field(default_factory=list)  # zip files altered by the run
    peak_memory_mb: float | None = None

    @property
    def staff(self) -> dict:
        grading = (self.results or {}).get("extra_data", {}).get("grading", {})
        return grading.get("staff", {}) if isinstance(grading, dict) else {}

    @property
    def isolation(self) -> dict:
        isolation = self.staff.get("isolation")
        return isolation if isinstance(isolation, dict) else {}


def run_submission(zip_path: Path, notebook: Path, condition: Condition, layout: str,
                   image: ImageBuild, folder: Path, *, timeout: float = 300) -> Run:
    """Grade ``notebook`` as Gradescope would: a fresh container of ``image`` under
    ``condition``, ``run_autograder`` as root with the Python of ``layout``."""
    folder.mkdir(parents=True)
    tree = _autograder_tree(zip_path, folder)
    shutil.copy(notebook, tree / "submission" / notebook.name)
    for name in ("tmp", "empty-opt"):
        (folder / name).mkdir()
    (folder / "tmp").chmod(0o1777)
    _mount_point("/autograder")
    path = CONTAINER_PATH
    read_only: tuple[Path, ...] = ()
    opt = image.opt
    if layout == PROJECT_VENV:  # run_autograder falls back on the python it finds on PATH
        venv = Path(sys.prefix)
        path = f"{venv / 'bin'}:{CONTAINER_PATH}"
        read_only = (venv, Path(sys.base_prefix).resolve())  # whatever runs, it cannot change them
        opt = folder / "empty-opt"
    binds = {"/autograder": tree, "/etc": image.etc, "/opt": opt, "/tmp": folder / "tmp"}
    command = ["bash", "/autograder/run_autograder"]
    if condition.docker_capabilities:
        command = ["setpriv", f"--bounding-set={DOCKER_CAPABILITIES}", "--", *command]
    if condition.seccomp:  # before the capabilities go: loading it takes CAP_SYS_ADMIN
        landlock = ["--landlock", condition.landlock] if condition.landlock else []
        command = [sys.executable, str(SECCOMP_LAUNCHER), *landlock, "--", *command]
    cgroup = MemoryCgroup(CONTAINER_MEMORY_BYTES, f"autograder-container-{os.getpid()}-{folder.name}") \
        if condition.memory_limit else None
    # This machine's other gradings run in its own PID namespace, whence they can signal (and end)
    # a container's processes, and their uids share a process limit: so the container takes
    # its student uid from the machine's own registry, never one a grading here is using.
    SLOT_LOCKS.mkdir(mode=0o700, exist_ok=True)
    script = _container_script(binds, command, env={"PATH": path, "HOME": "/root", "LANG": "C.UTF-8"},
                               workdir="/autograder", read_only=read_only,
                               in_tmp={SLOT_LOCKS.name: SLOT_LOCKS},
                               cgroup=cgroup.path if cgroup else None,
                               cgroup_read_only=condition.docker_capabilities)
    started = time.monotonic()
    try:
        finished = _in_namespaces(script, timeout)
    finally:
        peak = cgroup.peak_bytes() if cgroup else None
        if cgroup:
            cgroup.remove()
    seconds = time.monotonic() - started
    written = tree / "results" / "results.json"
    try:
        results = json.loads(written.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        results = None
    return Run(finished.returncode, finished.stdout + finished.stderr, seconds, results,
               _changed_sources(zip_path, tree / "source"), peak / 2**20 if peak else None)


def _changed_sources(zip_path: Path, source: Path) -> list[str]:
    """The files of the unpacked zip that a run altered, removed or added (bytecode aside)."""
    with zipfile.ZipFile(zip_path) as archive:
        shipped = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    found = {p.relative_to(source).as_posix() for p in source.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    return sorted({name for name, data in shipped.items() if _read_bytes(source / name) != data}
                  | (found - set(shipped)))
def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
