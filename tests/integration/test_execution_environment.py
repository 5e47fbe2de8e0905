"""ansible-builder turns execution-environment.yml into a build context that installs the collection's
Python and system requirements (no container engine is needed for ``create``)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.ansible_runner import REPO

BUILDER = Path(sys.executable).parent / "ansible-builder"


def _requirement_lines(path):
    lines = (line.split("#")[0].strip() for line in Path(path).read_text().splitlines())
    return [line for line in lines if line]


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    if not BUILDER.exists() and not shutil.which("ansible-builder"):
        pytest.skip("ansible-builder is not installed")
    builder = str(BUILDER) if BUILDER.exists() else shutil.which("ansible-builder")
    out = tmp_path_factory.mktemp("ee") / "context"
    proc = subprocess.run(
        [builder, "create", "-f", str(REPO / "execution-environment.yml"), "-c", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_context_lists_python_requirements(context):
    built = _requirement_lines(context / "_build" / "requirements.txt")
    wanted = _requirement_lines(REPO / "requirements.txt")
    assert wanted and built == wanted
    for name in ("requests", "dnspython", "cryptography", "jinja2"):
        assert any(line.startswith(name) for line in built), name


def test_context_lists_system_requirements(context):
    built = _requirement_lines(context / "_build" / "bindep.txt")
    assert built == _requirement_lines(REPO / "bindep.txt")
    assert any(line.startswith("ca-certificates") for line in built)


def test_context_installs_the_collection_and_its_dependencies(context):
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert {"name": "ucops.expressway", "version": ">=0.1.0"} in galaxy["collections"]
    recipe = next(context / name for name in ("Containerfile", "Dockerfile") if (context / name).exists())
    text = recipe.read_text()
    assert "ansible-core>=2.19,<2.20" in text
    assert "_build/requirements.txt" in text and "_build/bindep.txt" in text


def test_collection_declares_its_dependencies_for_introspection():
    meta = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text())
    assert meta["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}
    for name in meta["dependencies"].values():
        assert (REPO / name).is_file()
