// Signing in (a password; QR-code logins are approved from a device that
// is signed in already), the first-run page of a server without users, and
// the approval page a QR code leads to.

import * as api from '../api.js';
import { h, fill, toast, showError } from '../dom.js';
import { t, refusal } from '../i18n.js';

export function renderSignIn(root, { afterSignIn, approving }) {
  const error = h('p', { class: 'error', role: 'alert' });
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const button = h('button', { type: 'submit', class: 'primary' }, t('signIn'));
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        button.textContent = t('signingIn');
        error.textContent = '';
        try {
          await api.login(username.value.trim(), password.value);
          afterSignIn();
        } catch (err) {
          error.textContent = refusal(err.code, err.message);
          button.disabled = false;
          button.textContent = t('signIn');
          password.select();
        }
      },
    },
    h('h1', {}, t('app')),
    approving ? h('p', {}, t('scanNotSignedIn')) : null,
    h('label', { for: 'username' }, t('username')),
    username,
    h('label', { for: 'password' }, t('password')),
    password,
    error,
    button,
  );
  fill(root, h('main', { class: 'center' }, form));
  username.focus();
}

export function renderFirstRun(root) {
  const example = [
    'sixin user add --uname alice --password \'correct horse\' --admin-token <admin token>',
    '',
    '# or through the admin API:',
    'curl -X POST <server>/admin/v1/users -H \'Authorization: Bearer <admin token>\' \\',
    '  -H \'Content-Type: application/json\' -d \'{"uname": "alice", "password": "correct horse"}\'',
  ].join('\n');
  fill(
    root,
    h(
      'main',
      { class: 'center' },
      h(
        'section',
        { class: 'card', id: 'first-run' },
        h('h1', {}, t('firstRunTitle')),
        h('p', {}, t('firstRunBody')),
        h('pre', {}, example.replaceAll('<server>', location.origin)),
        h('p', {}, t('firstRunAfter')),
      ),
    ),
  );
}

/** The key of a QR-code login, from its URL or as pasted. */
export function qrKey(text) {
  const trimmed = String(text ?? '').trim();
  try {
    const key = new URL(trimmed).searchParams.get('qrcode_key');
    if (key) return key;
  } catch {
    // Not a URL: the key itself.
  }
  return trimmed;
}

/** Scans and confirms the login `key`; true when done. */
export async function approve(key) {
  try {
    await api.approveScan(key);
    await api.approveConfirm(key);
    toast(t('approved'));
    return true;
  } catch (err) {
    showError(err);
    return false;
  }
}

export function renderApproval(root) {
  const key = qrKey(location.href);
  const done = h('p', { role: 'status' });
  const button = h(
    'button',
    {
      class: 'primary',
      onclick: async () => {
        button.disabled = true;
        if (await approve(key)) {
          done.textContent = t('approved');
          button.remove();
        } else {
          button.disabled = false;
        }
      },
    },
    t('approve'),
  );
  fill(
    root,
    h(
      'main',
      { class: 'center' },
      h('section', { class: 'card narrow' }, h('h1', {}, t('approveTitle')), h('p', {}, t('approveBody')), button, done,
        h('p', {}, h('a', { href: '/' }, t('messages')))),
    ),
  );
  button.focus();
}
