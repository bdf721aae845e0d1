/**
 * The report's style and script, inlined into every report: it must open from a file, offline, years
 * later, so nothing is loaded from anywhere (the page's Content-Security-Policy forbids it too).
 */
export const REPORT_STYLE = `
:root { color-scheme: light dark; --text: #1d2330; --muted: #667085; --line: #d0d5dd; --lane: #f6f7f9; --panel: #ffffff;
  --succeeded: #2e7d32; --failed: #c62828; --blocked: #b26a00; --other: #8a6d3b; --lease: #4e79a7; --rest: #f28e2b; }
@media (prefers-color-scheme: dark) {
  :root { --text: #e6e8eb; --muted: #98a2b3; --line: #3a4150; --lane: #1c2130; --panel: #121623; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.45 system-ui, sans-serif; color: var(--text); background: var(--panel); }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 4px; }
.counts span { margin-right: 12px; }
.note-box { padding: 10px 12px; border: 1px solid var(--line); border-radius: 6px; color: var(--muted); }
.timeline-box { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
svg.timeline { display: block; font: 11px system-ui, sans-serif; }
svg .lane-background { fill: var(--lane); stroke: var(--panel); stroke-width: 2; }
svg .lane.highlight .lane-background { fill: var(--line); }
svg .lane-label, svg .section, svg .tick-label, svg .note { fill: var(--text); }
svg .section { font-weight: 600; font-size: 12px; }
svg .tick { stroke: var(--line); stroke-dasharray: 2 3; }
svg .tick-label { fill: var(--muted); text-anchor: middle; }
svg .note { fill: var(--muted); font-style: italic; }
svg .stage { opacity: 0.85; }
svg .call { fill: #6b7280; }
svg .lease { fill: var(--lease); opacity: 0.8; }
svg .cooldown { fill: var(--rest); }
svg .mark.rate-limited { fill: var(--failed); }
svg .mark.set-aside { fill: #000; }
svg .mark.status-succeeded { fill: var(--succeeded); }
svg .mark.status-failed, svg .mark.status-invalid { fill: var(--failed); }
svg .mark.status-blocked { fill: var(--blocked); }
svg .mark.status-interrupted, svg .mark.status-cancelled, svg .mark.status-skipped { fill: var(--other); }
svg .bar-label { fill: #fff; pointer-events: none; }
svg .bar rect:hover { stroke: var(--text); stroke-width: 1; }
svg .cursor { stroke: var(--text); stroke-width: 1; opacity: 0.5; pointer-events: none; }
#details { min-height: 2.6em; margin: 8px 0; padding: 8px 12px; border-left: 3px solid var(--lease); background: var(--lane); white-space: pre-wrap; }
.legend span { display: inline-flex; align-items: center; margin-right: 14px; color: var(--muted); }
.legend i { display: inline-block; width: 14px; height: 10px; margin-right: 5px; border-radius: 2px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr { cursor: pointer; }
tbody tr:hover { background: var(--lane); }
tfoot td { font-weight: 600; }
.status-succeeded { color: var(--succeeded); }
.status-failed, .status-invalid { color: var(--failed); }
.status-blocked { color: var(--blocked); }
.status-interrupted, .status-cancelled, .status-skipped { color: var(--other); }
td.error { max-width: 420px; white-space: pre-wrap; word-break: break-word; }
pre { white-space: pre-wrap; word-break: break-all; padding: 8px 12px; background: var(--lane); border-radius: 6px; }
`;

/**
 * Hovering a bar shows its story in the details panel, a line follows the pointer with the time since
 * the run started, and a row of the summary table points at its item's lane. The page reads fully
 * without it: every bar also carries a tooltip.
 */
export const REPORT_SCRIPT = `
(function () {
  var root = document.documentElement;
  var svg = document.querySelector('svg.timeline');
  var details = document.getElementById('details');
  function describe(element) {
    var title = element && element.querySelector(':scope > title');
    return title ? title.textContent : '';
  }
  if (svg && details) {
    var axis = svg.querySelector('g.axis');
    var start = Number(axis.getAttribute('data-start'));
    var end = Number(axis.getAttribute('data-end'));
    var left = Number(axis.getAttribute('data-left'));
    var width = Number(axis.getAttribute('data-width'));
    var cursor = svg.getElementById ? svg.getElementById('cursor') : document.getElementById('cursor');
    svg.addEventListener('mouseover', function (event) {
      var text = describe(event.target);
      if (text) details.textContent = text;
    });
    svg.addEventListener('mousemove', function (event) {
      var box = svg.getBoundingClientRect();
      var x = ((event.clientX - box.left) / box.width) * Number(svg.viewBox.baseVal.width);
      if (x < left || x > left + width) { cursor.setAttribute('visibility', 'hidden'); return; }
      cursor.setAttribute('x1', x);
      cursor.setAttribute('x2', x);
      cursor.setAttribute('visibility', 'visible');
      var seconds = (((x - left) / width) * (end - start)) / 1000;
      cursor.setAttribute('data-seconds', seconds.toFixed(1));
    });
    svg.setAttribute('data-lanes', String(svg.querySelectorAll('[data-lane]').length));
  }
  var rows = document.querySelectorAll('tr[data-id]');
  rows.forEach(function (row) {
    row.addEventListener('click', function () {
      var id = row.getAttribute('data-id');
      document.querySelectorAll('g.item-lane').forEach(function (lane) {
        var match = lane.getAttribute('data-id') === id;
        lane.classList.toggle('highlight', match);
        if (match && details) details.textContent = describe(lane.querySelector('.lane-label'));
      });
    });
  });
  root.setAttribute('data-ready', 'true');
})();
`;
