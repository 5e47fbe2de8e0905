"""Write the demo inventory: one host per emulated Expressway-E, each the SBC of one organisation.

    python demo/make_inventory.py READY_JSON PEERS_JSON WEBEX_ROOT_PEM OUT_YAML

READY_JSON is the emulator's ready file; PEERS_JSON is what demo/peers.py wrote; WEBEX_ROOT_PEM what
demo/webex_root.py wrote. Each Expressway is
checked against its own SIPS destinations (healthy on expe-lon, certificate trouble elsewhere).
"""

import json
import sys

import yaml

# Which of the peers' destinations and which client certificate each Expressway stands for, and which
# certificate the stand-in for its SIP TLS port presents (EXP-CERT).
ORGANISATIONS = {
    "expe-lon": {"destinations": ["clean"], "client": "good", "sip_tls": "good"},
    "expe-nyc": {"destinations": ["expired", "expiring"], "client": "good", "sip_tls": "expired"},
    "expe-sin": {
        "destinations": ["wrong_name", "no_ptr", "leaf_only"],
        "client": "server_only",
        "sip_tls": "server_only",
    },
}


def host_vars(inst, peers):
    address, port = inst["instance"].rsplit(":", 1)
    org = ORGANISATIONS[inst["name"]]
    inbound = {key: peers["inbound"][key] for key in ("called_uri", "sbc_fqdn", "contact_fqdn")}
    inbound.update(peers["inbound"]["clients"][org["client"]])
    # The demo PKI's root stands in for the public roots, and so for the Expressway's trusted CA list
    # that the stand-in Webex edge's certificate is judged against.
    inbound["webex_trusted_cas"] = peers["ca_bundle"]
    # The emulator's HTTPS port is not a SIP port: EXP-CERT reads a local SIPS listener that stands in for
    # this Expressway-E's SIP TLS port.
    sip_tls = dict(peers["expressway_e"][org["sip_tls"]], ca_bundle=peers["ca_bundle"], timeout=3)
    return {
        "ansible_host": address,
        "expressway_port": int(port),
        "webex_verify_destinations": [peers["destinations"][name] for name in org["destinations"]],
        "webex_verify_inbound": inbound,
        "webex_verify_sip_tls": sip_tls,
    }


def main(ready_path, peers_path, webex_root, out_path):
    with open(ready_path, encoding="utf-8") as handle:
        ready = json.load(handle)
    with open(peers_path, encoding="utf-8") as handle:
        peers = json.load(handle)
    inventory = {
        "expressway": {
            "hosts": {inst["name"]: host_vars(inst, peers) for inst in ready["instances"]},
            "vars": {
                "ansible_connection": "local",
                "ansible_python_interpreter": sys.executable,
                "expressway_username": "admin",
                # The password comes from EXPRESSWAY_PASSWORD (the role's default); never in the inventory.
                "expressway_ca_path": ready["ca"],
                "webex_b2b_inbound_target_zone": "Traversal to Expressway-C",
                "webex_b2b_org_sip_domains": ["acme.calls.webex.test"],
                "webex_b2b_trusted_ca_files": [webex_root],
                # The local DNS server and the demo PKI's root stand in for public DNS and the public CAs.
                "webex_verify_check_options": {
                    "resolvers": peers["resolvers"],
                    "resolver_port": peers["resolver_port"],
                    "ca_bundle": peers["ca_bundle"],
                    "timeout": 3,
                    "fail_on": "never",
                },
                "webex_report_resolvers": [f"127.0.0.1:{peers['resolver_port']}"],
                "webex_report_trust_bundles": [peers["ca_bundle"]],
            },
        }
    }
    with open(out_path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(inventory, handle, sort_keys=False)


if __name__ == "__main__":
    main(*sys.argv[1:5])
