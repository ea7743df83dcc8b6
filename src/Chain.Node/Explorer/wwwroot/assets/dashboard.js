// The dashboard: the node's figures, charts of the last blocks and of the mempool, the latest blocks and the
// transactions arriving, all redrawn from the store as notifications come in.

import { barChart, stepChart } from './chart.js';
import {
  fields, formatBytes, formatDuration, formatHashrate, formatNumber, formatTime, h, hashLink, link, replace, short, table,
} from './dom.js';
import { mempoolWindowMs, store, subscribe } from './store.js';

/** A tip older than this means the node is still catching up (Bitcoin Core's rule for initial block download). */
const maxTipAgeSeconds = 24 * 60 * 60;

/** The sync state in words: alone, catching up, or in step with its peers. */
export function syncState(status, blocks) {
  if (!status) {
    return '—';
  }
  const tipTime = blocks[0]?.time;
  const age = tipTime ? Date.now() / 1000 - tipTime : null;
  if (status.height === 0) {
    return status.peers === 0 ? 'no blocks, no peers' : 'no blocks yet';
  }
  if (age !== null && age > maxTipAgeSeconds) {
    return `catching up: tip is ${formatDuration(age)} old`;
  }
  return status.peers === 0 ? 'alone: no peers' : 'in sync';
}

function blockRows(blocks, seen) {
  return blocks.map((b) => h('tr', { 'data-hash': b.hash, class: seen && !seen.has(b.hash) ? 'new' : null },
    h('td', {}, link(`block/${b.hash}`, String(b.height))),
    h('td', {}, hashLink('block', b.hash)),
    h('td', { class: 'wide-only' }, formatTime(b.time)),
    h('td', { class: 'num' }, String(b.txs)),
    h('td', { class: 'num wide-only' }, formatBytes(b.bytes))));
}

