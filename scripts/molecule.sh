#!/usr/bin/env bash
# Run every Molecule scenario of extensions/molecule against the staged collection.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export UCOPS_BUILD="${UCOPS_BUILD:-$root/.build/molecule}"
dest=$(bash "$root/scripts/stage-collection.sh")
export PATH="$root/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$UCOPS_BUILD"
export ANSIBLE_PYTHON_INTERPRETER="$root/.venv/bin/python"
cd "$dest"
exec molecule test --all "$@"
