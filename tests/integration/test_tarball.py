"""The Galaxy tarball: built by ansible-galaxy from the checkout, it holds what a user runs and nothing else
(galaxy.yml build_ignore), every role is documented (README and argument spec covering every default), the
installed copy answers ansible-doc -t role, and galaxy-importer, the check Galaxy runs on upload, accepts it."""

import shutil
import subprocess

import pytest
import yaml

from support.collection_tarball import BIN, REPO, build_tarball, galaxy_env, install_tarball, members

# What a user runs and reads. A new top-level entry must be placed: here, or in galaxy.yml's build_ignore.
ALLOWED_TOP = {
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "COPYING",
    "LICENSES",
    "requirements.txt",
    "bindep.txt",
    "changelogs",
    "docs",
    "examples",
    "meta",
    "playbooks",
    "plugins",
    "roles",
}
ROLES = ("webex_b2b", "webex_b2b_zone", "webex_report")


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    return build_tarball(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed(tarball, tmp_path_factory):
    path = tmp_path_factory.mktemp("collections")
    install_tarball(tarball, path)
    return path


def test_tarball_holds_what_a_user_runs_and_nothing_else(tarball):
    names = members(tarball)
    assert {name.split("/")[0] for name in names} == ALLOWED_TOP
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/." in "/" + n]
    assert [n for n in names if n.startswith("changelogs/") and n.endswith(".yaml")] == ["changelogs/changelog.yaml"]
    for role in ROLES:
        assert f"roles/{role}/README.md" in names and f"roles/{role}/meta/argument_specs.yml" in names
    assert "playbooks/configure.yml" in names and "examples/inventory.yml" in names


def test_stray_folders_of_a_checkout_stay_out(tmp_path):
    """A lint run's .ansible/, the demo's report/, a first contact's output: none of them is shipped."""
    tree = tmp_path / "tree"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True).stdout
    for rel in filter(None, tracked.decode().split("\0")):
        if (REPO / rel).is_file():
            (tree / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, tree / rel)
    strays = [
        ".ansible/collections/ansible_collections/x.yml",
        "report/webex-report.json",
        "first-contact/exp1.json",
        "tests/output/junit.xml",
        ".pytest_cache/v/x",
    ]
    for rel in strays:
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text("stray\n")
    names = members(build_tarball(tmp_path / "dist", source=tree))
    assert {name.split("/")[0] for name in names} == ALLOWED_TOP


@pytest.mark.parametrize("role", ROLES)
def test_every_role_variable_is_typed_and_described(role):
    defaults = yaml.safe_load((REPO / "roles" / role / "defaults" / "main.yml").read_text()) or {}
    spec = yaml.safe_load((REPO / "roles" / role / "meta" / "argument_specs.yml").read_text())
    options = spec["argument_specs"]["main"]["options"]
    assert set(defaults) <= set(options), sorted(set(defaults) - set(options))
    for name, option in options.items():
        assert option.get("type") and option.get("description"), name
        # A templated default is told in words; a plain one is the spec's default, as ansible-doc shows it.
        if name in defaults and defaults[name] is not None and "{{" not in str(defaults[name]):
            assert option.get("default") == defaults[name], name


def test_installed_roles_answer_ansible_doc(installed):
    proc = subprocess.run(
        [str(BIN / "ansible-doc"), "-t", "role", "ucops.expressway.webex_b2b"],
        env=galaxy_env(installed),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    for name in (
        "expressway_host",
        "expressway_port",
        "expressway_ca_path",
        "webex_b2b_generation",
        "expressway_cluster_primary",
        "module_defaults",
    ):
        assert name in proc.stdout, proc.stdout
    for role, option in (("webex_b2b_zone", "webex_b2b_zone_generation"), ("webex_report", "webex_report_dir")):
        proc = subprocess.run(
            [str(BIN / "ansible-doc"), "-t", "role", f"ucops.expressway.{role}"],
            env=galaxy_env(installed),
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "ENTRY POINT:" in proc.stdout and option in proc.stdout, proc.stdout


def test_galaxy_importer_accepts_the_tarball(tarball, tmp_path):
    """Galaxy's own import checks (metadata, docs of every plugin and role, ansible-lint), run locally.

    ansible-test is switched off: Galaxy runs it in a container, and make test runs it (scripts/sanity.sh)."""
    config = tmp_path / "galaxy-importer.cfg"
    config.write_text(
        "[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\n"
        "RUN_FLAKE8 = False\nLOG_LEVEL_MAIN = INFO\n"
    )
    env = dict(galaxy_env(), GALAXY_IMPORTER_CONFIG=str(config))
    proc = subprocess.run(
        [str(BIN / "python"), "-m", "galaxy_importer.main", str(tarball)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "ERROR" not in out, out
    assert "Importing with galaxy-importer" in out
