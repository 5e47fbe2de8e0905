"""README.md's "Using it" run word for word against an installed copy of the collection.

The tarball is built (ansible-galaxy collection build) and installed into a fresh collections path
(ansible-galaxy collection install <tarball> -p <path>), which is then the only one on
ANSIBLE_COLLECTIONS_PATH. The inventory is the README's, with only the host, port and CA pointed at an
emulated Expressway that has nothing configured; the password comes from EXPRESSWAY_PASSWORD, as the
README says. Each command of the README's console block runs as written: the check run succeeds, shows
every create and writes nothing; the apply configures the box; a second apply writes nothing.
"""

import os
import re
import shlex
import subprocess

import pytest
import requests
import yaml

from support.collection_tarball import BIN, REPO, build_tarball, install_tarball
from support.emulator import emulator_factory, emulator_state_dir  # noqa: F401 pylint: disable=unused-import

ZONE = "Webex-B2B"


def using_it():
    """The inventory (YAML block starting '# inventory.yml') and the commands of the console block after it."""
    text = (REPO / "README.md").read_text()
    section = text.split("\n## Using it\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.S)
    first = next(i for i, (kind, body) in enumerate(blocks) if kind == "yaml" and body.startswith("# inventory.yml"))
    console = next(body for kind, body in blocks[first + 1 :] if kind == "console")
    commands = [shlex.split(line, comments=True) for line in console.splitlines() if line.strip()]
    assert commands
    return yaml.safe_load(blocks[first][1]), commands


def point_at(inventory, emu):
    """Only the host, port and CA change: the README's inventory names each of them."""
    group_vars = inventory["expressway"]["vars"]
    assert {"expressway_port", "expressway_ca_path"} <= set(group_vars)
    group_vars.update(expressway_port=emu.port(), expressway_ca_path=emu.ca_path)
    hosts = inventory["expressway"]["hosts"]
    assert len(hosts) == 1
    name = next(iter(hosts))
    hosts[name] = {"expressway_host": emu.host()}
    return inventory


@pytest.fixture(scope="module")
def collections_path(tmp_path_factory):
    tarball = build_tarball(tmp_path_factory.mktemp("dist"))
    path = tmp_path_factory.mktemp("collections")
    install_tarball(tarball, path)
    return path


def run(command, cwd, collections_path, emu):
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        EXPRESSWAY_PASSWORD=emu.password,
        ANSIBLE_NOCOLOR="1",
        PATH=f"{BIN}:{os.environ.get('PATH', '')}",
    )
    for name in ("ANSIBLE_PYTHON_INTERPRETER", "EXPRESSWAY_HOST", "EXPRESSWAY_USERNAME"):
        env.pop(name, None)
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def names(emu, path):
    resp = requests.get(emu.api(path), auth=emu.auth, verify=emu.ca_path, timeout=10)
    resp.raise_for_status()
    return {obj.get("Name") for obj in resp.json()}


def test_readme_using_it_verbatim(collections_path, emulator_factory, tmp_path):  # noqa: F811
    inventory, commands = using_it()
    check, apply = commands
    assert check[:2] == ["ansible-playbook", "-i"] and "--check" in check and "--diff" in check
    assert apply[-1] == "ucops.expressway.configure" and "--check" not in apply
    emu = emulator_factory([{"name": "exp1", "product": "expressway-e", "version": "X14.3.2"}])
    (tmp_path / check[2]).write_text(yaml.safe_dump(point_at(inventory, emu)))

    mark = emu.mark()
    proc = run(check, tmp_path, collections_path, emu)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert emu.writes(since=mark) == []
    assert re.search(r"changed=1 .*failed=0", proc.stdout), proc.stdout  # one task: zone, search rules, firewall rules
    # Every create, as a diff from nothing: the zone, its search rule, both firewall rules (pending and active).
    assert proc.stdout.count("\n-{}\n+{\n") == 2, proc.stdout
    assert f'+    "name": "{ZONE}",' in proc.stdout and f'+    "name": "{ZONE} outbound",' in proc.stdout
    for rule in ("signalling (PORT-SIG-OUT)", "media (PORT-MEDIA)"):
        assert proc.stdout.count(f'+            "description": "Webex B2B {rule}",') == 2, rule
    # The search rules name the zone the same run manages: no lookup, so no "assumed created" warning.
    assert "assumed created by an earlier task in this run" not in proc.stdout + proc.stderr
    assert ZONE not in names(emu, "common/zone/dnszone")

    proc = run(apply, tmp_path, collections_path, emu)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ZONE in names(emu, "common/zone/dnszone")
    assert f"{ZONE} outbound" in names(emu, "common/searchrule")

    mark = emu.mark()
    proc = run(apply, tmp_path, collections_path, emu)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"changed=0 .*failed=0", proc.stdout), proc.stdout
    assert emu.writes(since=mark) == []


def test_readme_first_contact_verbatim(collections_path, emulator_factory, tmp_path):  # noqa: F811
    """The README's first-contact command, as written, on the README's inventory and an installed copy."""
    inventory, dummy = using_it()
    text = (REPO / "README.md").read_text().split("\n## First contact", 1)[1].split("\n## ", 1)[0]
    command = shlex.split(re.findall(r"```console\n(.*?)```", text, re.S)[0].strip())
    assert command[:3] == ["ansible-playbook", "-i", "inventory.yml"] and "ucops.expressway.first_contact" in command
    emu = emulator_factory([{"name": "exp1", "product": "expressway-e", "version": "X14.3.2"}])
    (tmp_path / "inventory.yml").write_text(yaml.safe_dump(point_at(inventory, emu)))
    mark = emu.mark()
    proc = run(command, tmp_path, collections_path, emu)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "the field table fits" in proc.stdout
    host = next(iter(inventory["expressway"]["hosts"]))
    assert (tmp_path / "first-contact" / f"{host}.json").is_file()
    assert (tmp_path / "first-contact" / f"{host}.raml").read_text().startswith("#%RAML")
    assert emu.writes(since=mark) == []
