// What the dashboard shows, kept up to date by the WebSocket's notifications (tips, mempool, peers): loaded once,
// then changed only by events. Block sizes and the status's other figures are fetched after a new tip, one
// request at a time whatever the rate of blocks (a node mining on dev finds many a second).

import { batch, call } from './rpc.js';
import { seconds } from './dom.js';

/** Blocks kept for the table and the charts. */
export const recentBlocks = 30;

/** Pending transactions kept for the table. */
export const recentPending = 50;

/** How far back the mempool chart looks. */
export const mempoolWindowMs = 10 * 60 * 1000;

export const store = {
  status: null,
  network: null,
  /** Newest first: {height, hash, previous, time (seconds), txs, bytes (null until fetched)}. */
  blocks: [],
  /** Newest first: the `tx` method's transaction objects. */
  pending: [],
  /** {t: milliseconds, value: mempool count}, oldest first. */
  mempoolSamples: [],
  /** endpoint + node id → the `peers` method's item. */
  peers: new Map(),
  loaded: false,
};

const listeners = new Set();
let renderTimer = null;

/** Calls `fn` after the store changed (coalesced: at most one call per 50 ms). */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function changed() {
  if (renderTimer !== null) {
    return;
  }
  renderTimer = setTimeout(() => {
    renderTimer = null;
    listeners.forEach((fn) => fn(store));
  }, 50);
}

function sampleMempool(count) {
  const now = Date.now();
  store.mempoolSamples.push({ t: now, value: count });
  // Keep one sample from before the window, so the chart's line starts at its left edge.
  while (store.mempoolSamples.length > 2 && store.mempoolSamples[1].t < now - mempoolWindowMs) {
    store.mempoolSamples.shift();
  }
}

const peerKey = (peer) => `${peer.endpoint} ${peer.nodeId}`;

/** Loads everything from scratch (at start and after the WebSocket reconnects). */
export async function load() {
  const [status, network, chain, mempool, peers] = await batch([
    ['status'], ['networkinfo'], ['chain', [recentBlocks]], ['mempool'], ['peers'],
  ]);
  for (const result of [status, network, chain, mempool, peers]) {
    if (result instanceof Error) {
      throw result;
    }
  }
  store.status = status;
  store.network = network;
  const known = new Map(store.blocks.map((b) => [b.hash, b]));
  store.blocks = chain.blocks
    .map((b) => ({ height: b.height, hash: b.hash, time: seconds(b.time), txs: b.txs, bytes: known.get(b.hash)?.bytes ?? null }))
    .sort((a, b) => b.height - a.height);
  store.pending = mempool.transactions.slice(-recentPending).reverse();
  store.peers = new Map(peers.peers.map((p) => [peerKey(p), p]));
  sampleMempool(status.mempool);
  store.loaded = true;
  changed();
  await fetchDetails(store.blocks.filter((b) => b.bytes === null).map((b) => b.hash), false);
}

const waiting = new Set();
let fetching = false;
let rereadChain = false;

// Block sizes (the raw block's length), the confirmed transactions to take off the pending list, and the status.
async function fetchDetails(hashes, withStatus) {
  const calls = [];
  if (withStatus) {
    calls.push(['status']);
  }
  for (const hash of hashes) {
    calls.push(['block', [hash, 'raw']]);
    if (withStatus) {
      calls.push(['block', [hash]]);
    }
  }
  const results = await batch(calls.slice(0, 100));
  let i = 0;
  if (withStatus && !(results[0] instanceof Error)) {
    const fresh = results[0];
    // A tip announced while the status was on its way is newer than the status's.
    const newer = store.status && store.status.height > fresh.height;
    store.status = newer ? { ...fresh, height: store.status.height, tip: store.status.tip } : fresh;
    sampleMempool(fresh.mempool);
  }
  i = withStatus ? 1 : 0;
  for (const hash of hashes) {
    const raw = results[i++];
    const block = withStatus ? results[i++] : null;
    const entry = store.blocks.find((b) => b.hash === hash);
    if (entry && raw && !(raw instanceof Error)) {
      entry.bytes = raw.hex.length / 2;
    }
    if (block && !(block instanceof Error)) {
      const confirmed = new Set(block.transactions.map((t) => t.id));
      store.pending = store.pending.filter((t) => !confirmed.has(t.id));
    }
    if (i >= results.length) {
      break;
    }
  }
  changed();
}

async function drain() {
  if (fetching) {
    return;
  }
  fetching = true;
  try {
    while (waiting.size > 0 || rereadChain) {
      if (rereadChain) {
        rereadChain = false;
        const chain = await call('chain', [recentBlocks]);
        const known = new Map(store.blocks.map((b) => [b.hash, b]));
        const chainTop = Math.max(-1, ...chain.blocks.map((b) => b.height));
        // Tips announced while this answer was on its way stay on top of it.
        const newer = store.blocks.filter((b) => b.height > chainTop);
        const listed = chain.blocks
          .map((b) => ({ height: b.height, hash: b.hash, time: seconds(b.time), txs: b.txs, bytes: known.get(b.hash)?.bytes ?? null }))
          .sort((a, b) => b.height - a.height);
        store.blocks = [...newer, ...listed].slice(0, recentBlocks);
        store.blocks.filter((b) => b.bytes === null).forEach((b) => waiting.add(b.hash));
        changed();
      }
      // Only the newest blocks are still shown: older ones queued during a burst are skipped.
      const shown = new Set(store.blocks.map((b) => b.hash));
      const hashes = [...waiting].filter((h) => shown.has(h)).slice(-recentBlocks);
      waiting.clear();
      await fetchDetails(hashes, true);
    }
  } catch {
    // The connection dropped: the reconnection reloads everything.
  } finally {
    fetching = false;
  }
}

/**
 * A `tips` notification (API.md "Subscriptions"): the new tip is shown at once, its details follow. When more than
 * one block joined the best chain (a peer's branch, a reorganisation), the ones below the tip are read with `chain`.
 */
export function onTip(tip) {
  if (tip.reorg) {
    const gone = new Set(tip.reorg.disconnected ?? []);
    store.blocks = store.blocks.filter((b) => !gone.has(b.hash));
  }
  if ((tip.connected ?? 1) > 1 || tip.reorg) {
    rereadChain = true;
  }
  store.blocks = store.blocks.filter((b) => b.height < tip.height && b.hash !== tip.hash);
  store.blocks.unshift({ height: tip.height, hash: tip.hash, previous: tip.previous, time: tip.timestamp ?? seconds(tip.time), txs: tip.transactions, bytes: null });
  store.blocks.length = Math.min(store.blocks.length, recentBlocks);
  if (store.status) {
    store.status = { ...store.status, height: tip.height, tip: tip.hash };
  }
  waiting.add(tip.hash);
  changed();
  drain();
}

/** A `mempool` notification: the `tx` method's answer for a transaction entering the mempool. */
export function onMempool(entry) {
  const tx = entry.transaction ?? entry;
  if (store.pending.some((t) => t.id === tx.id)) {
    return;
  }
  store.pending.unshift(tx);
  store.pending.length = Math.min(store.pending.length, recentPending);
  if (store.status) {
    store.status = { ...store.status, mempool: store.status.mempool + 1 };
    sampleMempool(store.status.mempool);
  }
  changed();
}

/** A `peers` notification: {event: connected|disconnected, peer}. */
export function onPeer(change) {
  if (change.event === 'connected') {
    store.peers.set(peerKey(change.peer), change.peer);
  } else {
    store.peers.delete(peerKey(change.peer));
  }
  if (store.status) {
    store.status = { ...store.status, peers: store.peers.size };
  }
  changed();
}
