#!/usr/bin/env bash
# make demo: the whole job on the embedded default, every process on this machine's loopback.
#   - an emulated Expressway-E fleet (demo/fleet.json), a real BIND named and a real Kamailio SIPS server
#     with healthy and broken SBCs (demo/peers.py)
#   - configure the fleet for Webex B2B, run it again (changed=0, zero API writes), edit one box out of band
#   - drift: the role in check mode with diff names the drifted field
#   - verify: configuration check plus the network checks of every SBC, and the readiness report
# DEMO_RUN_DIR (processes' files) and DEMO_REPORT_DIR (the report) move its output elsewhere.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
run="${DEMO_RUN_DIR:-$root/.build/demo}"
report="${DEMO_REPORT_DIR:-$root/report}"
bin="$root/.venv/bin"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_for() {  # wait_for FILE LOG: until FILE exists, or show LOG and fail
  for _ in $(seq 300); do [ -s "$1" ] && return 0; sleep 0.2; done
  cat "$2"; exit 1
}

rm -rf "$run" "$report" && mkdir -p "$run/emulator" "$run/peers"
say "Starting an emulated Expressway-E fleet (demo/fleet.json) on 127.0.0.1"
PYTHONPATH="$root/tools/expressway_emulator" "$bin/python" -m expressway_emulator \
  --fleet demo/fleet.json --state-dir "$run/emulator" --log "$run/emulator/requests.jsonl" \
  --ready-file "$run/emulator/ready.json" > "$run/emulator/emulator.out" 2>&1 &
pids+=($!)
say "Starting a local DNS server (BIND named) and SIPS server (Kamailio) with healthy and broken SBCs"
"$bin/python" demo/peers.py "$run/peers" "$run/peers.json" > "$run/peers/peers.out" 2>&1 &
pids+=($!)
wait_for "$run/emulator/ready.json" "$run/emulator/emulator.out"
cat "$run/emulator/emulator.out"
wait_for "$run/peers.json" "$run/peers/peers.out"
cat "$run/peers/peers.out"

"$bin/python" demo/webex_root.py "$run/webex-root.pem"
"$bin/python" demo/make_inventory.py "$run/emulator/ready.json" "$run/peers.json" "$run/webex-root.pem" \
  "$run/inventory.yml"
export UCOPS_BUILD="$run/build"
bash scripts/stage-collection.sh >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$run/build" ANSIBLE_PYTHON_INTERPRETER="$bin/python"
export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_RETRY_FILES_ENABLED=False
export EXPRESSWAY_PASSWORD=Expressway-Emul4tor   # the emulator's demo account
playbook() { "$bin/ansible-playbook" -i "$run/inventory.yml" "$@"; }
writes() { grep -vc '"method": "GET"' "$run/emulator/requests.jsonl" || true; }

say "1/5 configure: version gate, Webex zone, search rules, Webex root CA and firewall rules on every Expressway"
playbook playbooks/configure.yml
before=$(writes)

say "2/5 configure again: nothing to change"
playbook playbooks/configure.yml
echo "API writes during the second run (counted from the emulator's request log): $(( $(writes) - before ))"

say "Out-of-band edit on expe-nyc: someone changes the zone's TLS verify subject name in the web UI"
url=$("$bin/python" -c 'import json,sys; print([i["url"] for i in json.load(open(sys.argv[1]))["instances"] if i["name"]=="expe-nyc"][0])' "$run/emulator/ready.json")
curl -sS --cacert "$run/emulator/ca.pem" -u "admin:$EXPRESSWAY_PASSWORD" -X PUT \
  -H 'Content-Type: application/json' -d '{"Name": "Webex-B2B", "SIPTLSVerifySubjectName": "sip.example.test"}' \
  "$url/api/provisioning/common/zone/dnszone"; echo

say "3/5 configure --check --diff: the drift, shown and not changed"
playbook playbooks/configure.yml --check --diff --limit expe-nyc

say "4/5 drift.yml: one line per drifted object across the fleet (exits non-zero: something drifted)"
if playbook playbooks/drift.yml; then echo "drift.yml found no drift"; else echo "drift.yml exit status: $? (drift found)"; fi

say "5/5 verify.yml: configuration check and network checks of every SBC, written as one report"
playbook playbooks/verify.yml -e "webex_report_dir=$report" -e "webex_verify_results_file=$report/check-results.json" \
  || echo "verify.yml: some checks failed (see the report)"

say "Readiness report"
"$bin/python" tools/render_report.py "$report/webex-report.json" --format terminal || true  # exit 1: verdict fail
echo
for file in "$report"/*; do echo "  $file"; done
echo "Open $report/webex-report.html in a browser. Put the drift back with:"
echo "  ansible-playbook -i <inventory> playbooks/drift.yml -e remediate=true"
