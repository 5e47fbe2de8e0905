# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The IPv4 source ranges Webex signalling and media come from, as Cisco publishes them, and where from.

Source: the table "IP subnets for Webex media services" of the Webex help article "Network Requirements
for Webex Services" (WBX000028782, SOURCE_URL). As we read that article, its section on SIP-based
services uses the same subnets for SIP signalling and media from the Webex cloud; the B2B article (7ej8gq)
names ports only, and Cisco publishes no separate list for B2B signalling, so SIGNALLING and MEDIA are
the same list (re-check this reading too).

How the list was obtained (RETRIEVED): read from stored public copies of the article and cross-checked
against three independent public copies of the same table (a published firewall allow list dated
2026-06-06, a provider catalogue quoting the article revision of April 2026, and a router allow list);
all agree on these 18 blocks. The live page was not fetched. Cisco announces changes about 30 days ahead
and says ports and ranges can change without notice: re-check this list against SOURCE_URL before
relying on it, and correct it here and in the changelog (the Webex profile, ``_webex``, reads it from here).
IPv6 ranges are left out: the B2B rules require IPv4 (OUT-A).

The module ``ucops.expressway.webex_b2b`` writes firewall rules from these ranges when
``firewall_published_sources`` is true; ``webex_config_check`` (EXP-FW) asks whether the
firewall admits traffic from them.
"""

from __future__ import annotations

import ipaddress

SOURCE_URL = 'https://help.webex.com/en-us/article/WBX000028782/Network-Requirements-for-Webex-Services'
SOURCE_TABLE = 'IP subnets for Webex media services'
RETRIEVED = '2026-12-01 (stored copies, article revision of April 2026; not fetched live)'

WEBEX_IPV4 = (
    '23.89.0.0/16',
    '62.109.192.0/18',
    '64.68.96.0/19',
    '66.114.160.0/20',
    '66.163.32.0/19',
    '69.26.160.0/19',
    '114.29.192.0/19',
    '144.196.0.0/16',
    '150.253.128.0/17',
    '163.129.0.0/16',
    '170.72.0.0/16',
    '170.133.128.0/18',
    '173.39.224.0/19',
    '173.243.0.0/20',
    '207.182.160.0/19',
    '209.197.192.0/19',
    '210.4.192.0/20',
    '216.151.128.0/19',
)

SIGNALLING = WEBEX_IPV4
MEDIA = WEBEX_IPV4


def networks(ranges=WEBEX_IPV4):
    """The ranges as ipaddress networks (strict: a range with host bits set is a data error)."""
    return [ipaddress.ip_network(text) for text in ranges]


def provenance():
    """Where the ranges come from, for evidence and documentation."""
    return {'source': SOURCE_URL, 'table': SOURCE_TABLE, 'retrieved': RETRIEVED}
