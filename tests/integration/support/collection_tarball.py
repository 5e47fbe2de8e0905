"""Build the collection tarball the way a release does, and install it the way a user does.

`build_tarball` runs ``ansible-galaxy collection build`` in the checkout (so galaxy.yml's build_ignore
decides what goes in); `install_tarball` runs ``ansible-galaxy collection install <tarball> -p <path>``
into a fresh collections path, which a test then puts alone on ANSIBLE_COLLECTIONS_PATH.
"""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def galaxy_env(collections_path=None):
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", PATH=f"{BIN}:{os.environ.get('PATH', '')}")
    if collections_path is not None:
        env["ANSIBLE_COLLECTIONS_PATH"] = str(collections_path)
    return env


def build_tarball(out_dir, source=REPO):
    """ansible-galaxy collection build of `source` into out_dir; returns the tarball's path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(out_dir)],
        cwd=source,
        env=galaxy_env(),
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    tarballs = sorted(out_dir.glob("ucops-expressway-*.tar.gz"))
    assert len(tarballs) == 1, tarballs
    return tarballs[0]


def install_tarball(tarball, collections_path):
    """ansible-galaxy collection install <tarball> -p <collections_path>; returns the installed folder."""
    subprocess.run(
        [str(BIN / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(collections_path)],
        env=galaxy_env(),
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    installed = Path(collections_path) / "ansible_collections" / "ucops" / "expressway"
    assert (installed / "MANIFEST.json").is_file(), installed
    return installed


def members(tarball):
    """The file and folder names inside the tarball, relative to the collection root."""
    with tarfile.open(tarball) as tar:
        return [m.name[2:] if m.name.startswith("./") else m.name for m in tar.getmembers()]
