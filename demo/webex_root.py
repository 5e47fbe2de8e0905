"""Write the root CA that signs Webex's certificate, as PEM, from Mozilla's store shipped by certifi.

    python demo/webex_root.py OUT_PEM

The root is picked by the SHA-256 of its DER encoding (the collection's copy of the Webex CA data marks it
documented-current), never by its name. Users can do the same, or take the PEM from their own PKI team.
"""

import ast
import hashlib
import ssl
import sys
from pathlib import Path

import certifi

CAS_MODULE = Path(__file__).resolve().parents[1] / "plugins" / "module_utils" / "_webex_cas.py"


def documented_current():
    """SHA-256 fingerprints of the roots the Webex CA data marks documented-current."""
    tree = ast.parse(CAS_MODULE.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "WEBEX_CAS":
            cas = ast.literal_eval(node.value)
            return {sha for sha, info in cas.items() if info["evidence"] == "documented-current"}
    raise SystemExit("WEBEX_CAS not found in " + str(CAS_MODULE))


def main(out_path):
    wanted = documented_current()
    text = Path(certifi.where()).read_text(encoding="ascii")
    blocks = [
        "-----BEGIN CERTIFICATE-----" + part.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
        for part in text.split("-----BEGIN CERTIFICATE-----")[1:]
    ]
    found = [pem for pem in blocks if hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest() in wanted]
    if not found:
        raise SystemExit("the Webex root is not in this certifi bundle")
    Path(out_path).write_text("".join(found), encoding="ascii")


if __name__ == "__main__":
    main(sys.argv[1])
