# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP Basic authentication against the one API administrator account."""

import base64
import binascii
import hmac

from expressway_emulator.errors import ApiError

DEFAULT_USERNAME = "admin"
DEFAULT_PASSWORD = "Expressway-Emul4tor"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Expressway API"'}


class BasicAuth:
    def __init__(self, username=DEFAULT_USERNAME, password=DEFAULT_PASSWORD):
        self._username = username.encode()
        self._password = password.encode()

    def __repr__(self):
        # Keep the password out of tracebacks and debug output.
        return f"BasicAuth(username={self._username.decode()!r})"

    def require(self, header):
        """Raise a 401 with the Basic challenge unless `header` carries the right credentials."""
        if not header or not header.startswith("Basic "):
            raise ApiError(401, "Authentication required.", CHALLENGE)
        try:
            user, _sep, password = base64.b64decode(header[6:].strip(), validate=True).partition(b":")
        except (binascii.Error, ValueError) as err:
            raise ApiError(401, "Malformed Basic credentials.", CHALLENGE) from err
        # Compare both parts even when the first differs, so timing does not tell which was wrong.
        user_ok = hmac.compare_digest(user, self._username)
        password_ok = hmac.compare_digest(password, self._password)
        if not (user_ok and password_ok):
            raise ApiError(401, "Authentication failed: wrong username or password.", CHALLENGE)
