#!/usr/bin/env bash
# ansible-test units on the staged collection, in this virtual environment.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$(bash "$root/scripts/stage-collection.sh")
cd "$dest"
exec "$root/.venv/bin/ansible-test" units --python 3.11 --local --color no "$@"
