# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Command line: one instance (--listen) or a fleet (--fleet), a ready file, clean exit on SIGTERM."""

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from expressway_emulator.auth import DEFAULT_PASSWORD, DEFAULT_USERNAME, BasicAuth
from expressway_emulator.reqlog import RequestLog
from expressway_emulator.seed import apply_seed, load_seed
from expressway_emulator.server import EmulatorServer
from expressway_emulator.state import CLUSTER_ROLES, PRODUCTS, InstanceConfig, InstanceState
from expressway_emulator.switches import SWITCHES
from expressway_emulator.tls import Pki

INSTANCE_KEYS = (
    "name",
    "listen",
    "product",
    "version",
    "cluster_role",
    "seed",
    "system_name",
    "advanced_networking",
    "fail_after_apply",
) + tuple(SWITCHES)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="expressway_emulator", description=__doc__)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--listen", help="HOST:PORT of a single instance (port 0 picks a free port)")
    where.add_argument("--fleet", help="JSON file describing several instances")
    parser.add_argument("--name", help="instance name (default: the listen address)")
    parser.add_argument("--product", choices=sorted(PRODUCTS), default="expressway-e")
    parser.add_argument("--version", default="X14.3.2", help="software version, e.g. X14.3.2")
    parser.add_argument("--cluster-role", choices=CLUSTER_ROLES, default="standalone")
    parser.add_argument("--system-name", default="", help="SystemName reported by /sysinfo")
    parser.add_argument("--advanced-networking", action="store_true", help="allow firewall Interface LAN2")
    parser.add_argument("--seed", help="JSON file pre-populating the instance")
    for name, (choices, text) in SWITCHES.items():
        parser.add_argument(
            "--" + name.replace("_", "-"), choices=choices, default=choices[0], help=f"{text} (default {choices[0]})"
        )
    parser.add_argument(
        "--fail-after-apply",
        default="",
        help="METHOD:N:ANSWER[,...]: apply the Nth write of METHOD, then answer 500 or reset",
    )
    parser.add_argument("--cert", help="server certificate PEM (default: generated from a private CA)")
    parser.add_argument("--key", help="server private key PEM (with --cert)")
    parser.add_argument("--state-dir", help="where CA and certificates are kept (default: a temp dir)")
    parser.add_argument("--username", default=DEFAULT_USERNAME)
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password", default=None)
    secret.add_argument("--password-file", help="file holding the password (first line)")
    parser.add_argument("--log", help="append one JSON line per request to this file")
    parser.add_argument("--ready-file", help="write instance URLs and CA path here once listening")
    args = parser.parse_args(argv)
    if bool(args.cert) != bool(args.key):
        parser.error("--cert and --key go together")
    return args


def _split_listen(listen):
    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"listen address must be HOST:PORT, not {listen!r}")
    return host.strip("[]"), int(port)


def _instance(spec, base_dir):
    unknown = sorted(set(spec) - set(INSTANCE_KEYS))
    if unknown:
        raise ValueError(f"unknown fleet instance key(s): {', '.join(unknown)}")
    host, port = _split_listen(spec["listen"])
    return InstanceConfig(
        name=spec.get("name") or "",
        host=host,
        port=port,
        product=spec.get("product", "expressway-e"),
        version=spec.get("version", "X14.3.2"),
        cluster_role=spec.get("cluster_role") or "standalone",
        system_name=spec.get("system_name", ""),
        advanced_networking=bool(spec.get("advanced_networking", False)),
        seed=load_seed(spec.get("seed"), base_dir),
        switches={name: spec[name] for name in SWITCHES if spec.get(name) is not None},
        fail_after_apply=spec.get("fail_after_apply") or "",
    )


def instance_configs(args):
    if args.fleet:
        fleet = json.loads(Path(args.fleet).read_text(encoding="utf-8"))
        specs = fleet["instances"] if isinstance(fleet, dict) else fleet
        return [_instance(spec, Path(args.fleet).parent) for spec in specs]
    return [
        _instance(
            {
                "name": args.name,
                "listen": args.listen,
                "product": args.product,
                "version": args.version,
                "cluster_role": args.cluster_role,
                "system_name": args.system_name,
                "advanced_networking": args.advanced_networking,
                "seed": args.seed,
                "fail_after_apply": args.fail_after_apply,
                **{name: getattr(args, name) for name in SWITCHES},
            },
            Path.cwd(),
        )
    ]


def _password(args):
    if args.password_file:
        return Path(args.password_file).read_text(encoding="utf-8").splitlines()[0]
    return args.password if args.password is not None else DEFAULT_PASSWORD


def _url(server):
    return f"https://{server.instance}"


def _write_ready(path, servers, pki):
    doc = {
        "instances": [
            {
                "name": s.state.config.name,
                "url": _url(s),
                "instance": s.instance,
                "product": s.state.config.product,
                "version": s.state.config.version,
                "cluster_role": s.state.config.cluster_role,
            }
            for s in servers
        ],
        "ca": str(pki.ca_path.resolve()),
        "pid": os.getpid(),
    }
    tmp = Path(f"{path}.tmp")
    tmp.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    tmp.replace(path)  # atomic, so a waiting test never reads half a file


def build_servers(args, configs):
    state_dir = args.state_dir or tempfile.mkdtemp(prefix="expressway-emulator-")
    pki = Pki(state_dir, [c.host for c in configs], args.cert, args.key)
    context = pki.server_context()
    auth = BasicAuth(args.username, _password(args))
    reqlog = RequestLog(args.log)
    servers = []
    for config in configs:
        state = InstanceState(config, pki.seed_roots, pki.server_pem)
        apply_seed(state, config.seed)
        servers.append(EmulatorServer(state, auth, reqlog, context))
    return servers, pki, reqlog


def main(argv=None):
    args = parse_args(argv)
    try:
        configs = instance_configs(args)
        servers, pki, reqlog = build_servers(args, configs)
    except (OSError, ValueError, KeyError) as err:
        print(f"expressway_emulator: {err}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threads = [
        threading.Thread(target=s.serve_forever, args=(0.05,), name=s.state.config.name, daemon=True) for s in servers
    ]
    for thread in threads:
        thread.start()
    for server in servers:
        print(
            f"{server.state.config.name}: {_url(server)} ({server.state.config.system_type} "
            f"{server.state.config.version}, {server.state.config.cluster_role})",
            flush=True,
        )
    if args.ready_file:
        _write_ready(args.ready_file, servers, pki)
    while not stop.wait(0.1):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    reqlog.close()
    return 0
