#!/usr/bin/env bash
# ansible-test sanity on the staged collection, each test in its own pinned virtual environment.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$(bash "$root/scripts/stage-collection.sh")
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
for v in 24_2 25_0 25_1; do cp "$root/scripts/get_pip_standin.py" "$cache/get_pip_$v.py"; done
cd "$dest"
exec "$root/.venv/bin/ansible-test" sanity --python 3.11 --venv --color no "$@"
