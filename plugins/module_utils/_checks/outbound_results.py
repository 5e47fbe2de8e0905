# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The return value of webex_outbound_check, built one destination at a time.

Rows arrive per destination (from _checks.outbound.run's emit), so the roll-up and the counts are kept as
they come. Without a file every row is kept and returned. With ``results_path`` every row is written
to that file as a JSON line the moment it is made and only the rows a person acts on (fail and warn)
stay in memory: a check over thousands of destinations then costs memory for its roll-up, not for
every row and its evidence (and Ansible's copy of them when the module returns).

The file is written beside its final place and moved there when the run ends, so a failed run
never leaves a half-written file at that path, and an earlier file stays until the new one is whole.
"""

from __future__ import annotations

import json
import os
import tempfile

from ansible_collections.ucops.expressway.plugins.module_utils._checks.context import CheckSetupError
from ansible_collections.ucops.expressway.plugins.module_utils._checks.results import STATUSES, roll_up, verdict

KEPT_WITH_FILE = ('fail', 'warn')


class Results(object):
    """Rows, rules and counts of one run; ``add`` takes one destination's rows."""

    def __init__(self, path=None):
        self.path = path
        self.rows, self.rules = [], []
        self.counts = dict((status, 0) for status in STATUSES)
        self.written = 0
        self._handle = self._temporary = None
        if path:
            self._handle = self._open(path)

    def _open(self, path):
        """The temporary file beside ``path``; CheckSetupError naming the option when it cannot be written."""
        directory = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(path):
            raise CheckSetupError('results_path: %r is a directory; give the path of a file to write' % path)
        if not os.path.isdir(directory):
            raise CheckSetupError('results_path: %r: the directory %s does not exist' % (path, directory))
        try:
            handle, self._temporary = tempfile.mkstemp(
                prefix='.%s.' % os.path.basename(path), suffix='.part', dir=directory
            )
        except OSError as err:
            raise CheckSetupError('results_path: %r: cannot write in %s (%s)' % (path, directory, err)) from err
        # mkstemp makes the file private; the results hold no secrets, so it gets the usual mode.
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(self._temporary, 0o666 & ~mask)
        return os.fdopen(handle, 'w', encoding='utf-8')

    def add(self, rows):
        """One destination's rows, in order."""
        self.rules += roll_up(rows)
        for row in rows:
            self.counts[row['status']] += 1
        if self._handle is None:
            self.rows += rows
            return
        self._handle.writelines(json.dumps(row, default=str) + '\n' for row in rows)
        self.written += len(rows)
        self.rows += [row for row in rows if row['status'] in KEPT_WITH_FILE]

    def close(self, complete):
        """Move the file into place when the run is complete, else remove the partial one."""
        if self._handle is None:
            return
        self._handle.close()
        self._handle = None
        if complete:
            os.replace(self._temporary, self.path)
        else:
            os.unlink(self._temporary)

    def result(self, fail_on, certificates):
        """The module's return value (with ``failed``, which the module pops)."""
        failed, msg = verdict(self.rules, fail_on)
        result = {
            'changed': False,
            'failed': failed,
            'msg': msg,
            'results': self.rows,
            'rules': self.rules,
            'summary': self.counts,
            'certificates': certificates,
        }
        if self.path:
            result.update(results_path=self.path, results_written=self.written)
        return result
