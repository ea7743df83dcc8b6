// The explorer's pages: a block, a transaction, an address, the peers, and the search that leads to them.

import {
  batch, call, codes, RpcError,
} from './rpc.js';
import {
  fields, formatTime, h, hashLink, link, replace, table,
} from './dom.js';
import { store, subscribe } from './store.js';

const zeroHash = '0'.repeat(64);

/** A message in place of a page (a block or transaction that does not exist, say). */
export function notice(main, title, message) {
  replace(main, h('h1', {}, title), h('p', { class: 'notice', role: 'status' }, message));
}

function txRows(transactions) {
  return transactions.map((t) => h('tr', {},
    h('td', {}, hashLink('tx', t.id, 6)),
    h('td', {}, t.sender ? hashLink('address', t.sender, 10) : h('span', { class: 'muted' }, 'coinbase')),
    h('td', {}, hashLink('address', t.recipient, 10)),
    h('td', { class: 'num' }, t.amount),
    h('td', { class: 'num wide-only' }, t.fee),
    h('td', { class: 'num wide-only' }, String(t.nonce))));
}

const txHeaders = ['Id', 'From', 'To', { label: 'Amount', class: 'num' }, { label: 'Fee', class: 'num wide-only' }, { label: 'Nonce', class: 'num wide-only' }];

/** `#/block/<height|hash>`: the header's fields, the transactions, the parent and the child. */
export async function blockPage(main, id) {
  const block = await call('block', [id]);
  const header = block.header;
  const [onChain, next, status] = await batch([['header', [String(header.height)]], ['header', [String(header.height + 1)]], ['status']]);
  const best = !(onChain instanceof Error) && onChain.hash === header.hash;
  const child = best && !(next instanceof Error) && next.previous === header.hash ? next : null;
  const confirmations = best && !(status instanceof Error) ? status.height - header.height + 1 : 0;
  replace(main,
    h('h1', {}, `Block ${header.height}`),
    h('nav', { class: 'pager', 'aria-label': 'Neighbouring blocks' },
      header.previous !== zeroHash ? link(`block/${header.previous}`, `← Parent (${header.height - 1})`, { rel: 'prev' }) : h('span', { class: 'muted' }, 'Genesis: no parent'),
      child ? link(`block/${child.hash}`, `Child (${child.height}) →`, { rel: 'next' }) : h('span', { class: 'muted' }, best ? 'No child yet (this is the tip)' : 'Not on the best chain')),
    fields([
      ['Hash', h('code', { class: 'hash' }, header.hash)],
      ['Height', String(header.height)],
      ['Confirmations', best ? String(confirmations) : '0 (not on the best chain)'],
      ['Time (UTC)', `${formatTime(header.timestamp)} (${header.timestamp})`],
      ['Previous', header.previous === zeroHash ? 'none (genesis)' : link(`block/${header.previous}`, h('code', { class: 'hash' }, header.previous))],
      ['Merkle root', h('code', { class: 'hash' }, header.merkle)],
      ['Version', String(header.version)],
      ['Bits', header.bits],
      ['Nonce', String(header.nonce)],
      ['Cumulative work', header.work ?? '—'],
      ['Transactions', String(block.transactions.length)],
    ]),
    h('h2', {}, 'Transactions'),
    table(`Transactions of block ${header.height}`, txHeaders, txRows(block.transactions), { id: 'block-transactions' }));
}

/** `#/tx/<id>`: from, to, amount, fee, nonce, status and confirmations. */
export async function txPage(main, id) {
  const [lookup, status] = await batch([['tx', [id]], ['status']]);
  if (lookup instanceof Error) {
    throw lookup;
  }
  const t = lookup.transaction;
  const confirmed = lookup.status === 'confirmed';
  const tipHeight = status instanceof Error ? null : status.height;
  replace(main,
    h('h1', {}, t.coinbase ? 'Coinbase transaction' : 'Transaction'),
    fields([
      ['Id', h('code', { class: 'hash' }, t.id)],
      ['Status', h('span', { id: 'tx-status', class: confirmed ? 'ok' : 'pending' }, confirmed ? 'confirmed' : 'pending (in the mempool)')],
      confirmed && ['Block', h('span', {}, link(`block/${lookup.block}`, String(lookup.height)), ' ', hashLink('block', lookup.block))],
      ['Confirmations', confirmed && tipHeight !== null ? String(tipHeight - lookup.height + 1) : '0'],
      ['From', t.sender ? link(`address/${t.sender}`, h('code', { class: 'hash' }, t.sender)) : 'coinbase (block reward)'],
      ['To', link(`address/${t.recipient}`, h('code', { class: 'hash' }, t.recipient))],
      ['Amount', h('span', { id: 'tx-amount' }, t.amount)],
      ['Fee', t.fee],
      [t.coinbase ? 'Nonce (the block height)' : 'Nonce', String(t.nonce)],
    ]));
}

