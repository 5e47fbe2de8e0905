# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one exception the request handlers raise; the server turns it into a JSON answer."""


class ApiError(Exception):
    """An HTTP error answer: status code, the ``Message`` text and optional extra headers."""

    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_request(message):
    return ApiError(400, message)


def not_found(message="The requested resource does not exist."):
    return ApiError(404, message)