function pendingRows(pending, seen) {
  if (pending.length === 0) {
    return [h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No transaction is waiting.'))];
  }
  return pending.map((t) => h('tr', { 'data-id': t.id, class: seen && !seen.has(t.id) ? 'new' : null },
    h('td', {}, hashLink('tx', t.id, 6)),
    h('td', { class: 'wide-only' }, t.sender ? hashLink('address', t.sender, 10) : 'coinbase'),
    h('td', {}, hashLink('address', t.recipient, 10)),
    h('td', { class: 'num' }, t.amount),
    h('td', { class: 'num xwide-only' }, t.fee)));
}

function charts(blocks) {
  const oldestFirst = [...blocks].reverse();
  const intervals = oldestFirst.map((b, i) => {
    const parent = oldestFirst[i - 1];
    // The genesis block's time is fixed in the chain's parameters: the wait for block 1 says nothing.
    return parent && parent.height > 0 && parent.height === b.height - 1 && b.time !== null && parent.time !== null ? b.time - parent.time : null;
  }).slice(1);
  const now = Date.now();
  return [
    h('figure', { class: 'card' }, h('figcaption', {}, 'Time between blocks'),
      barChart(intervals, { label: 'Time between blocks', format: formatDuration, empty: 'needs two blocks after genesis' })),
    h('figure', { class: 'card' }, h('figcaption', {}, 'Block size'),
      barChart(oldestFirst.map((b) => b.bytes), { label: 'Block size', format: formatBytes })),
    h('figure', { class: 'card' }, h('figcaption', {}, 'Mempool, last 10 minutes'),
      stepChart(store.mempoolSamples, { label: 'Transactions waiting', windowMs: mempoolWindowMs, now, format: (v) => `${v} tx` })),
  ];
}

/** Draws the dashboard into `main`; returns the function that stops updating it. */
export function dashboard(main) {
  const stats = h('div', { class: 'stats' });
  const chartBox = h('div', { class: 'charts' });
  const blocksBody = h('tbody');
  const pendingBody = h('tbody');
  replace(main,
    h('h1', {}, 'Dashboard'),
    h('section', { 'aria-labelledby': 'stats-title' }, h('h2', { id: 'stats-title', class: 'visually-hidden' }, 'The node now'), stats),
    h('section', { 'aria-labelledby': 'charts-title' }, h('h2', { id: 'charts-title' }, 'Recent activity'), chartBox),
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'blocks-title' },
        h('h2', { id: 'blocks-title' }, 'Latest blocks'),
        tableWith('Latest blocks', ['Height', 'Hash', { label: 'Time (UTC)', class: 'wide-only' }, { label: 'Txs', class: 'num' }, { label: 'Size', class: 'num wide-only' }], blocksBody, 'latest-blocks')),
      h('section', { 'aria-labelledby': 'pending-title' },
        h('h2', { id: 'pending-title' }, 'Pending transactions'),
        tableWith('Pending transactions', ['Id', { label: 'From', class: 'wide-only' }, 'To', { label: 'Amount', class: 'num' }, { label: 'Fee', class: 'num xwide-only' }], pendingBody, 'pending'))));

  // The figures are built once and their values changed in place, and a table is redrawn only when its rows
  // change, so a keyboard user's focus on a link stays where it is as blocks arrive.
  const value = (id) => h('span', { id });
  const height = value('height');
  const tip = h('a', { class: 'tip', id: 'tip' });
  const difficulty = value('difficulty');
  const hashrate = value('hashrate');
  const peers = link('peers', '', { id: 'peers-count' });
  const mempool = value('mempool-count');
  const sync = value('sync');
  replace(stats, fields([
    ['Height', height], ['Tip', tip], ['Difficulty', difficulty], ['Hash rate (this node)', hashrate],
    ['Peers', peers], ['Mempool', mempool], ['Sync', sync],
  ]));
  const set = (element, text) => {
    if (element.textContent !== text) {
      element.textContent = text;
    }
  };

  // Rows new since the last drawing are highlighted for a moment; nothing is on the first drawing.
  let seenBlocks = null;
  let seenPending = null;
  let blocksKey = null;
  let pendingKey = null;
  const drawClock = () => {
    replace(chartBox, charts(store.blocks));
    if (store.status) {
      set(sync, syncState(store.status, store.blocks));
    }
  };
  const draw = () => {
    const s = store.status;
    if (!s) {
      return;
    }
    set(height, String(s.height));
    tip.href = `#/block/${s.tip}`;
    tip.title = s.tip;
    tip.setAttribute('aria-label', `block ${s.tip}`);
    set(tip, short(s.tip, 6));
    set(difficulty, formatNumber(s.difficulty, 4));
    set(hashrate, formatHashrate(s.hashrate));
    set(peers, String(s.peers));
    set(mempool, `${s.mempool} tx`);
    drawClock();
    const newBlocksKey = store.blocks.map((b) => `${b.hash}:${b.bytes}`).join();
    if (newBlocksKey !== blocksKey) {
      blocksKey = newBlocksKey;
      replace(blocksBody, blockRows(store.blocks, seenBlocks));
      seenBlocks = new Set(store.blocks.map((b) => b.hash));
    }
    const newPendingKey = store.pending.map((t) => t.id).join();
    if (newPendingKey !== pendingKey) {
      pendingKey = newPendingKey;
      replace(pendingBody, pendingRows(store.pending, seenPending));
      seenPending = new Set(store.pending.map((t) => t.id));
    }
  };
  draw();
  const unsubscribe = subscribe(draw);
  // The mempool chart's window slides and the tip ages with the clock alone: redrawn every 10 s, with no request.
  const clock = setInterval(drawClock, 10000);
  return () => {
    unsubscribe();
    clearInterval(clock);
  };
}

function tableWith(caption, headers, body, id) {
  const wrap = table(caption, headers, [], { id });
  wrap.querySelector('tbody').replaceWith(body);
  return wrap;
}
