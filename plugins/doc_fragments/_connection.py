# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by every module that talks to the Expressway REST API."""

    DOCUMENTATION = r'''
options:
  host:
    description:
      - Host name or IP address of the Expressway (the cluster primary). An IPv6 address may be given with
        or without brackets (V(::1) or V([::1])).
      - The host only, not a URL, so without scheme, port or path (the port goes in O(port)).
      - If not set, the value of the E(EXPRESSWAY_HOST) environment variable is used.
    type: str
    required: true
  port:
    description:
      - HTTPS port of the REST API, 1 to 65535.
    type: int
    default: 443
  username:
    description:
      - Administrator account with API access. Required, like O(password), since the API answers nothing
        without credentials.
      - If not set, the value of the E(EXPRESSWAY_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username), sent as UTF-8. Never shown in messages or returned values.
      - If not set, the value of the E(EXPRESSWAY_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server certificate of the Expressway.
      - Only set to V(false) on a lab box you trust otherwise.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) to trust for the Expressway's server certificate.
      - If not set, the system trust store is used when O(validate_certs=true). Ignored when
        O(validate_certs=false).
      - Must be a readable file holding at least one PEM certificate; this is checked before the first request.
    type: path
  timeout:
    description:
      - Seconds one request may take overall, greater than 0. The limit covers connecting, sending and
        receiving the whole answer, so a server that answers slowly cannot hold the task beyond it.
      - A request that is retried (see the notes) gets this time again for each attempt.
    type: float
    default: 30
  api_prefix:
    description:
      - Path prefix of the provisioning API. Older releases document V(/api/provisioning), newer
        guides V(/api/v1/provisioning); current releases serve both.
    type: str
    default: /api/provisioning
    choices:
      - /api/provisioning
      - /api/v1/provisioning
notes:
  - Connection options are checked before the first request.
  - "Retries: at most three per request, after 0.5, 1 and 2 seconds, or after the time a C(Retry-After) header
    of an HTTP 429 or 5xx answer asks for (seconds or an HTTP date) when that is at most 30 seconds and at most
    O(timeout); all waits of one request together stay within 60 seconds."
  - A request that could not connect (connection refused, or no answer to connecting) is retried once,
    whatever its method, since the Expressway never saw it.
  - Reads (GET) and updates (PUT, whose bodies name the object and carry absolute values, so sending one
    twice has the effect of sending it once) are also retried on resets, timeouts, answers cut short,
    HTTP 429 and HTTP 5xx.
  - Creates (POST) and deletes (DELETE) are never sent again once they may have reached the Expressway;
    besides a failed connection, only HTTP 429 (refused without acting) is retried. After a reset, a
    timeout or an answer cut short after sending, or an HTTP 5xx answer, the change may or may not have
    been applied; the module reads the object again where it can, and otherwise fails saying so. The same
    holds for an update whose retries are spent. A re-run converges.
  - Redirects are never followed; an HTTP 3xx answer fails the task and names the target.
  - A name that does not resolve, a certificate that does not verify, and HTTP 401 and 403 answers fail at
    once, with a message that names the option to check.
  - Configure the cluster primary only; peers replicate the configuration.
requirements:
  - requests
'''
