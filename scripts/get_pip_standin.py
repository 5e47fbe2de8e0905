"""Offline stand-in for the get-pip.py bootstrap script that ansible-test downloads.

ansible-test (``sanity --venv``) fetches get-pip.py from a CI host to seed pip into each
virtual environment it creates. Where that host cannot be reached, this script does the same
job from the interpreter's own ``ensurepip`` and then installs the requested packages from
the configured package index, so the sanity tool chain still comes from PyPI.
"""

import subprocess
import sys

# get-pip.py specific switches that pip itself does not understand.
GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
    if args:
        subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
