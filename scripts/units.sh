#!/usr/bin/env bash
# ansible-test units on the staged collection, in this virtual environment.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$(bash "$root/scripts/stage-collection.sh")
# Unit tests compare the rule catalogue and the Webex root copy with the shared spec beside the checkout;
# they look for it beside the collection's ancestors, so link it beside the staged copy too.
build=$(cd "$dest/../../.." && pwd)
if [ -d "$root/../shared" ]; then ln -sfn "$(cd "$root/../shared" && pwd)" "$build/shared"; fi
cd "$dest"
exec "$root/.venv/bin/ansible-test" units --python 3.11 --local --color no "$@"
