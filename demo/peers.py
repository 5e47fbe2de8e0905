"""The demo's network: a real BIND named and a real Kamailio on loopback, serving healthy and broken SBCs.

It reuses the test suite's peer plan (tests/integration/support): one fixture PKI, forward and reverse
zones under example.test, and one TLS listener per SBC address. It writes what the checks need to
PEERS_JSON (resolver port, CA bundle, destination URIs, inbound options), then runs until SIGTERM.

    python demo/peers.py RUN_DIR PEERS_JSON
"""

import json
import signal
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))

# pylint: disable=wrong-import-position
from support.dns_server import NamedServer  # noqa: E402
from support.pki import FixturePKI  # noqa: E402
from support.sips_server import KamailioServer  # noqa: E402
from support.webex_peers import PeerPlan  # noqa: E402

# The scenarios of the plan the demo shows, by what a person would call them.
OUTBOUND = ("clean", "expired", "wrong_name", "no_ptr", "leaf_only", "expiring")


def describe(plan, pki, dns_port):
    client = plan.client
    return {
        "resolvers": ["127.0.0.1"],
        "resolver_port": dns_port,
        "ca_bundle": str(pki.ca_bundle),
        "destinations": {name: plan.scenarios[name].uri for name in OUTBOUND},
        "inbound": {
            "called_uri": plan.called_uri,
            "sbc_fqdn": plan.sbc_fqdn,
            "contact_fqdn": plan.contact_fqdn,
            "clients": {
                name: {"client_cert": str(leaf.chain_file), "client_key": str(leaf.key_file)}
                for name, leaf in client.items()
            },
        },
        # The emulated Expressway-Es answer the API only; Kamailio listeners stand in for their SIP TLS
        # ports, each presenting one Expressway-E certificate (EXP-CERT reads it off the wire).
        "expressway_e": {
            name: {"host": plan.address(e.index), "server_name": e.fqdn} for name, e in plan.expressway_e.items()
        },
    }


def main(run_dir, peers_json):
    run_dir = Path(run_dir)
    pki = FixturePKI(run_dir / "pki")
    plan = PeerPlan(pki)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with (
        NamedServer(run_dir / "named", [plan.zone, plan.reverse]) as named,
        KamailioServer(run_dir / "kamailio", plan.profiles, servers=plan.servers),
    ):
        tmp = Path(peers_json + ".tmp")
        tmp.write_text(json.dumps(describe(plan, pki, named.port), indent=2))
        tmp.rename(peers_json)
        print(
            f"named on 127.0.0.1:{named.port} (example.test, 127.in-addr.arpa); "
            f"Kamailio SIPS on {plan.net}.0/24 ports 5061/5062",
            flush=True,
        )
        stop.wait()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
