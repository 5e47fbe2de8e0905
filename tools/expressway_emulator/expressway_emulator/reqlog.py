# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The request log tests read: one JSON line per request, flushed at once, no secrets."""

import datetime
import json
import threading

_SECRET_WORDS = ("password", "secret", "token")


def redact(value):
    """A copy of a parsed body with password-like values replaced."""
    if isinstance(value, dict):
        return {
            key: "********" if any(word in key.lower() for word in _SECRET_WORDS) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


class RequestLog:
    """Shared by every instance of a process; the ``instance`` field tells them apart."""

    def __init__(self, path=None):
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8") if path else None  # pylint: disable=consider-using-with

    def write(self, instance, name, method, path, status, body):
        if self._file is None:
            return
        entry = {
            "ts": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds"),
            "instance": instance,
            "name": name,
            "method": method,
            "path": path,
            "status": status,
            "body": redact(body),
        }
        line = json.dumps(entry, sort_keys=False)
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self):
        if self._file is not None:
            with self._lock:
                self._file.close()
                self._file = None
