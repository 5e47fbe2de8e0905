# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Trusted CA store (PEM text out, multipart upload in) and the server certificate."""

import email.parser
import email.policy
import re

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from expressway_emulator.errors import ApiError, bad_request

_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)


HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Expressway</title></head>"
    "<body><form action=\"/login\">Session expired: please log in.</form></body></html>\n"
)


class PemText(str):
    """A payload the server sends as text/plain rather than JSON."""


def split_pem(text):
    """The certificates in a PEM text, each re-encoded; 400 on anything else or on garbage."""
    blocks = list(_BLOCK.finditer(text))
    if not blocks:
        raise bad_request("No PEM certificate found in the uploaded file")
    certs = []
    for block in blocks:
        if block.group(1) != "CERTIFICATE":
            raise bad_request(f"Unsupported PEM block '{block.group(1)}': only certificates are accepted")
        try:
            cert = x509.load_pem_x509_certificate(block.group(0).encode())
        except ValueError as err:
            raise bad_request(f"Invalid PEM certificate: {err}") from err
        certs.append(cert.public_bytes(serialization.Encoding.PEM).decode())
    return certs


def form_file(content_type, raw):
    """The content of the multipart/form-data field called ``file``."""
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type:
        raise ApiError(415, "Expected multipart/form-data with a 'file' field")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    for part in message.iter_parts() if message.is_multipart() else ():
        if part.get_param("name", header="content-disposition") == "file":
            payload = part.get_payload(decode=True) or b""
            try:
                return payload.decode("ascii")
            except UnicodeDecodeError as err:
                raise bad_request("The uploaded file is not PEM text") from err
    raise bad_request("Missing form field 'file'")


class RootCerts:
    """GET answers the whole store as PEM; POST appends, silently skipping certificates already there."""

    def get(self, state, name=None):
        answer = state.config.switches["certs_root_answer"]
        if answer == "html":
            return 200, HTML_PAGE, {}, "text/html; charset=utf-8"
        if answer == "empty":
            return 200, PemText("")
        if answer == "garbage":
            return 200, PemText("Certificate store temporarily unavailable\n")
        return 200, PemText("".join(state.root_pems))

    def upload(self, state, content_type, raw):
        certs = split_pem(form_file(content_type, raw))
        added = 0
        for pem in certs:
            if pem not in state.root_pems:
                state.root_pems.append(pem)
                added += 1
        skipped = len(certs) - added
        return 200, {
            "Message": f"{added} certificate(s) added to the trusted CA list"
            f"{f', {skipped} already present' if skipped else ''}."
        }


class ServerCert:
    def get(self, state, name=None):
        return 200, PemText(state.server_pem)
