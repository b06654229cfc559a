"""Interrupting `kg build` while it writes a large corpus: the previous exports survive byte for byte.

SIGINT (Ctrl-C) and SIGTERM (a stopped CI job) end the build through an exception, which removes its
staging folder; SIGKILL cannot be caught, so its staging folder (beside `exports/`, never inside it)
stays until the next build removes it.  In all three cases `exports/` is exactly as before.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .bad_inputs import tree_digest
from .conftest import ONTOLOGY
from .tools.bench_build import write_corpus

FACTS = 10_000  # about 4 s to build on the 2-core machine: time enough to interrupt it mid-write


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic corpus, built once: the exports every test starts from."""
    workdir = tmp_path_factory.mktemp("interrupt")
    write_corpus(workdir / "sources", FACTS)
    done = subprocess.run(build_command(workdir), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return workdir


def build_command(workdir: Path) -> list[str]:
    return [sys.executable, "-m", "kg", "build", "--sources", str(workdir / "sources"),
            "--ontology", str(ONTOLOGY), "--out", str(workdir / "exports"), "--no-cache"]  # fmt: skip


def staging_folders(workdir: Path) -> list[Path]:
    return sorted(workdir.glob(".exports.staging-*"))


def wait_until_writing(process: subprocess.Popen[str], workdir: Path) -> None:
    """Until the build has written part of an export into its staging folder."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if any(folder.exists() and any(folder.iterdir()) for folder in staging_folders(workdir)):
            return
        time.sleep(0.005)
    pytest.fail(f"the build never started writing (exit {process.returncode})")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_a_signal_mid_write_leaves_the_exports_byte_identical(corpus: Path, signum: signal.Signals) -> None:
    before = tree_digest(corpus / "exports")
    names_before = sorted(p.name for p in (corpus / "exports").iterdir())
    process = subprocess.Popen(build_command(corpus), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until_writing(process, corpus)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == (-signum if signum == signal.SIGKILL else 128 + signum), stderr
    assert tree_digest(corpus / "exports") == before
    assert sorted(p.name for p in (corpus / "exports").iterdir()) == names_before  # no temporary file in exports/
    if signum == signal.SIGKILL:
        assert staging_folders(corpus), "SIGKILL leaves its staging folder beside exports/"
        again = subprocess.run(build_command(corpus), capture_output=True, text=True, check=False)
        assert again.returncode == 0, again.stderr
        assert tree_digest(corpus / "exports") == before  # same sources, byte-identical exports
    else:
        assert "Traceback" not in stderr
        assert stderr.strip() == f"kg: stopped by {signum.name}"
    assert staging_folders(corpus) == []


def test_a_build_leaves_the_staging_folder_of_a_build_still_running(corpus: Path) -> None:
    """Two builds into one folder may overlap (the staging folder lives from before the load on): a build
    removes the leftovers of builds that are gone, not the folder of one that is still running."""
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        in_use = corpus / f".exports.staging-{running.pid}-inuse"
        gone = corpus / ".exports.staging-999999999-gone"  # no such process
        for folder in (in_use, gone):
            folder.mkdir()
            (folder / "graph.ttl").write_text("partial\n", encoding="utf-8")
        done = subprocess.run(build_command(corpus), capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert staging_folders(corpus) == [in_use]
    finally:
        running.kill()
        running.wait()
    subprocess.run(build_command(corpus), capture_output=True, text=True, check=True)
    assert staging_folders(corpus) == []


STOPPED_WHILE_IMPORTING = """
import os, signal, sys

STOPPED_AT = sys.argv[1]

class SignalOnImport:
    '''Ctrl-C as the builder's modules are being imported (deterministic: at the start of one of them).'''

    def find_spec(self, name, path, target=None):
        if name == STOPPED_AT:
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, SignalOnImport())
sys.argv = ["kg", "build", "--help"]
from kg.launch import console
console()
"""


@pytest.mark.parametrize("module", ["typing", "kg.workers", "kg.exports.write", "kg.checks.checked", "kg.cli"])
def test_ctrl_c_while_the_command_starts_says_so_without_a_traceback(module: str) -> None:
    """The `kg` command imports the builder after it starts (0.2 s): stopped meanwhile, it says so as a
    command stopped later does, with the same exit status, not with the traceback of an import.  `typing`:
    `kg/__init__.py` imported it before the command could catch anything (the first 20 ms)."""
    done = subprocess.run(
        [sys.executable, "-c", STOPPED_WHILE_IMPORTING, module], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr, done.stdout) == (128 + signal.SIGINT, "kg: stopped by SIGINT\n", "")


def test_importing_the_package_imports_no_builder() -> None:
    """`import kg` (the first step of every `kg.x` import, and of the command) loads none of the builder:
    what `kg.load` and the rest need is imported when first used."""
    code = "import sys, kg; print(sorted(m for m in sys.modules if m.startswith('kg')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['kg']"
    code = "import kg; print(kg.load.__module__, kg.ValidationFailed.__name__, 'load' in dir(kg))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["kg.api", "ValidationFailed", "True"]
