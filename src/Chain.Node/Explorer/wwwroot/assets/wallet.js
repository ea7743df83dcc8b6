// The node's own wallet: its address and balance, and a send form. The address is checked by the node
// (validateaddress) before the confirmation, and whatever the node refuses when sending is shown in its own words,
// as the console shows it.

import { batch, call, RpcError } from './rpc.js';
import { fields, h, link, replace } from './dom.js';

const coin = 100000000n;
const maxDecimals = 8;
const maxSupply = 21000000n * coin;
const maxEcho = 64;

/** Coins as written ("12.5") to base units, or null when it is not an amount. */
export function toUnits(text) {
  if (amountProblem(text, 'amount') !== null) {
    return null;
  }
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole) * coin + BigInt(fraction.padEnd(maxDecimals, '0'));
}

/**
 * Why `text` is not an amount of coins, in the node's words (OperationParsers.Coins over Money.TryParseCoins: the
 * same rules, so nothing the node would refuse reaches the confirmation; a test compares both), or null.
 */
export function amountProblem(text, what) {
  const echo = text.length <= maxEcho ? text : `${text.slice(0, maxEcho)}…`;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) {
    return `${what} '${echo}' is not an amount of coins (e.g. 12.5 or 0.5: digits on both sides of a point, at most ${maxDecimals} decimals)`;
  }
  if ((match[2] ?? '').length > maxDecimals) {
    return `${what} '${echo}' has more than ${maxDecimals} decimals (the smallest amount is 0.00000001 coins)`;
  }
  const units = BigInt(match[1]) * coin + BigInt((match[2] ?? '').padEnd(maxDecimals, '0'));
  if (units > maxSupply) {
    return `${what} '${echo}' is out of range: at most 21000000 coins`;
  }
  return null;
}

/** Base units as coins, without trailing zeros ("12.5"). */
export function toCoins(units) {
  const whole = units / coin;
  const fraction = (units % coin).toString().padStart(8, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

function field(id, label, attrs, hint) {
  const error = h('p', { id: `${id}-error`, class: 'field-error' });
  const input = h('input', { id, name: id, 'aria-describedby': `${id}-error${hint ? ` ${id}-hint` : ''}`, autocomplete: 'off', spellcheck: 'false', ...attrs });
  return {
    input,
    error,
    element: h('div', { class: 'field' }, h('label', { for: id }, label), hint ? h('p', { id: `${id}-hint`, class: 'hint' }, hint) : null, input, error),
    show(message) {
      error.textContent = message ?? '';
      input.toggleAttribute('aria-invalid', Boolean(message));
    },
  };
}

/** `#/wallet`: address, balance and the send form. */
export async function walletPage(main) {
  const [address, balance, estimate] = await batch([['address'], ['balance'], ['estimatefee']]);
  for (const result of [address, balance, estimate]) {
    if (result instanceof Error) {
      throw result;
    }
  }
  const balanceValue = h('span', { id: 'wallet-balance' }, balance.balance);
  const immatureValue = h('span', { id: 'wallet-immature' }, balance.immature);
  const to = field('send-to', 'Recipient address', { type: 'text', required: true });
  const amount = field('send-amount', 'Amount (coins)', { type: 'text', inputmode: 'decimal', required: true }, 'Up to 8 decimals, e.g. 12.5 or 0.5.');
  const fee = field('send-fee', 'Fee (coins, optional)', { type: 'text', inputmode: 'decimal', placeholder: estimate.fee },
    `Empty: the network minimum, ${estimate.minFee}. The node suggests ${estimate.fee} with ${estimate.mempool} transactions waiting.`);
  const result = h('div', { id: 'send-result', role: 'status' });
  const review = h('button', { type: 'submit' }, 'Review and send…');
  const form = h('form', { id: 'send-form', novalidate: true, 'aria-labelledby': 'send-title' }, to.element, amount.element, fee.element, review, result);

  const summary = h('div');
  const confirm = h('button', { type: 'button', id: 'send-confirm', class: 'primary' }, 'Send');
  const cancel = h('button', { type: 'button', id: 'send-cancel' }, 'Cancel');
  const dialog = h('dialog', { id: 'send-dialog', 'aria-labelledby': 'send-dialog-title' },
    h('h2', { id: 'send-dialog-title' }, 'Send these coins?'), summary, h('div', { class: 'actions' }, cancel, confirm));

  replace(main,
    h('h1', {}, 'Wallet'),
    fields([
      ['Address', link(`address/${address.address}`, h('code', { class: 'hash', id: 'wallet-address' }, address.address))],
      ['Balance (spendable)', balanceValue],
      ['Immature rewards', immatureValue],
    ]),
    h('h2', { id: 'send-title' }, 'Send'),
    form,
    dialog);

  const refreshBalance = async () => {
    const fresh = await call('balance');
    balanceValue.textContent = fresh.balance;
    immatureValue.textContent = fresh.immature;
  };

  let pending = null;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    [to, amount, fee].forEach((f) => f.show(null));
    replace(result);
    const recipient = to.input.value.trim();
    const amountText = amount.input.value.trim();
    const feeText = fee.input.value.trim();
    let firstBad = null;
    const bad = (f, message) => {
      f.show(message);
      firstBad ??= f;
    };
    if (recipient === '') {
      bad(to, 'Enter the address to send to.');
    } else {
      const check = await call('validateaddress', [recipient]);
      if (!check.valid) {
        bad(to, check.reason);
      }
    }
    // The node checks again when sending; whatever else it refuses (balance, nonce, fee) comes back in its words.
    if (amountText === '') {
      bad(amount, 'Enter the amount to send.');
    } else if (amountProblem(amountText, 'amount')) {
      bad(amount, amountProblem(amountText, 'amount'));
    }
    if (feeText !== '' && amountProblem(feeText, 'fee')) {
      bad(fee, amountProblem(feeText, 'fee'));
    }
    if (firstBad) {
      firstBad.input.focus();
      return;
    }
    const feeUnits = toUnits(feeText === '' ? estimate.minFee : feeText);
    pending = { address: recipient, amount: amountText, ...(feeText === '' ? {} : { fee: feeText }) };
    replace(summary, fields([
      ['To', h('code', { class: 'hash' }, recipient)],
      ['Amount', `${amountText} coins`],
      ['Fee', `${toCoins(feeUnits)} coins${feeText === '' ? ' (network minimum)' : ''}`],
      ['Total', h('strong', {}, `${toCoins(toUnits(amountText) + feeUnits)} coins`)],
      ['Spendable now', `${balanceValue.textContent} coins`],
    ]), h('p', { class: 'muted' }, 'A transfer cannot be taken back once a block confirms it.'));
    dialog.showModal();
    cancel.focus();
  });

  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => review.focus());
  confirm.addEventListener('click', async () => {
    const request = pending;
    dialog.close();
    if (!request) {
      return;
    }
    pending = null;
    review.disabled = true;
    try {
      const sent = await call('send', request);
      replace(result, h('p', { class: 'ok' }, 'Sent: transaction ', link(`tx/${sent.id}`, h('code', { id: 'sent-id' }, sent.id)),
        '. It waits in the mempool until a block confirms it.'));
      form.reset();
      await refreshBalance();
    } catch (error) {
      const message = error instanceof RpcError ? `error: ${error.message}` : `error: ${error.message} (the node may not have received it)`;
      replace(result, h('p', { class: 'error', role: 'alert', id: 'send-error' }, message));
    } finally {
      review.disabled = false;
    }
  });
}
