# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin of ucops.expressway.webex_b2b: the converge runs in Ansible's own worker process.

A module costs a Python process per host (AnsiballZ, interpreter start, imports), more than a converged
run's eight GETs. The module talks to the Expressway from the control node anyway (connection: local), so
where nothing needs the separate process, this plugin runs the same code (converge.run_in_process: the
module's argument spec, client and converge) in the worker Ansible has already forked for the host. Its
imports happen once, when the strategy loads this plugin in the main process before forking.

Anything that only a module process honours sends the task to the module as before (the reason is shown
at -vvv): a connection other than local, become, async, the task's environment keyword, ansible-core
before 2.19 (task arguments without their module_defaults), or a Python running Ansible that lacks the
collection's requirements.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.plugins.action.normal import ActionModule as ModuleAction
from ansible.release import __version__ as ansible_version

from ansible_collections.ucops.expressway.plugins.module_utils._expressway import client, converge, truststore

# ansible-core 2.19 finalises task arguments with their module_defaults before any action plugin runs;
# earlier versions apply them only when a module is executed.
ARGS_HAVE_DEFAULTS = tuple(int(part) for part in ansible_version.split('.')[:2]) >= (2, 19)


class ActionModule(ModuleAction):
    """Run webex_b2b in the worker process, or as a module where only a module process will do."""

    def run(self, tmp=None, task_vars=None):
        reason = self._module_process_reason()
        if reason:
            self._display.vvv(f'ucops.expressway.webex_b2b runs as a module process: {reason}')
            return super().run(tmp, task_vars)
        result = ActionBase.run(self, tmp, task_vars)
        result.update(converge.run_in_process(self._task.args, bool(self._task.check_mode), bool(self._task.diff)))
        return result

    def _module_process_reason(self):
        """Why this task must run as a module process, or None when the worker process will do."""
        transport = getattr(self._connection, 'transport', None)
        environment = self._task.environment
        if not ARGS_HAVE_DEFAULTS:
            return f'ansible-core {ansible_version} applies module_defaults only to a module process'
        if not (client.HAS_REQUESTS and truststore.HAS_CRYPTOGRAPHY):
            return 'the Python running Ansible lacks requests or cryptography'
        if transport != 'local':
            return f'connection {transport}'
        if self._play_context.become:
            return 'become'
        if self._task.async_val:
            return 'async'
        if environment and any(environment if isinstance(environment, list) else [environment]):
            return 'the environment keyword'
        return None
