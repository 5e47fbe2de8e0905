#!/usr/bin/env bash
# Copy the working tree to <build>/ansible_collections/ucops/expressway, the layout ansible-test and
# ANSIBLE_COLLECTIONS_PATH need (ansible-test refuses a symlinked collection root).
# The build folder lies outside the checkout: inside it, ansible-test would ask git for the file list and
# find the copy ignored. UCOPS_BUILD picks another build folder, so parallel runs do not share one.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${UCOPS_BUILD:-${TMPDIR:-/tmp}/ucops-expressway-build-$(printf '%s' "$root" | md5sum | cut -c1-8)}"
dest="$build/ansible_collections/ucops/expressway"
rm -rf "$dest"
mkdir -p "$dest"
tar -C "$root" -cf - \
  --exclude=./.venv --exclude=./.venv-compat --exclude=./.build --exclude=./.git --exclude=./report \
  --exclude=./tests/output --exclude=__pycache__ --exclude=.pytest_cache --exclude='*.pyc' . \
  | tar -C "$dest" -xf -
echo "$dest"
