#!/usr/bin/env bash
# Run every Molecule scenario of extensions/molecule against the staged collection.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export UCOPS_BUILD="${UCOPS_BUILD:-${TMPDIR:-/tmp}/ucops-expressway-molecule-$(printf '%s' "$root" | md5sum | cut -c1-8)}"
dest=$(bash "$root/scripts/stage-collection.sh")
export PATH="$root/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$UCOPS_BUILD"
export ANSIBLE_PYTHON_INTERPRETER="$root/.venv/bin/python"
cd "$dest"
# Each scenario by name (a bare --all also looks for a 'default' scenario, which this collection has not).
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  for dir in extensions/molecule/*/; do scenarios+=("$(basename "$dir")"); done
fi
for scenario in "${scenarios[@]}"; do
  molecule test -s "$scenario"
done
