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
      - Host name or IP address of the Expressway (the cluster primary).
      - If not set, the value of the E(EXPRESSWAY_HOST) environment variable is used.
    type: str
    required: true
  port:
    description:
      - HTTPS port of the REST API.
    type: int
    default: 443
  username:
    description:
      - Administrator account with API access.
      - If not set, the value of the E(EXPRESSWAY_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username). Never shown in messages or returned values.
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
      - If not set, the system trust store is used when O(validate_certs=true).
    type: path
  timeout:
    description:
      - Seconds to wait for a connection and for each response.
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
  - Requests are retried, with exponential backoff, up to three times on connection errors, timeouts,
    HTTP 429 and 5xx, for GET, PUT and DELETE only. POST is never retried, so a create is never sent twice.
  - Configure the cluster primary only; peers replicate the configuration.
requirements:
  - requests
'''
