// Building the page from data: every value goes in as text (never as HTML), so nothing a peer or a transaction
// carries can become markup.

/** Creates an element: `attrs` are attributes (`on…` functions become listeners), children are nodes or text. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(element, child);
    } else if (child instanceof Node) {
      element.appendChild(child);
    } else {
      element.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces the children of `element`. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A link to a page of the explorer (`#/block/…`). */
export const link = (route, text, attrs = {}) => h('a', { href: `#/${route}`, ...attrs }, text);

/** A hash or id cut to its start and end, the whole in a tooltip and for screen readers. */
export function short(hex, keep = 8) {
  if (!hex || hex.length <= keep * 2 + 1) {
    return hex ?? '';
  }
  return `${hex.slice(0, keep)}…${hex.slice(-6)}`;
}

/** A link to a block, transaction or address, shortened. */
export function hashLink(kind, value, keep = 8) {
  return link(`${kind}/${value}`, h('code', {}, short(value, keep)), { title: value, 'aria-label': `${kind} ${value}` });
}

/** A table whose rows scroll sideways inside it on a narrow screen, reachable by keyboard. */
export function table(caption, headers, rows, options = {}) {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    h('table', { id: options.id },
      h('caption', { class: options.showCaption ? null : 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col', class: c.class }, c.label ?? c)))),
      h('tbody', {}, rows)));
}

/** A list of term and value pairs (the fields of a block, a transaction…). */
export function fields(pairs) {
  return h('dl', { class: 'fields' }, pairs.filter(Boolean).map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))));
}

/** Seconds since the epoch (a number or an ISO text) as seconds, or null. */
export function seconds(time) {
  if (typeof time === 'number') {
    return time;
  }
  const parsed = Date.parse(time);
  return Number.isNaN(parsed) ? null : parsed / 1000;
}

/** UTC time, `2026-12-05 15:00:00`. */
export function formatTime(unixSeconds) {
  if (unixSeconds === null || unixSeconds === undefined) {
    return '—';
  }
  return new Date(unixSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19);
}

/** A duration in seconds as `12 s`, `3 min 4 s`, `2 h 5 min`, `3 d 1 h`. */
export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  if (s < 86400) {
    return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  }
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

const units = ['', 'k', 'M', 'G', 'T', 'P'];

/** A rate or a count with an SI prefix: `1.52 M`. */
export function si(value, digits = 3) {
  let v = Number(value) || 0;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toPrecision(digits)}${units[i] ? ` ${units[i]}` : ''}`;
}

/** Hashes per second: `1.52 MH/s`, `0 H/s`. */
export function formatHashrate(rate) {
  const text = si(rate);
  return text.includes(' ') ? `${text}H/s` : `${text} H/s`;
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) {
    return '—';
  }
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** A number with thin separators between thousands (difficulty, counts). */
export function formatNumber(value, maximumFractionDigits = 2) {
  return Number(value).toLocaleString('en-GB', { maximumFractionDigits });
}
