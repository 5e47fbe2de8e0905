# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Exceptions raised inside the collection; modules turn them into fail_json at the edge only."""

from __future__ import annotations

import re

# How a box words "there is no object of that name" in a 400 (the contract has no evidence either way).
_MISSING = re.compile(r'does not exist|not found|no such|not exist', re.I)


def missing_message(message):
    """True when a server message says the object does not exist (a by-name miss answered 400)."""
    return bool(_MISSING.search(message or ''))


class ExpresswayError(Exception):
    """Base class: everything the collection raises on purpose derives from it."""

    def fail_kwargs(self):
        """Keyword arguments for module.fail_json (msg plus structured details)."""
        return {'msg': str(self)}


class ConnectionFailure(ExpresswayError):
    """The appliance could not be reached (DNS, TCP, TLS or timeout), after the retries were spent."""

    def __init__(self, method, url, reason):
        self.method = method
        self.url = url
        self.reason = reason
        super().__init__(f'{method} {url} failed: {reason}')


class OutcomeUnknown(ConnectionFailure):
    """A write (POST, PUT, DELETE) may or may not have been applied: the box took the request, then the
    answer was lost (reset, timeout, truncated body, 5xx). The client never resends such a request; the
    caller re-reads the object and decides (see docs/design.md, retry policy per method)."""


class ApiError(ExpresswayError):
    """The appliance answered, but not with what the request needed."""

    def __init__(self, method, url, status, message, detail=None):
        self.method = method
        self.url = url
        self.status = status
        self.message = message
        text = f'{method} {url} returned HTTP {status}'
        if message:
            text += f': {message}'
        if detail:
            text += f' ({detail})'
        super().__init__(text)

    def fail_kwargs(self):
        return {
            'msg': str(self),
            'method': self.method,
            'url': self.url,
            'status': self.status,
            'server_message': self.message,
        }


class AuthError(ApiError):
    """401 or 403: wrong credentials, or an account without API access."""


class ValidationError(ExpresswayError):
    """User input the module refuses before it writes anything."""

    def __init__(self, option, value, allowed, reason=None, text=None):
        self.option = option
        self.value = value
        self.allowed = allowed
        if text is None:
            text = f'Invalid value {value!r} for option {option}'
            if reason:
                text += f': {reason}'
            text += f'; allowed: {allowed}'
        super().__init__(text)

    def fail_kwargs(self):
        return {'msg': str(self), 'option': self.option}


class RefusedError(ExpresswayError):
    """A change the module will not make (lock-out, clashing priorities, an API the box lacks); nothing written."""

    def __init__(self, message, **details):
        self.details = details
        super().__init__(message)

    def fail_kwargs(self):
        return dict(self.details, msg=str(self))
