"""The README's tutorial, run as written: every `$ command` of its console blocks, in one shell, in a fresh
clone, each output compared with the one shown (timings aside).  `KG_REPIN=1` writes the actual outputs
into the README instead, for a deliberate change."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT

README = ROOT / "README.md"
SECTION = "## Tutorial: adding an article"
_BLOCK = re.compile(r"^```console\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
_HEREDOC = re.compile(r"<<'(\w+)'\s*$")
_TIMING = re.compile(r"\(\d+\.\d+ s\)")


@dataclass
class Step:
    command: str
    shown: str  # the output the README shows


def section(text: str) -> tuple[int, int]:
    """Where the tutorial's section starts and ends in the README's text."""
    start = text.index(SECTION)
    following = text.find("\n## ", start + len(SECTION))
    return start, following if following >= 0 else len(text)


def steps(text: str) -> list[Step]:
    """The commands of the tutorial's console blocks, each with the output shown after it."""
    start, end = section(text)
    found: list[Step] = []
    for block in _BLOCK.finditer(text, start, end):
        lines = block.group(1).splitlines()
        index = 0
        while index < len(lines):
            assert lines[index].startswith("$ "), f"a console block line that is no command: {lines[index]!r}"
            command = [lines[index][2:]]
            heredoc = _HEREDOC.search(command[0])
            index += 1
            if heredoc:
                while lines[index] != heredoc.group(1):
                    command.append(lines[index])
                    index += 1
                command.append(lines[index])
                index += 1
            shown = []
            while index < len(lines) and not lines[index].startswith("$ "):
                shown.append(lines[index])
                index += 1
            found.append(Step("\n".join(command), "\n".join(shown)))
    return found


def run(folder: Path, tutorial: list[Step]) -> list[str]:
    """Run the commands in one bash (jobs and `%1` carry over), in `folder`; the output of each."""
    marker = "@@kg-tutorial-step@@"
    script = "".join(f"echo {marker}\n{step.command}\n" for step in tutorial)
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    environment.pop("KG_REPIN", None)
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    outputs = done.stdout.split(marker + "\n")[1:]
    assert len(outputs) == len(tutorial), done.stdout
    return [output.rstrip("\n") for output in outputs]


def normalised(output: str) -> str:
    return _TIMING.sub("(… s)", output)


@pytest.mark.skipif(shutil.which("git") is None, reason="the tutorial uses git")
def test_the_readme_tutorial_runs_as_written_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # As after the Quick start, which builds the exports before anyone follows the tutorial.
    # The same `kg` as the tutorial's commands (`python -m kg` here would import the clone's own kg/).
    subprocess.run([str(Path(sys.executable).parent / "kg"), "build"], cwd=clone, check=True, capture_output=True)
    text = README.read_text(encoding="utf-8")
    tutorial = steps(text)
    assert len(tutorial) >= 15
    outputs = run(clone, tutorial)
    if os.environ.get("KG_REPIN"):
        _repin(text, tutorial, outputs)
        return
    for step, output in zip(tutorial, outputs, strict=True):
        assert normalised(output) == normalised(step.shown), f"$ {step.command}"
    assert "ok: 5 articles" in "\n".join(outputs)


def _repin(text: str, tutorial: list[Step], outputs: list[str]) -> None:
    """Write the actual outputs into the README's console blocks."""
    start, end = section(text)
    pieces = iter(zip(tutorial, outputs, strict=True))

    def block(match: re.Match[str]) -> str:
        count = len(steps(SECTION + "\n" + match.group(0)))
        lines = []
        for _ in range(count):
            step, output = next(pieces)
            lines.append("$ " + step.command)
            if output:
                lines.append(output)
        return "```console\n" + "\n".join(lines) + "\n```\n"

    README.write_text(text[:start] + _BLOCK.sub(block, text[start:end]) + text[end:], encoding="utf-8")
