#!/usr/bin/env bash
# ansible-lint --profile production (configuration: .ansible-lint) on a staged copy of the collection.
# The staged copy sits under ansible_collections/ucops/expressway, so the linter resolves the collection's
# own modules and roles by their FQCN, and the .ansible/ folder it creates stays out of the checkout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export UCOPS_BUILD="${UCOPS_BUILD:-${TMPDIR:-/tmp}/ucops-expressway-lint-$(printf '%s' "$root" | md5sum | cut -c1-8)}"
dest=$(bash "$root/scripts/stage-collection.sh")
export PATH="$root/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$UCOPS_BUILD"
cd "$dest"
exec ansible-lint --profile production "$@"
