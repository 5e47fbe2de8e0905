#!/usr/bin/env bash
# Install the Debian packages the tests and the demo start as real processes:
#   bind9 (named: the DNS server), kamailio + kamailio-tls-modules (the SIPS server),
#   chromium + chromium-driver (the browser test of the HTML report), shellcheck (ansible-test sanity).
# Skips what is already installed; needs root (apt-get) for anything missing.
set -euo pipefail
packages=(bind9 bind9-dnsutils kamailio kamailio-tls-modules chromium chromium-driver shellcheck)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi
echo "system packages: installing ${missing[*]} with apt-get"
if [ "$(id -u)" -ne 0 ]; then
  echo "error: installing Debian packages needs root; run as root or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Package scripts may start the distribution's own named or kamailio service; the tests start their own
# instances on loopback and high ports, so stop the system ones to keep the machine quiet.
for svc in named bind9 kamailio; do
  if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
done
echo "system packages: installed ${missing[*]}"
