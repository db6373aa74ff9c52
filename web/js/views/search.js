// Searching your own conversations (sixin's /sixin/v1/messages/search):
// the search box above the session list, and the messages found in its
// place (#/search/<words>), newest first, older pages on demand; each
// opens its conversation.

import * as api from '../api.js';
import { h, fill, avatar, shortTime, attempt } from '../dom.js';
import { t } from '../i18n.js';
import { store, talkerOf, keyOf, hrefOf, loadUsers } from '../store.js';
import { textOf } from './sessions.js';

/** The search box; `keyword` is what it shows. */
export function searchForm(keyword = '') {
  const input = h('input', {
    id: 'search',
    type: 'search',
    value: keyword || null,
    placeholder: t('searchMessages'),
    'aria-label': t('searchMessages'),
    maxlength: 64,
  });
  return h(
    'form',
    {
      class: 'search',
      role: 'search',
      onsubmit: (e) => {
        e.preventDefault();
        const words = input.value.trim();
        location.hash = words ? `#/search/${encodeURIComponent(words)}` : '#/';
      },
    },
    input,
  );
}

/** `text` with every occurrence of `keyword` marked (ignoring case). */
function highlighted(text, keyword) {
  const parts = [];
  const lower = text.toLowerCase();
  const needle = keyword.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0 && needle; i = lower.indexOf(needle, at)) {
    parts.push(text.slice(at, i), h('mark', {}, text.slice(i, i + needle.length)));
    at = i + needle.length;
  }
  parts.push(text.slice(at));
  return parts;
}

function result(found, keyword) {
  const key = keyOf(found.talker_id, found.session_type);
  const session = store.sessions.get(key) ?? store.intercepted.get(key);
  const who = talkerOf(session ?? found.talker_id);
  const m = found.message;
  const sender = m.sender_uid === store.me.mid ? store.me.uname : store.users.get(m.sender_uid)?.uname;
  return h(
    'li',
    {},
    h(
      'a',
      { href: hrefOf(key), class: 'session found', dataset: { talker: key, key: m.msg_key } },
      avatar(who.face, who.name),
      h(
        'span',
        { class: 'body' },
        h(
          'span',
          { class: 'row' },
          h('span', { class: 'name' }, who.name),
          h('time', {}, shortTime(new Date(m.timestamp * 1000))),
        ),
        h(
          'span',
          { class: 'row' },
          h('span', { class: 'preview' }, sender ? `${sender}: ` : '', highlighted(textOf(m), keyword)),
        ),
      ),
    ),
  );
}

/** Shows what `keyword` finds in `container`. */
export function renderSearchResults(container, keyword) {
  const items = h('ul', { class: 'sessions results', 'aria-label': t('searchResults') });
  const more = h('button', { class: 'link more', hidden: true }, t('olderResults'));
  const status = h('p', { class: 'empty', 'aria-live': 'polite' }, t('searching'));
  let before = null;
  const say = (text) => {
    status.textContent = text;
    status.hidden = !text;
  };

  async function page() {
    more.disabled = true;
    const found = await attempt(() => api.searchMessages(keyword, before));
    more.disabled = false;
    if (!found) {
      say('');
      return;
    }
    const messages = found.messages ?? [];
    // Names of the users in the sessions and of the senders.
    await attempt(() =>
      loadUsers(messages.flatMap((f) => [f.message.sender_uid, f.session_type === 1 ? f.talker_id : 0])),
    );
    items.append(...messages.map((f) => result(f, keyword)));
    if (messages.length) before = messages[messages.length - 1].message.msg_key;
    more.hidden = !found.has_more;
    say(items.childElementCount ? '' : t('nothingFound'));
  }

  more.addEventListener('click', page);
  fill(
    container,
    h('a', { href: '#/', class: 'back-link' }, `← ${t('back')}`),
    h('h2', { class: 'list-title' }, t('searchTitle', { keyword })),
    status,
    items,
    more,
  );
  page();
}
