# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):
    """Options shared by the network check modules (argument spec: _checks.context.check_argument_spec)."""

    DOCUMENTATION = r'''
options:
  resolvers:
    description:
      - IPv4 or IPv6 addresses of the DNS servers to ask, for example the public resolver the Webex cloud
        would use, an authoritative server, or a test server.
      - When not given, the system resolvers are used. An empty list means no resolver at all.
    type: list
    elements: str
  resolver_port:
    description:
      - The port the O(resolvers) answer on.
    type: int
    default: 53
  ca_bundle:
    description:
      - PEM file of the trust anchors the certificate chain must end at. Roots are matched by the SHA-256 of
        their DER encoding, never by name.
      - When not given, Mozilla's root store as shipped by the C(certifi) Python package is used, which is
        what Webex's list of supported CAs is based on.
    type: path
  expiry_warning_days:
    description:
      - Warn when a certificate expires in fewer days than this.
    type: int
    default: 30
  timeout:
    description:
      - Seconds to wait for each DNS query, each TCP connection and each TLS handshake or SIP answer.
    type: float
    default: 5
  concurrency:
    description:
      - How many subjects and addresses are checked at the same time. A target that does not answer only
        costs its own timeout.
    type: int
    default: 16
  sip_options_probe:
    description:
      - Send one SIP OPTIONS request over each TLS connection and record the status line and the
        C(Server) or C(User-Agent) header, so an open port is told apart from a SIP service that answers.
    type: bool
    default: true
  fail_on:
    description:
      - When the task fails.
      - V(must) fails when a must rule has status V(fail).
      - V(should) also fails when a must or should rule has status V(fail) or V(warn).
      - V(never) never fails the task on a finding; read RV(results) and RV(rules).
    type: str
    choices: [must, should, never]
    default: must
requirements:
  - dnspython
  - cryptography
  - certifi (when O(ca_bundle) is not given)
attributes:
  action_group:
    description: Use C(group/ucops.expressway.checks) in C(module_defaults) to set the shared options once.
    support: full
    membership:
      - ucops.expressway.checks
'''
