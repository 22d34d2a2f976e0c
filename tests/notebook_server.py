"""A Jupyter server for the browser tests: JupyterLab 4 and Notebook 7, as a student runs them.

It serves one folder on a free port of 127.0.0.1, with no token, and with its own settings,
workspaces, data, runtime and IPython folders under a scratch folder, so nothing of the
machine's own Jupyter set-up (or of a previous run) shows in the page (no news pop-up, no
remembered layout) and nothing is written outside the scratch folder. Its kernels are the
``python3`` of this environment; stopping the server stops them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

START_SECONDS = 120  # a loaded machine takes a while to import JupyterLab's extensions
# JupyterLab asks, in a pop-up over the notebook, whether to fetch Jupyter's news
NO_NEWS = {"@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"}}


@dataclass
class NotebookServer:
    url: str  # ends with a slash
    process: subprocess.Popen

    def lab(self, path: str, workspace: str) -> str:
        """JupyterLab at the notebook ``path``, in a workspace of its own (no other tab open)."""
        return f"{self.url}lab/workspaces/{workspace}/tree/{path}"

    def notebook(self, path: str) -> str:
        """Notebook 7 at the notebook ``path``."""
        return f"{self.url}notebooks/{path}"

    def stop(self) -> None:
        self.process.terminate()  # the server shuts its kernels down, then exits
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(root: Path, scratch: Path) -> NotebookServer:
    """A server of ``root``, ready to answer; its settings and logs live in ``scratch``."""
    settings = scratch / "lab-settings"
    for name, values in NO_NEWS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values), encoding="utf-8")
    environment = {**os.environ,
                   "JUPYTER_CONFIG_DIR": str(scratch / "config"),
                   "JUPYTER_DATA_DIR": str(scratch / "data"),  # where it keeps its signing key
                   "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
                   "JUPYTERLAB_SETTINGS_DIR": str(settings),
                   "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
                   "IPYTHONDIR": str(scratch / "ipython")}
    port = _free_port()
    log = (scratch / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
         "--IdentityProvider.token=", "--ServerApp.password=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=log, stderr=subprocess.STDOUT, env=environment, cwd=root)
    log.close()
    server = NotebookServer(f"http://127.0.0.1:{port}/", process)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Jupyter server stopped: see {scratch / 'server.log'}")
        try:
            with urllib.request.urlopen(f"{server.url}api/status", timeout=2):
                return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"the Jupyter server did not answer within {START_SECONDS} s: see "
                       f"{scratch / 'server.log'}")
