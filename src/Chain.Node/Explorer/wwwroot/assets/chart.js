// Small hand-drawn SVG charts: a bar per block, and a step line over time. A charting library would be most of
// the page's weight for three plain charts; these scale with the box (viewBox) and carry a text summary for
// screen readers.

const ns = 'http://www.w3.org/2000/svg';
const width = 320;
const height = 120;
const pad = { top: 14, right: 6, bottom: 16, left: 6 };

function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS(ns, tag);
  for (const [name, value] of Object.entries(attrs)) {
    element.setAttribute(name, String(value));
  }
  children.forEach((c) => element.appendChild(typeof c === 'string' ? document.createTextNode(c) : c));
  return element;
}

function frame(summary) {
  return svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': summary, class: 'chart' },
    svg('title', {}, summary));
}

function emptyChart(summary, message) {
  const chart = frame(summary);
  chart.appendChild(svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-note' }, message));
  return chart;
}

/**
 * One bar per value, oldest on the left; `format` writes the top of the scale and the summary.
 * `values` are numbers (null: unknown, drawn as a gap).
 */
export function barChart(values, { label, format, empty = 'no blocks yet' }) {
  const known = values.filter((v) => v !== null && v !== undefined);
  if (known.length === 0) {
    return emptyChart(`${label}: ${empty}`, empty);
  }
  const max = Math.max(...known, 1e-9);
  const last = known[known.length - 1];
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  const summary = `${label}, last ${known.length}: latest ${format(last)}, mean ${format(mean)}, highest ${format(max)}`;
  const chart = frame(summary);
  const innerWidth = width - pad.left - pad.right;
  const innerHeight = height - pad.top - pad.bottom;
  const slot = innerWidth / Math.max(values.length, 1);
  values.forEach((value, i) => {
    if (value === null || value === undefined) {
      return;
    }
    const barHeight = Math.max(1, (value / max) * innerHeight);
    chart.appendChild(svg('rect', {
      x: (pad.left + i * slot + slot * 0.15).toFixed(2),
      y: (pad.top + innerHeight - barHeight).toFixed(2),
      width: Math.max(1, slot * 0.7).toFixed(2),
      height: barHeight.toFixed(2),
      class: 'bar',
    }));
  });
  chart.appendChild(svg('line', { x1: pad.left, x2: width - pad.right, y1: pad.top + innerHeight, y2: pad.top + innerHeight, class: 'axis' }));
  chart.appendChild(svg('text', { x: pad.left, y: 10, class: 'chart-note' }, `max ${format(max)}`));
  chart.appendChild(svg('text', { x: width - pad.right, y: height - 3, 'text-anchor': 'end', class: 'chart-note' }, 'newest'));
  return chart;
}

/**
 * A step line of `samples` ({t: milliseconds, value}) over the last `windowMs` up to `now`: each value holds
 * until the next sample.
 */
export function stepChart(samples, { label, windowMs, now, format }) {
  const start = now - windowMs;
  const before = samples.filter((s) => s.t <= start).at(-1);
  const inside = samples.filter((s) => s.t > start && s.t <= now);
  const points = [...(before ? [{ t: start, value: before.value }] : []), ...inside];
  if (points.length === 0) {
    return emptyChart(`${label}: no samples yet`, 'no samples yet');
  }
  const highest = Math.max(...points.map((p) => p.value));
  const max = Math.max(highest, 1);
  const latest = points[points.length - 1].value;
  const minutes = Math.round(windowMs / 60000);
  const summary = `${label} over the last ${minutes} minutes: now ${format(latest)}, highest ${format(highest)}`;
  const chart = frame(summary);
  const innerWidth = width - pad.left - pad.right;
  const innerHeight = height - pad.top - pad.bottom;
  const x = (t) => (pad.left + ((t - start) / windowMs) * innerWidth).toFixed(2);
  const y = (v) => (pad.top + innerHeight - (v / max) * innerHeight).toFixed(2);
  let d = `M${x(points[0].t)},${y(points[0].value)}`;
  for (let i = 1; i < points.length; i++) {
    d += ` H${x(points[i].t)} V${y(points[i].value)}`;
  }
  d += ` H${x(now)}`;
  chart.appendChild(svg('line', { x1: pad.left, x2: width - pad.right, y1: pad.top + innerHeight, y2: pad.top + innerHeight, class: 'axis' }));
  chart.appendChild(svg('path', { d, class: 'line' }));
  chart.appendChild(svg('text', { x: pad.left, y: 10, class: 'chart-note' }, `max ${format(highest)}`));
  chart.appendChild(svg('text', { x: pad.left, y: height - 3, class: 'chart-note' }, `−${minutes} min`));
  chart.appendChild(svg('text', { x: width - pad.right, y: height - 3, 'text-anchor': 'end', class: 'chart-note' }, 'now'));
  return chart;
}
