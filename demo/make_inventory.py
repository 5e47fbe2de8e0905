"""Write the demo inventory: one host per emulated Expressway-E, each the SBC of one organisation.

    python demo/make_inventory.py READY_JSON PEERS_JSON WEBEX_ROOT_PEM OUT_YAML

READY_JSON is the emulator's ready file; PEERS_JSON is what demo/peers.py wrote; WEBEX_ROOT_PEM what
demo/webex_root.py wrote. Each Expressway is
checked against its own SIPS destinations (healthy on expe-lon, certificate trouble elsewhere).
"""
import json
import sys

import yaml

# Which of the peers' destinations and which client certificate each Expressway stands for.
ORGANISATIONS = {
    "expe-lon": {"destinations": ["clean"], "client": "good"},
    "expe-nyc": {"destinations": ["expired", "expiring"], "client": "good"},
    "expe-sin": {"destinations": ["wrong_name", "no_ptr", "leaf_only"], "client": "server_only"},
}


def host_vars(inst, peers):
    address, port = inst["instance"].rsplit(":", 1)
    org = ORGANISATIONS[inst["name"]]
    inbound = {key: peers["inbound"][key] for key in ("called_uri", "sbc_fqdn", "contact_fqdn")}
    inbound.update(peers["inbound"]["clients"][org["client"]])
    return {
        "ansible_host": address, "expressway_port": int(port),
        "webex_verify_destinations": [peers["destinations"][name] for name in org["destinations"]],
        "webex_verify_inbound": inbound,
    }


def main(ready_path, peers_path, webex_root, out_path):
    with open(ready_path, encoding="utf-8") as handle:
        ready = json.load(handle)
    with open(peers_path, encoding="utf-8") as handle:
        peers = json.load(handle)
    inventory = {"expressway": {
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
                "resolvers": peers["resolvers"], "resolver_port": peers["resolver_port"],
                "ca_bundle": peers["ca_bundle"], "timeout": 3, "fail_on": "never",
            },
            "webex_report_resolvers": [f"127.0.0.1:{peers['resolver_port']}"],
            "webex_report_trust_bundles": [peers["ca_bundle"]],
        },
    }}
    with open(out_path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(inventory, handle, sort_keys=False)


if __name__ == "__main__":
    main(*sys.argv[1:5])
