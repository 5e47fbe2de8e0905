# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Answer-shape switches: where the API contract allows more than one answer, which one this box gives.

The first choice of each switch is the default and is what the emulator always answered before the
switch existed. Every switch is settable per fleet instance (same key) and on the command line
(``--name-miss`` for ``name_miss``, ...).
"""

import re

SWITCHES = {
    "name_miss": (
        ("empty-list", "empty-object", "404", "400"),
        "answer of GET <collection>/name/<Name> for a name that does not exist",
    ),
    "create_status": (("201", "200"), "status of a POST that creates"),
    "singleton_shape": (
        ("mixed", "object", "array"),
        "singletons (sysinfo, DNS settings, SIP): as seen on real boxes (mixed), "
        "always a bare object, or always a one-element array",
    ),
    "dns_server_shape": (
        ("bare", "wrapped", "wrapped-list", "list-of-wrappers"),
        "GET common/dns/dnsserver: bare list, {DefaultDNSServers: object}, "
        "{DefaultDNSServers: [objects]} or [{DefaultDNSServers: object}, ...]",
    ),
    "firewall_index": (
        ("stable", "compact"),
        "after a firewall rule DELETE: the others keep their Index, or are renumbered 1..n",
    ),
    "certs_root_answer": (
        ("pem", "html", "empty", "garbage"),
        "what GET certs/root answers with 200: the store as PEM, a web page, an empty body, or text that is not PEM",
    ),
}

FAULT_RE = re.compile(r"^(POST|PUT|DELETE):([1-9][0-9]*):(500|reset)$")


def defaults():
    return {name: choices[0] for name, (choices, _help) in SWITCHES.items()}


def check(name, value):
    choices = SWITCHES[name][0]
    value = str(value)
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def parse_faults(value):
    """``METHOD:N:ANSWER[,...]``: the Nth applied write of METHOD is answered 500 or not at all (reset)."""
    faults = []
    for item in [part.strip() for part in str(value or "").split(",") if part.strip()]:
        match = FAULT_RE.match(item)
        if not match:
            raise ValueError(
                f"fail_after_apply entry {item!r} is not METHOD:N:ANSWER "
                "(METHOD POST, PUT or DELETE; N from 1; ANSWER 500 or reset)"
            )
        faults.append((match.group(1), int(match.group(2)), match.group(3)))
    return faults


class Faults:
    """Counts applied writes per method; says which answer replaces the normal one."""

    def __init__(self, faults):
        self.faults = list(faults)
        self.applied = {}

    def after_apply(self, method):
        """Called once a write was applied; returns None, '500' or 'reset'."""
        self.applied[method] = self.applied.get(method, 0) + 1
        for fault_method, nth, answer in self.faults:
            if fault_method == method and nth == self.applied[method]:
                return answer
        return None
