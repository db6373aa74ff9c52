// Settings: who may message you, blocked words, muted and pinned
// conversations, approving a QR-code login on another device. Drawn again
// when another device changes them (a `settings` push) or a session
// changes (pins, do not disturb).

import * as api from '../api.js';
import { h, fill, attempt, toast } from '../dom.js';
import { t } from '../i18n.js';
import { store, listen, ordered, talkerOf, hrefOf, sessionKey } from '../store.js';
import { approve, qrKey } from './login.js';

export function renderSettings(main) {
  const page = h('section', { class: 'page settings-page' });
  fill(main, page);
  draw(page);
  return listen((type) => {
    if (type === 'settings' || type === 'sessions') draw(page);
  });
}

async function draw(page) {
  const [settings, words] = await Promise.all([attempt(api.settings), attempt(api.blockWords)]);
  // What is being typed survives a redraw.
  const typed = (id) => page.querySelector(`#${id}`)?.value ?? '';
  const focused = document.activeElement?.id;
  const strangers = h('input', {
    type: 'checkbox',
    id: 'receive-unfollow',
    checked: settings?.receive_unfollow_msg !== 0,
    onchange: async (e) => {
      const value = e.target.checked ? 1 : 0;
      if ((await attempt(() => api.changeSetting('receive_unfollow_msg', value))) === undefined) {
        e.target.checked = !e.target.checked;
      } else {
        toast(t('saved'));
      }
    },
  });

  const wordInput = h('input', { id: 'block-word', value: typed('block-word') || null, placeholder: t('blockWordPlaceholder'), 'aria-label': t('blockWordPlaceholder'), maxlength: 20 });
  const wordList = (words?.words ?? []).map((w) =>
    h(
      'li',
      {},
      h('span', {}, w.content),
      h('button', {
        class: 'link',
        'aria-label': `${t('delete')} ${w.content}`,
        onclick: async () => {
          if ((await attempt(() => api.deleteBlockWord(w.content))) !== undefined) draw(page);
        },
      }, t('delete')),
    ),
  );

  const conversations = (filter) => {
    const list = ordered(store.sessions).filter(filter);
    return list.length
      ? h(
          'ul',
          { class: 'plain' },
          list.map((s) => {
            const who = talkerOf(s);
            return h('li', {}, h('a', { href: hrefOf(sessionKey(s)) }, who.name));
          }),
        )
      : h('p', { class: 'empty' }, t('none'));
  };

  const qrInput = h('input', { id: 'qr-key', value: typed('qr-key') || null, placeholder: 'qrcode_key', 'aria-label': t('approveLoginHint') });

  fill(
    page,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('receiveUnfollow')),
      h('label', { for: 'receive-unfollow', class: 'check' }, strangers, t('receiveUnfollow')),
      h('p', { class: 'hint' }, t('receiveUnfollowHint')),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('blockWords')),
      h('p', { class: 'hint' }, t('blockWordsHint')),
      h(
        'form',
        {
          class: 'inline',
          onsubmit: async (e) => {
            e.preventDefault();
            const word = wordInput.value.trim();
            if (word && (await attempt(() => api.addBlockWord(word))) !== undefined) draw(page);
          },
        },
        wordInput,
        h('button', { type: 'submit' }, t('addBlockWord')),
      ),
      h('ul', { class: 'words' }, wordList),
    ),
    h('section', { class: 'card' }, h('h2', {}, t('pinnedList')), conversations((s) => s.top_ts > 0)),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('dndList')),
      conversations((s) => s.is_dnd),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('approveLogin')),
      h('p', { class: 'hint' }, t('approveLoginHint')),
      h(
        'form',
        {
          class: 'inline',
          onsubmit: async (e) => {
            e.preventDefault();
            if (await approve(qrKey(qrInput.value))) qrInput.value = '';
          },
        },
        qrInput,
        h('button', { type: 'submit' }, t('approve')),
      ),
    ),
  );
  if (focused) page.querySelector(`#${focused}`)?.focus();
}
