#!/usr/bin/env bash
# Every test of the project, in the order that fails fastest on a broken tree. Called by `make test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin="$root/.venv/bin"
step() { printf '\n==> %s\n' "$*"; }

step "changelog fragments (antsibull-changelog lint)"
"$bin/antsibull-changelog" lint

step "ruff format --check and ruff check (settings: .ruff.toml)"
"$bin/ruff" format --check .
"$bin/ruff" check .

step "ansible-test sanity"
bash scripts/sanity.sh

step "ansible-test units"
bash scripts/units.sh

step "emulator tests"
"$bin/python" -m pytest -q -p no:cacheprovider tests/emulator

step "ansible-lint --profile production (on a staged copy: no .ansible/ left in the tree)"
bash scripts/lint.sh

step "molecule scenarios"
bash scripts/molecule.sh

step "ansible-core 2.16-2.19 environments for the compatibility smoke (cached in .venv-compat)"
bash scripts/compat.sh setup

step "integration tests (emulator, named, kamailio, chromium)"
cd tests/integration
"$bin/python" -m pytest -q -p no:cacheprovider -rs
