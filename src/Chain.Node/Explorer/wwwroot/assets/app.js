// The explorer's entry point: the token, the sign-in prompt, the live connection and the routes
// (`#/`, `#/block/<height|hash>`, `#/tx/<id>`, `#/address/<address>`, `#/peers`, `#/wallet`, `#/search/<text>`).

import {
  call, clearToken, getToken, Live, onUnauthorized, RpcError, setToken, takeTokenFromAddress, Unauthorized,
} from './rpc.js';
import { h, replace } from './dom.js';
import {
  load, onMempool, onPeer, onTip, store,
} from './store.js';
import { dashboard } from './dashboard.js';
import {
  addressPage, blockPage, notice, peersPage, searchPage, txPage,
} from './views.js';
import { walletPage } from './wallet.js';

const main = document.getElementById('main');
const login = document.getElementById('login');
const liveBadge = document.getElementById('live');
const networkBadge = document.getElementById('network');
let live = null;
let stopView = null;
let renderCount = 0;

const routes = [
  [/^$/, () => dashboard(main)],
  [/^block\/([^/]+)$/, (id) => blockPage(main, id)],
  [/^tx\/([0-9a-fA-F]{64})$/, (id) => txPage(main, id.toLowerCase())],
  [/^address\/([^/]+)$/, (address) => addressPage(main, address)],
  [/^peers$/, () => peersPage(main)],
  [/^wallet$/, () => walletPage(main)],
  [/^search\/(.*)$/, (text) => searchPage(main, text)],
];

function showLogin(message) {
  live?.stop();
  live = null;
  stopView?.();
  stopView = null;
  document.body.classList.add('signed-out');
  login.hidden = false;
  main.hidden = true;
  document.getElementById('login-error').textContent = message ?? '';
  document.getElementById('login-token').focus();
}

function hideLogin() {
  document.body.classList.remove('signed-out');
  login.hidden = true;
  main.hidden = false;
}

async function render(focus) {
  const run = ++renderCount;
  stopView?.();
  stopView = null;
  const route = decodeURIComponent(window.location.hash.replace(/^#\/?/, ''));
  document.querySelectorAll('nav a').forEach((a) => {
    const target = a.getAttribute('href').replace(/^#\/?/, '');
    if (target === route || (target === '' && route === '')) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
  const match = routes.map(([pattern, view]) => [route.match(pattern), view]).find(([m]) => m);
  try {
    if (!match) {
      notice(main, 'Not found', `There is no page "${route}".`);
    } else {
      replace(main, h('p', { class: 'loading' }, 'Loading…'));
      const stop = await match[1](...match[0].slice(1));
      if (run !== renderCount) {
        stop?.();
        return;
      }
      stopView = typeof stop === 'function' ? stop : null;
    }
  } catch (error) {
    if (run !== renderCount || error instanceof Unauthorized) {
      return;
    }
    notice(main, error instanceof RpcError && error.code === -32004 ? 'Not found' : 'Error', error instanceof RpcError ? error.message : `The node could not be reached: ${error.message}`);
  }
  if (run === renderCount) {
    const title = main.querySelector('h1')?.textContent;
    document.title = title ? `${title} · Chain explorer` : 'Chain explorer';
    if (focus) {
      main.focus();
    }
  }
}

function showLive(state) {
  liveBadge.dataset.state = state;
  liveBadge.textContent = { live: 'live', connecting: 'connecting…', offline: 'offline: reconnecting…' }[state] ?? state;
}

async function start() {
  let status;
  try {
    status = await call('status');
  } catch (error) {
    if (error instanceof Unauthorized) {
      return;
    }
    replace(main, h('h1', {}, 'Error'), h('p', { class: 'notice' }, `The node could not be reached: ${error.message}`));
    return;
  }
  hideLogin();
  store.status = status;
  live = new Live(['tips', 'mempool', 'peers']);
  live.on('tips', onTip);
  live.on('mempool', onMempool);
  live.on('peers', onPeer);
  let wasLive = false;
  live.onState(async (state) => {
    showLive(state);
    if (state === 'live') {
      // Notifications sent while the socket was down are lost: reload from the node once subscribed.
      wasLive = true;
      await load().catch(() => {});
    } else if (state === 'offline' && wasLive) {
      // A node restarted with a new cookie refuses the old token: ask for the new one instead of retrying.
      await call('status').catch(() => {});
    }
  });
  live.start();
  await load().catch(() => {});
  networkBadge.textContent = store.network?.network ?? '';
  networkBadge.hidden = !store.network;
  await render(false);
}

onUnauthorized(() => showLogin(getToken() ? 'The node refused this token. It makes a new one each time it starts.' : null));

document.getElementById('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('login-token');
  const token = input.value.trim().replace(/^__cookie__:/, '');
  if (token === '') {
    document.getElementById('login-error').textContent = 'Paste the token first.';
    return;
  }
  setToken(token);
  input.value = '';
  start();
});

document.getElementById('search').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = document.getElementById('search-input');
  const text = input.value.trim();
  if (text !== '') {
    window.location.hash = `#/search/${encodeURIComponent(text)}`;
  }
});

window.addEventListener('hashchange', () => {
  if (live) {
    render(true);
  }
});

takeTokenFromAddress();
if (getToken()) {
  start();
} else {
  clearToken();
  showLogin();
}
