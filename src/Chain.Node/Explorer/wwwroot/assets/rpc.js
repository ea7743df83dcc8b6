// The node's JSON-RPC API as the page uses it: requests over HTTP POST with the token as a Bearer credential,
// subscriptions over one WebSocket (the token in its address: a browser cannot set headers on a WebSocket).

const tokenKey = 'chain.explorer.token';

/** Moves a `?token=` from the address bar into this tab's session storage, and out of the address bar and history. */
export function takeTokenFromAddress() {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) {
    return;
  }
  setToken(token);
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

export const getToken = () => sessionStorage.getItem(tokenKey);
export const setToken = (token) => sessionStorage.setItem(tokenKey, token.trim());
export const clearToken = () => sessionStorage.removeItem(tokenKey);

/** An error the node answered: its JSON-RPC code and its message (the console's words). */
export class RpcError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
  }
}

/** The node refused the token (HTTP 401). */
export class Unauthorized extends Error {
  constructor() {
    super('the node refused the token');
    this.name = 'Unauthorized';
  }
}

/** JSON-RPC error codes the page tells apart (API.md "Errors"). */
export const codes = { invalidParams: -32602, notFound: -32004, refused: -32010 };

let nextId = 1;
const unauthorizedHandlers = new Set();

/** Calls `fn` whenever the node refuses the token. */
export function onUnauthorized(fn) {
  unauthorizedHandlers.add(fn);
}

async function post(body) {
  // credentials 'omit': a 401 must not make the browser pop up its own Basic sign-in box.
  const response = await fetch('/', {
    method: 'POST',
    headers: { 'Authorization': `Bearer ${getToken() ?? ''}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (response.status === 401) {
    unauthorizedHandlers.forEach((fn) => fn());
    throw new Unauthorized();
  }
  if (!response.ok) {
    throw new Error(`the node answered HTTP ${response.status}`);
  }
  return response.json();
}

function unwrap(answer) {
  if (answer.error) {
    return new RpcError(answer.error.code, answer.error.message);
  }
  return answer.result;
}

/** Calls one method; resolves to its result, rejects with an RpcError carrying the node's message. */
export async function call(method, params = []) {
  const result = unwrap(await post({ jsonrpc: '2.0', id: nextId++, method, params }));
  if (result instanceof RpcError) {
    throw result;
  }
  return result;
}

/**
 * Calls several methods in one batch (at most 100: API.md "Caps"); resolves to their results in order, an
 * RpcError in place of each that failed.
 */
export async function batch(calls) {
  if (calls.length === 0) {
    return [];
  }
  const first = nextId;
  nextId += calls.length;
  const answers = await post(calls.map(([method, params = []], i) => ({ jsonrpc: '2.0', id: first + i, method, params })));
  const byId = new Map(answers.map((a) => [a.id, a]));
  return calls.map((_, i) => {
    const answer = byId.get(first + i);
    return answer ? unwrap(answer) : new RpcError(-32603, 'no answer');
  });
}

/**
 * One WebSocket to the node, subscribed to the given topics, reopened with backoff when it drops (the node
 * restarting, say). Handlers get each notification's result; state handlers get 'connecting', 'live' or 'offline'
 * and, after a reconnection, should reload what they show, since notifications sent meanwhile are lost.
 */
export class Live {
  constructor(topics) {
    this.topics = topics;
    this.handlers = new Map();
    this.stateHandlers = new Set();
    this.requests = new Map();
    this.subscriptions = new Map();
    this.attempt = 0;
    this.socket = null;
    this.stopped = false;
    this.state = 'connecting';
  }

  on(topic, fn) {
    if (!this.handlers.has(topic)) {
      this.handlers.set(topic, new Set());
    }
    this.handlers.get(topic).add(fn);
  }

  onState(fn) {
    this.stateHandlers.add(fn);
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }

  setState(state, detail) {
    this.state = state;
    this.stateHandlers.forEach((fn) => fn(state, detail));
  }

  open() {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${window.location.host}/?token=${encodeURIComponent(getToken() ?? '')}`);
    this.socket = socket;
    this.setState('connecting');
    socket.addEventListener('open', () => this.subscribe(socket));
    socket.addEventListener('message', (event) => this.receive(event.data));
    socket.addEventListener('close', () => this.closed(socket));
  }

  async subscribe(socket) {
    try {
      this.subscriptions.clear();
      for (const topic of this.topics) {
        const id = await this.request(socket, 'subscribe', [topic]);
        this.subscriptions.set(String(id), topic);
      }
      this.attempt = 0;
      this.setState('live');
    } catch (error) {
      this.setState('offline', error.message);
      socket.close();
    }
  }

  request(socket, method, params) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      this.requests.set(id, { resolve, reject });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.method === 'subscription' && message.params) {
      const { subscription, topic, result } = message.params;
      const name = topic ?? this.subscriptions.get(String(subscription));
      this.handlers.get(name)?.forEach((fn) => fn(result));
      return;
    }
    const request = this.requests.get(message.id);
    if (request) {
      this.requests.delete(message.id);
      const result = unwrap(message);
      if (result instanceof RpcError) {
        request.reject(result);
      } else {
        request.resolve(result);
      }
    }
  }

  closed(socket) {
    if (socket !== this.socket) {
      return;
    }
    this.requests.forEach((r) => r.reject(new Error('connection closed')));
    this.requests.clear();
    this.setState('offline');
    if (this.stopped) {
      return;
    }
    // 1, 2, 4, 8, then every 15 seconds: a node that restarts is found again without hammering one that is gone.
    const delay = Math.min(15000, 1000 * 2 ** this.attempt++);
    this.timer = setTimeout(() => this.open(), delay);
  }
}
