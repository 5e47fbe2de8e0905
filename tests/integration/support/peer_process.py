"""What the test peers (named, Kamailio) share: a foreground child process with a log, stopped cleanly."""

from __future__ import annotations

import subprocess


class PeerProcess:
    """Subclasses set ``self.proc`` in ``start()`` and define ``NAME``, ``STOP_WAIT`` and ``log_text()``."""

    NAME = "peer"
    STOP_WAIT = 10

    proc = None

    def log_text(self):
        raise NotImplementedError

    def start(self):
        raise NotImplementedError

    def assert_alive(self):
        """Raise with the peer's log when it is gone: its absence must not pass for refusals."""
        if self.proc is None or self.proc.poll() is not None:
            code = None if self.proc is None else self.proc.returncode
            raise RuntimeError(f"{self.NAME} is no longer running (exit {code}):\n{self.log_text()}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(self.STOP_WAIT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
