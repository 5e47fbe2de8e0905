"""Write the demo inventory from the emulator's ready file: one host per emulated Expressway."""
import json
import sys

import yaml


def main(ready_path, out_path):
    with open(ready_path, encoding="utf-8") as handle:
        ready = json.load(handle)
    hosts = {}
    for inst in ready["instances"]:
        address, port = inst["instance"].rsplit(":", 1)
        hosts[inst["name"]] = {"ansible_host": address, "expressway_port": int(port)}
    inventory = {"expressway": {
        "hosts": hosts,
        "vars": {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "expressway_username": "admin",
            # The password comes from EXPRESSWAY_PASSWORD (the role's default); never in the inventory.
            "expressway_ca_path": ready["ca"],
            "webex_b2b_inbound_target_zone": "Traversal to Expressway-C",
            "webex_b2b_org_sip_domains": ["acme.calls.webex.test"],
        },
    }}
    with open(out_path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(inventory, handle, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
