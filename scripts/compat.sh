#!/usr/bin/env bash
# The ansible-core versions the collection is tested on, each in a virtual environment of its own:
# .venv-compat/<version> with only that ansible-core and the runtime requirements.txt (what an execution
# environment of that version carries), on Python 3.11.
#   scripts/compat.sh            create the missing environments, then run the smoke test under each
#   scripts/compat.sh setup      only create (or refresh) the environments
#   scripts/compat.sh test       only run tests/integration/test_compat.py
# COMPAT_VERSIONS="2.16 2.19" picks versions. An environment is rebuilt only when requirements.txt or its
# version changed (a stamp file holds both), so a re-run costs nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
versions=${COMPAT_VERSIONS:-"2.16 2.17 2.18 2.19"}
python=${COMPAT_PYTHON:-$(command -v python3.11 || command -v python3)}
action=${1:-all}

stamp_of() {  # what an environment was built from: the version and the requirements' checksum
  printf '%s %s\n' "$1" "$(sha256sum requirements.txt | cut -d' ' -f1)"
}

setup_one() {
  local version=$1 venv=".venv-compat/$1"
  local stamp
  stamp=$(stamp_of "$version")
  if [ -f "$venv/.installed" ] && [ "$(cat "$venv/.installed")" = "$stamp" ]; then
    echo "ansible-core $version: $venv is up to date"
    return 0
  fi
  echo "ansible-core $version: creating $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  # ~= keeps the minor version and takes its latest patch release.
  "$venv/bin/pip" install --quiet "ansible-core~=$version.0" -r requirements.txt
  printf '%s\n' "$stamp" > "$venv/.installed"
}

if [ "$action" = all ] || [ "$action" = setup ]; then
  "$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
    || { echo "compat.sh: Python 3.11 is needed (set COMPAT_PYTHON)" >&2; exit 1; }
  for version in $versions; do setup_one "$version"; done
fi
if [ "$action" = all ] || [ "$action" = test ]; then
  cd tests/integration
  COMPAT_VERSIONS="$versions" "$root/.venv/bin/python" -m pytest -q -p no:cacheprovider -rs test_compat.py
fi
