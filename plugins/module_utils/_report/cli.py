# -*- coding: utf-8 -*-
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Command line renderer: a saved report (or saved check results) to JUnit, HTML and a terminal summary.

From an installed collection (the folder holding ``ansible_collections`` on the Python path)::

    python -m ansible_collections.ucops.expressway.plugins.module_utils._report.cli webex-report.json

From a checkout, ``tools/render_report.py`` takes the same arguments. ``--merge`` folds the reports of
several runs or AWX job slices into one::

    python -m ansible_collections.ucops.expressway.plugins.module_utils._report.cli --merge \
        slice1/webex-report.json slice2/webex-report.json -o merged/
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from ansible_collections.ucops.expressway.plugins.module_utils._report.document import ReportError, build_report
from ansible_collections.ucops.expressway.plugins.module_utils._report.merge import check_report, merge_reports
from ansible_collections.ucops.expressway.plugins.module_utils._report.render import (
    FORMATS,
    render_all,
    render_terminal,
    write_reports,
)


def _parser():
    parser = argparse.ArgumentParser(
        prog="render_report", description="Render a Webex B2B readiness report saved as JSON."
    )
    parser.add_argument(
        "input",
        nargs="+",
        help="a report JSON file, or with --results a {host: [check results]} JSON file; several with --merge",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="merge the inputs (reports of job slices or runs) into one report; a host in more "
        "than one input keeps the entry of the last; needs --output-dir",
    )
    parser.add_argument(
        "--results", action="store_true", help="the input holds check module results by host; build the report first"
    )
    parser.add_argument(
        "--group-by",
        choices=("host", "subject"),
        default="host",
        help="with --results: one matrix row per inventory host or per checked subject",
    )
    parser.add_argument(
        "--format",
        "-f",
        action="append",
        choices=FORMATS + ("terminal",),
        dest="formats",
        help="output to write (repeatable); default: junit, html and terminal",
    )
    parser.add_argument(
        "--output-dir", "-o", default=None, help="where report files go (default: the folder of the input file)"
    )
    parser.add_argument("--title", default=None, help="with --merge: the merged report's title (default: the first's)")
    return parser


def _load(path, from_results, group_by):
    with open(path, "r", encoding="utf-8") as handle:
        data = json.load(handle)
    if from_results:
        return build_report(data, group_by=group_by)
    try:
        return check_report(data, path)
    except ReportError as err:
        raise ReportError("%s; use --results for check results" % err) from err


def _report(args):
    if len(args.input) > 1 and not args.merge:
        raise ReportError("several inputs given: add --merge to merge them into one report")
    if args.merge and not args.output_dir:
        raise ReportError("--merge needs --output-dir (the merged files would overwrite an input's)")
    reports = [_load(path, args.results, args.group_by) for path in args.input]
    if args.merge:
        return merge_reports(reports, title=args.title)
    return reports[0]


def main(argv=None):
    args = _parser().parse_args(argv)
    formats = args.formats or (["json", "junit", "html", "terminal"] if args.merge else ["junit", "html", "terminal"])
    try:
        report = _report(args)
    except (OSError, ValueError, ReportError) as err:
        sys.stderr.write("render_report: %s\n" % err)
        return 2
    out_dir = args.output_dir or os.path.dirname(os.path.abspath(args.input[0]))
    files = [fmt for fmt in formats if fmt != "terminal"]
    if files:
        os.makedirs(out_dir, exist_ok=True)
        paths, dummy = write_reports(render_all(report, files), out_dir)
        for fmt in FORMATS:
            if fmt in paths:
                sys.stdout.write("%s: %s\n" % (fmt, paths[fmt]))
    if "terminal" in formats:
        sys.stdout.write(render_terminal(report))
    return 1 if report["summary"]["verdict"] in ("fail", "error") else 0


if __name__ == "__main__":
    raise SystemExit(main())