/** `#/address/<address>`: balance, immature rewards, nonce and history. */
export async function addressPage(main, address) {
  const [valid, balance, history] = await batch([['validateaddress', [address]], ['balance', [address]], ['history', [address, 50]]]);
  if (valid instanceof Error) {
    throw valid;
  }
  if (!valid.valid) {
    throw new RpcError(codes.invalidParams, valid.reason);
  }
  for (const result of [balance, history]) {
    if (result instanceof Error) {
      throw result;
    }
  }
  const rows = history.entries.map((e) => h('tr', {},
    h('td', {}, link(`block/${e.height}`, String(e.height))),
    h('td', {}, hashLink('tx', e.id, 6)),
    h('td', { class: `num ${e.change.startsWith('-') ? 'out' : 'in'}` }, e.change),
    h('td', {}, e.counterparty === 'coinbase' ? h('span', { class: 'muted' }, 'coinbase') : hashLink('address', e.counterparty, 10))));
  replace(main,
    h('h1', {}, valid.mine ? 'Address (this node\'s wallet)' : 'Address'),
    fields([
      ['Address', h('code', { class: 'hash' }, address)],
      ['Balance', h('span', { id: 'address-balance' }, balance.balance)],
      ['Immature rewards', balance.immature],
      ['Nonce (of its next transfer)', h('span', { id: 'address-nonce' }, String(balance.nonce))],
    ]),
    h('h2', {}, 'History'),
    rows.length === 0
      ? h('p', { class: 'muted' }, 'No confirmed transaction yet.')
      : table(`Confirmed transactions of ${address}`, ['Height', 'Transaction', { label: 'Change', class: 'num' }, 'Counterparty'], rows, { id: 'history' }),
    history.entries.length === 50 ? h('p', { class: 'muted' }, 'The last 50 transactions.') : null);
}

// Peer fields beyond endpoint, node id and direction, as the `peers` method answers them (API.md); the figures are
// those of the last `peers` answer or `peers` notification.
const peerExtras = [
  ['Since (UTC)', (p) => p.since?.replace('T', ' ').replace('Z', '')],
  ['Bytes in / out', (p) => `${p.bytesReceived} / ${p.bytesSent}`],
  ['Ping', (p) => (p.pingMs === null || p.pingMs === undefined ? '—' : `${p.pingMs} ms`)],
];

/** `#/peers`: the connected peers, redrawn as they connect and leave. */
export function peersPage(main) {
  const body = h('div');
  replace(main, h('h1', {}, 'Peers'), body);
  const draw = () => {
    const peers = [...store.peers.values()];
    const extras = peerExtras;
    const rows = peers.map((p) => h('tr', {},
      h('td', {}, h('code', {}, p.endpoint)),
      h('td', {}, h('code', { title: p.nodeId }, `${p.nodeId.slice(0, 16)}…`)),
      h('td', {}, p.direction),
      extras.map(([, get]) => h('td', {}, String(get(p) ?? '—')))));
    replace(body,
      h('p', { id: 'peer-total' }, `${peers.length} connected (${peers.filter((p) => p.direction === 'inbound').length} inbound, ${peers.filter((p) => p.direction === 'outbound').length} outbound).`),
      peers.length === 0 ? h('p', { class: 'muted' }, 'No peer is connected.')
        : table('Connected peers', ['Endpoint', 'Node id', 'Direction', ...extras.map(([label]) => label)], rows, { id: 'peers' }));
  };
  draw();
  return subscribe(draw);
}

/**
 * `#/search/<text>`: a height, a block hash, a transaction id or an address; goes to what it found (replacing
 * the search in the history) or says that nothing matched, in the node's words where it gave a reason.
 */
export async function searchPage(main, text) {
  const query = text.trim();
  const go = (route) => window.location.replace(`#/${route}`);
  if (/^\d{1,20}$/.test(query)) {
    go(`block/${query}`);
    return;
  }
  if (/^[0-9a-fA-F]{64}$/.test(query)) {
    const id = query.toLowerCase();
    const [block, tx] = await batch([['header', [id]], ['tx', [id]]]);
    if (!(block instanceof Error)) {
      go(`block/${id}`);
    } else if (!(tx instanceof Error)) {
      go(`tx/${id}`);
    } else {
      notice(main, 'Search', `No block or transaction has the id ${id}.`);
    }
    return;
  }
  const valid = await call('validateaddress', [query]);
  if (valid.valid) {
    go(`address/${valid.address}`);
    return;
  }
  notice(main, 'Search', `Nothing found for "${query}": not a height, a 64-hex block hash or transaction id, and ${valid.reason}.`);
}
