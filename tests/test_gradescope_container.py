"""Does the emulated Gradescope container restrict what it says it does, and say why it cannot
run where it cannot?"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import gradescope_container as container

AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="the container's restrictions are tried as root")


def _launched(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(container.SECCOMP_LAUNCHER), *arguments],
                          capture_output=True, text=True, timeout=60)


def test_the_harness_says_why_it_cannot_emulate(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "takes root" in container.unavailable()
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(container.shutil, "which", lambda tool: None if tool == "unshare" else "/usr/bin/" + tool)
    assert "no `unshare` here" in container.unavailable()


@AS_ROOT
def test_the_seccomp_launcher_refuses_namespaces_and_mounts_as_docker_does():
    assert subprocess.run(["unshare", "--mount", "true"]).returncode == 0, "root may, without the filter"
    refused = _launched("--", "unshare", "--mount", "true")
    assert refused.returncode != 0 and "Operation not permitted" in refused.stderr
    forked = _launched("--", sys.executable, "-c", "import os, threading; t = threading.Thread(target=int); "
                       "t.start(); t.join(); pid = os.fork(); "
                       "os._exit(0) if pid == 0 else print(os.waitpid(pid, 0)[1])")
    assert forked.returncode == 0 and forked.stdout.strip() == "0", "threads and fork still work (clone3: ENOSYS)"


@AS_ROOT
@pytest.mark.parametrize("answer, code", [("ENOSYS", 38), ("EPERM", 1)])
def test_the_seccomp_launcher_answers_landlock_as_told(answer, code):
    probe = ("import ctypes; libc = ctypes.CDLL(None, use_errno=True); "
             "print(libc.syscall(444, None, 0, 1), ctypes.get_errno())")  # landlock_create_ruleset
    answered = _launched("--landlock", answer, "--", sys.executable, "-c", probe)
    assert answered.stdout.split() == ["-1", str(code)], answered.stderr
