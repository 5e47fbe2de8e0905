# -*- coding: utf-8 -*-
# Copyright (c) ucops.expressway contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Jinja2 template of the HTML report, kept as a string so it ships inside module_utils.

A template file next to a module is not packed into the module payload, while module_utils are; a
string here reaches the module on any host, and the command line renderer reads the same constant.
The page carries its own CSS and script (no external assets): it must work opened from a file, offline.
The matrix, counts and detail panels are rendered here; the script only filters and shows panels.
"""

from __future__ import annotations

HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ report.metadata.title }}: {{ report.summary.verdict }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d2329; background: #fff; }
h1 { margin: 0 0 .3rem 0; font-size: 1.5rem; }
.meta { color: #555; font-size: .85rem; margin-bottom: 1rem; }
.meta span { margin-right: 1.2rem; overflow-wrap: anywhere; }
.verdict { padding: .1rem .5rem; border-radius: .3rem; color: #fff; }
.status-pass { background: #2e8540; color: #fff; }
.status-fail { background: #c62828; color: #fff; }
.status-warn { background: #f2a900; color: #1d2329; }
.status-skip { background: #9ea7ad; color: #fff; }
.status-error { background: #6a1b9a; color: #fff; }
.status-none { background: #f4f5f6; color: #999; }
.filters { margin: 1rem 0; }
.filters button { border: 1px solid #aab; background: #fff; padding: .35rem .8rem; margin-right: .3rem;
  border-radius: 1rem; cursor: pointer; font-size: .9rem; }
.filters button[aria-pressed="true"] { background: #1d2329; color: #fff; }
.filters .count { font-weight: bold; margin-left: .3rem; }
.layout { display: flex; gap: 1.5rem; align-items: flex-start; flex-wrap: wrap; }
.layout > * { min-width: 0; }
/* The matrix takes the page width and shares it between the rule columns (fixed layout), so a laptop
   screen shows every column of the catalogue without scrolling sideways; the wrapper scrolls only if a
   catalogue ever outgrows that. */
.matrix-wrap { width: 100%; overflow-x: auto; }
table.matrix { border-collapse: collapse; font-size: .8rem; table-layout: fixed; width: 100%; }
table.matrix col.hostcol { width: 10rem; }
table.matrix th, table.matrix td { border: 1px solid #fff; padding: .25rem .1rem; text-align: center;
  overflow: hidden; text-overflow: clip; }
table.matrix thead tr.rules th { background: #eef0f2; writing-mode: vertical-rl; transform: rotate(180deg);
  white-space: nowrap; font-weight: 600; font-size: .75rem; }
table.matrix thead tr.groups th { background: #dde2e6; font-size: .8rem; font-weight: 600; }
table.matrix .group-start, table.matrix td[data-group-start] { border-left: 3px solid #1d2329; }
table.matrix th.host { text-align: left; background: #eef0f2; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; padding-left: .4rem; }
td.cell { cursor: pointer; font-weight: 600; font-size: .65rem; }
td.cell.status-none { cursor: default; }
td.cell.dim { opacity: .15; }
td.cell.selected { outline: 3px solid #1d2329; outline-offset: -3px; }
#detail-panel { flex: 1 1 22rem; max-width: 60rem; border: 1px solid #dde; border-radius: .4rem;
  padding: .8rem 1rem; background: #fafbfc; }
.detail { display: none; }
.detail.shown { display: block; }
.remedy { border-left: 4px solid #c62828; background: #fff3f3; padding: .5rem .7rem; white-space: pre-wrap; }
.remedy.none { border-color: #2e8540; background: #f1f8f2; }
/* Evidence wraps (a long fingerprint or URI would otherwise widen the panel past the screen). */
pre { background: #fff; border: 1px solid #e2e4e6; padding: .5rem; font-size: .75rem; white-space: pre-wrap;
  overflow-wrap: anywhere; }
table.checks { border-collapse: collapse; width: 100%; font-size: .8rem; table-layout: fixed; }
table.checks td, table.checks th { border-bottom: 1px solid #e2e4e6; padding: .25rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
.calendar { display: flex; flex-wrap: wrap; gap: .8rem; }
.month { border: 1px solid #dde; border-radius: .4rem; padding: .5rem .8rem; min-width: 14rem; }
.month h3 { margin: 0 0 .4rem 0; font-size: .95rem; }
.month ul { list-style: none; padding: 0; margin: 0; font-size: .8rem; }
.month li { padding: .2rem .4rem; margin-bottom: .2rem; border-radius: .2rem; }
.cert-expired { background: #c62828; color: #fff; }
.cert-expiring { background: #f2a900; }
.cert-valid { background: #e3f1e6; }
.errors li { color: #6a1b9a; }
</style>
</head>
<body>
<h1>{{ report.metadata.title }} <span class="verdict status-{{ report.summary.verdict }}" id="verdict">
{{- report.summary.verdict | upper }}</span></h1>
<div class="meta">
<span>generated {{ report.metadata.generated }}</span>
<span>{{ report.metadata.collection }} {{ report.metadata.collection_version }}</span>
<span>schema {{ report.schema_version }}</span>
<span>resolvers: {{ report.metadata.resolvers | join(", ") or "system" }}</span>
<span>trust: {{ report.metadata.trust_bundles | join(", ") or "not recorded" }}</span>
{% if report.metadata.sources is defined %}
<span id="sources" title="{% for source in report.metadata.sources %}{{ source.generated }}: {{ source.hosts | length }} hosts
{% endfor %}">merged from {{ report.metadata.sources | length }} reports</span>
{% endif %}
</div>

<div class="filters" role="group" aria-label="Filter by status">
<button type="button" class="filter" data-filter="all" aria-pressed="true">all
<span class="count" id="count-all">{{ report.summary.total }}</span></button>
{% for status in statuses %}
<button type="button" class="filter status-filter-{{ status }}" data-filter="{{ status }}" aria-pressed="false">
{{- status }} <span class="count" id="count-{{ status }}">{{ report.summary.status[status] }}</span></button>
{% endfor %}
<span id="showing"></span>
</div>

{% if report.summary.errors %}
<h2>Check runs that failed</h2>
<ul class="errors">
{% for host in report.hosts %}{% for message in host.errors %}
<li><strong>{{ host.name }}</strong>: {{ message }}</li>
{% endfor %}{% endfor %}
</ul>
{% endif %}

<div class="layout">
<div class="matrix-wrap" id="matrix-wrap">
<table class="matrix" id="matrix">
<colgroup><col class="hostcol">{% for rule in report.rules %}<col>{% endfor %}</colgroup>
<thead>
<tr class="groups"><th class="host" scope="col" rowspan="2">host</th>
{% for group in groups %}<th scope="colgroup" colspan="{{ group.span }}" class="group-start"
 data-group="{{ group.key }}" title="{{ group.label }}">{{ group.label }}</th>{% endfor %}
</tr>
<tr class="rules">
{% for rule in report.rules %}<th scope="col" title="{{ rule.id }} ({{ rule.level }}): {{ rule_text.get(rule.id, '') }}"
{%- if rule.id in group_starts %} class="group-start"{% endif %}>{{ rule.id }}</th>{% endfor %}
</tr></thead>
<tbody>
{% for host in report.hosts %}
{% set hostloop = loop %}
<tr class="host-row" data-host="{{ host.name }}">
<th class="host" scope="row" title="{{ host.name }}">{{ host.name }}</th>
{% for rule in report.rules %}
{% set cell = cells.get((host.name, rule.id)) %}
{% if cell %}
<td class="cell status-{{ cell.status }}" data-status="{{ cell.status }}" data-host="{{ host.name }}"
 data-rule="{{ rule.id }}" data-detail="detail-{{ hostloop.index }}-{{ loop.index }}" tabindex="0"
 title="{{ host.name }} {{ rule.id }}: {{ cell.status }}"
{%- if rule.id in group_starts %} data-group-start="1"{% endif %}>{{ cell.status | upper }}</td>
{% else %}
<td class="cell status-none" data-status="none" title="not checked"
{%- if rule.id in group_starts %} data-group-start="1"{% endif %}>&ndash;</td>
{% endif %}
{% endfor %}
</tr>
{% endfor %}
</tbody>
</table>
</div>

<aside id="detail-panel" aria-live="polite">
<p id="detail-hint">Select a cell to see what was seen and how to fix it.</p>
{% for host in report.hosts %}
{% set hostloop = loop %}
{% for rule in report.rules %}
{% set cell = cells.get((host.name, rule.id)) %}
{% if cell %}
<section class="detail" id="detail-{{ hostloop.index }}-{{ loop.index }}">
<h2>{{ host.name }} &middot; {{ cell.rule }}
 <span class="verdict status-{{ cell.status }}">{{ cell.status | upper }}</span></h2>
<p>level <strong>{{ cell.level }}</strong>: {{ cell.summary or "" }}</p>
<h3>Fix</h3>
<div class="remedy{% if not cell.remedy %} none{% endif %}">{{ cell.remedy or "Nothing to fix." }}</div>
<h3>Evidence</h3>
<table class="checks">
<tr><th>status</th><th>subject</th><th>target</th><th>address</th><th>port</th><th>summary</th></tr>
{% for row in cell.checks %}
<tr><td class="status-{{ row.status }}">{{ row.status }}</td><td>{{ row.subject or "" }}</td>
<td>{{ row.target or "" }}</td><td>{{ row.address or "" }}</td><td>{{ row.port or "" }}</td>
<td>{{ row.summary or "" }}</td></tr>
{% if row.evidence is not none %}<tr><td colspan="6"><pre>{{ pretty(row.evidence) }}</pre></td></tr>{% endif %}
{% endfor %}
</table>
</section>
{% endif %}
{% endfor %}
{% endfor %}
</aside>
</div>

<h2>Certificate expiry calendar</h2>
{% if months %}
<div class="calendar" id="calendar">
{% for month, certs in months %}
<div class="month" data-month="{{ month }}">
<h3>{{ month }}</h3>
<ul>
{% for cert in certs %}
<li class="cert-{{ cert.state }}" title="{{ cert.rules | join(', ') }}">{{ cert.not_after[:10] }}
 <strong>{{ cert.host }}</strong> {{ cert.certificate }} ({{ cert.days_left }} days)</li>
{% endfor %}
</ul>
</div>
{% endfor %}
</div>
{% else %}
<p id="calendar">No certificate dates in the evidence.</p>
{% endif %}

{% if report.get("slowest") %}
<h2>Slowest destinations</h2>
<table class="checks" id="slowest">
<tr><th>Host</th><th>Destination</th><th>Time spent</th></tr>
{% for slow in report.get("slowest") %}
<tr><td>{{ slow.host }}</td><td>{{ slow.subject }}</td><td>{{ timing_text(slow) }}</td></tr>
{% endfor %}
</table>
{% endif %}

<script>
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.filter");
  var rows = document.querySelectorAll("tr.host-row");
  function applyFilter(status) {
    var shown = 0;
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.filter === status)); });
    rows.forEach(function (row) {
      var match = status === "all" || row.querySelector('td[data-status="' + status + '"]') !== null;
      row.style.display = match ? "" : "none";
      if (match) { shown += 1; }
      row.querySelectorAll("td.cell").forEach(function (td) {
        td.classList.toggle("dim", status !== "all" && td.dataset.status !== status);
      });
    });
    document.getElementById("showing").textContent = shown + " of " + rows.length + " hosts";
  }
  function showDetail(td) {
    if (!td.dataset.detail) { return; }
    document.querySelectorAll("section.detail.shown, td.cell.selected").forEach(function (el) {
      el.classList.remove("shown"); el.classList.remove("selected");
    });
    document.getElementById(td.dataset.detail).classList.add("shown");
    document.getElementById("detail-hint").style.display = "none";
    td.classList.add("selected");
  }
  buttons.forEach(function (b) { b.addEventListener("click", function () { applyFilter(b.dataset.filter); }); });
  document.querySelectorAll("td.cell[data-detail]").forEach(function (td) {
    td.addEventListener("click", function () { showDetail(td); });
    td.addEventListener("keydown", function (e) { if (e.key === "Enter") { showDetail(td); } });
  });
  applyFilter("all");
}());
</script>
</body>
</html>
"""
