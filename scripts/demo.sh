#!/usr/bin/env bash
# make demo: the whole job on the embedded default, all on this machine's loopback.
#   1. an emulated Expressway-E fleet (demo/fleet.json)
#   2. configure it for Webex B2B, run it again (changed=0), edit one box out of band, show the drift
#      with --check --diff
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
run="$root/.build/demo"
bin="$root/.venv/bin"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

rm -rf "$run" && mkdir -p "$run/emulator"
say "Starting an emulated Expressway-E fleet (demo/fleet.json) on 127.0.0.1"
PYTHONPATH="$root/tools/expressway_emulator" "$bin/python" -m expressway_emulator \
  --fleet demo/fleet.json --state-dir "$run/emulator" --log "$run/emulator/requests.jsonl" \
  --ready-file "$run/emulator/ready.json" > "$run/emulator/emulator.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$run/emulator/ready.json" ] && break; sleep 0.2; done
[ -s "$run/emulator/ready.json" ] || { cat "$run/emulator/emulator.out"; exit 1; }
cat "$run/emulator/emulator.out"

"$bin/python" demo/make_inventory.py "$run/emulator/ready.json" "$run/inventory.yml"
export UCOPS_BUILD="$run/build"
bash scripts/stage-collection.sh >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$run/build" ANSIBLE_PYTHON_INTERPRETER="$bin/python"
export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_RETRY_FILES_ENABLED=False
export EXPRESSWAY_PASSWORD=Expressway-Emul4tor   # the emulator's demo account
playbook() { "$bin/ansible-playbook" -i "$run/inventory.yml" "$@"; }
writes() { grep -vc '"method": "GET"' "$run/emulator/requests.jsonl" || true; }

say "1/3 configure: create the Webex zone and its search rules on every Expressway"
playbook playbooks/configure.yml
before=$(writes)

say "2/3 configure again: nothing to change (changed=0)"
playbook playbooks/configure.yml
echo "API writes during the second run (emulator request log): $(( $(writes) - before ))"

say "Out-of-band edit on expe-nyc: someone changes the zone's TLS verify subject name in the web UI"
url=$("$bin/python" -c 'import json,sys; print([i["url"] for i in json.load(open(sys.argv[1]))["instances"] if i["name"]=="expe-nyc"][0])' "$run/emulator/ready.json")
curl -sS --cacert "$run/emulator/ca.pem" -u "admin:$EXPRESSWAY_PASSWORD" -X PUT \
  -H 'Content-Type: application/json' -d '{"Name": "Webex-B2B", "SIPTLSVerifySubjectName": "sip.example.test"}' \
  "$url/api/provisioning/common/zone/dnszone"; echo

say "3/3 configure --check --diff: the drift, shown and not changed"
playbook playbooks/configure.yml --check --diff || true
