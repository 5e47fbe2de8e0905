# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Singletons and small resources: system information, DNS settings and servers, SIP settings."""

from expressway_emulator.errors import bad_request
from expressway_emulator.fields import apply_update, build_new
from expressway_emulator.named import CREATED, DELETED, UPDATED, _key_only
from expressway_emulator.schemas import DNS_SERVER, DNS_SETTINGS, SIP_CONFIGURATION

MAX_DNS_SERVERS = 5


class SysInfo:
    singleton = True

    def get(self, state, name=None):
        config = state.config
        return 200, {
            "ProductType": "Expressway",
            "SystemType": config.system_type,
            "SoftwareVersion": config.version,
            "SystemName": config.system_name,
            "SerialNumber": config.serial_number,
            "Uptime": state.uptime(),
        }


class DnsSettings:
    """Host name and domain: a bare JSON object on GET, partial updates on PUT."""

    schema = DNS_SETTINGS
    singleton = True

    def get(self, state, name=None):
        return 200, dict(state.dns)

    def put(self, state, body):
        state.dns = apply_update(DNS_SETTINGS, state.dns, body)
        return 200, UPDATED


class SipConfiguration:
    """SIP protocol settings: answered as a one-element array, as a captured real box did."""

    schema = SIP_CONFIGURATION
    singleton = True

    def get(self, state, name=None):
        return 200, [dict(state.sip)]

    def put(self, state, body):
        obj = apply_update(SIP_CONFIGURATION, state.sip, body)
        if obj["TCPOutboundPortStart"] > obj["TCPOutboundPortEnd"]:
            raise bad_request("TCPOutboundPortStart must not be greater than TCPOutboundPortEnd")
        if obj["MinimumSessionRefreshInterval"] > obj["SessionRefreshInterval"]:
            raise bad_request("MinimumSessionRefreshInterval must not exceed SessionRefreshInterval")
        state.sip = obj
        return 200, UPDATED


def _server_body(body):
    """POST/PUT bodies wrap the server: {"DefaultDNSServers": {"index": 2, "address": "..."}}."""
    extra = sorted(set(body) - {"DefaultDNSServers"})
    if extra:
        raise bad_request(f"Unknown key(s): {', '.join(extra)}; expected DefaultDNSServers")
    inner = body.get("DefaultDNSServers")
    if not isinstance(inner, dict):
        raise bad_request("DefaultDNSServers: expected an object with index and address")
    return build_new(DNS_SERVER, inner)


def dns_server_answer(shape, servers):
    """The GET body in one of the shapes the contract says a box may use; each has its own "none"."""
    if shape == "wrapped":
        if not servers:
            return {}
        return {"DefaultDNSServers": servers[0] if len(servers) == 1 else servers}
    if shape == "wrapped-list":
        return {"DefaultDNSServers": servers}
    if shape == "list-of-wrappers":
        return [{"DefaultDNSServers": server} for server in servers]
    return servers


class DnsServers:
    """Default DNS servers, keyed by a lower-case ``index`` 1-5."""

    schema = DNS_SERVER

    def get(self, state, name=None):
        servers = [{"index": index, "address": address} for index, address in sorted(state.dns_servers.items())]
        return 200, dns_server_answer(state.config.switches["dns_server_shape"], servers)

    def post(self, state, body, seeding=False):
        server = _server_body(body)
        if server["index"] in state.dns_servers:
            raise bad_request(f"DNS server index {server['index']} is already configured")
        if len(state.dns_servers) >= MAX_DNS_SERVERS:
            raise bad_request(f"Cannot add DNS server: the limit of {MAX_DNS_SERVERS} is reached")
        state.dns_servers[server["index"]] = server["address"]
        return 201, CREATED

    def put(self, state, body):
        server = _server_body(body)
        if server["index"] not in state.dns_servers:
            raise bad_request(f"DNS server index {server['index']} does not exist")
        state.dns_servers[server["index"]] = server["address"]
        return 200, UPDATED

    def delete(self, state, body):
        index = _key_only(body, "index")
        DNS_SERVER["index"].check("index", index)
        if index not in state.dns_servers:
            raise bad_request(f"DNS server index {index} does not exist")
        del state.dns_servers[index]
        return 200, DELETED
