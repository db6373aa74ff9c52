// The session list: avatar, name, last message, time, unread badge;
// pinned first, muted ones marked, the intercepted folder as one entry;
// fan groups with their name, cover and kind, and "someone mentioned you".

import * as api from '../api.js';
import { h, fill, avatar, shortTime, attempt } from '../dom.js';
import { t } from '../i18n.js';
import { store, ordered, talkerOf, refreshSessions, sessionKey, hrefOf } from '../store.js';

/**
 * Marks every session with unread messages read at once: the listed ones
 * (sixin's own read_all), or the intercepted folder's (Bilibili's own call).
 */
async function readAll(dustbin) {
  await (dustbin ? api.readDustbin() : api.readAll());
  await refreshSessions();
}

/** The text of a message's content object (`{"content": "…"}`). */
export function textOf(message) {
  try {
    return JSON.parse(message.content).content ?? '';
  } catch {
    return '';
  }
}

/** The words of a system tip (its content is a list of coloured parts). */
export function tipOf(message) {
  try {
    const parts = JSON.parse(JSON.parse(message.content).content);
    return parts.map((p) => p.text).join('');
  } catch {
    return textOf(message);
  }
}

/** One line saying what a message is, for previews. */
export function preview(message) {
  if (!message) return '';
  const mine = message.sender_uid === store.me.mid;
  const by = !mine && message.receiver_type === 2 && message.sender_uid ? store.users.get(message.sender_uid)?.uname : null;
  const line = previewOf(message, mine);
  return by && message.msg_status !== 1 && message.msg_type !== 5 ? `${by}: ${line}` : line;
}

function previewOf(message, mine) {
  if (message.msg_status === 1 || message.msg_type === 5) return mine ? t('youRecalled') : t('theyRecalled');
  switch (message.msg_type) {
    case 1:
      return textOf(message);
    case 2:
    case 6:
      return t('imageMsg');
    case 18:
      return tipOf(message);
    case 301:
    case 302:
    case 303:
    case 304:
    case 305:
    case 306:
      return textOf(message);
    default:
      return t('otherMsg');
  }
}

/** Whether `session` holds an unread message mentioning me. */
export const mentionsMe = (session) => session.at_seqno > 0 && session.at_seqno > session.ack_seqno;

/** The name of a fan group's kind. */
export const groupKind = (groupType) => (groupType === 2 ? t('officialGroup') : t('fanGroup'));

function entry(session, active) {
  const who = talkerOf(session);
  const key = sessionKey(session);
  const unread = session.unread_count;
  const marks = [
    session.top_ts > 0 ? h('span', { class: 'mark', title: t('pinned'), 'aria-label': t('pinned') }, '📌') : null,
    session.is_dnd ? h('span', { class: 'mark', title: t('dnd'), 'aria-label': t('dnd') }, '🔕') : null,
  ];
  const label = [who.name, unread ? t('unread', { n: unread }) : ''].filter(Boolean).join(', ');
  return h(
    'li',
    {},
    h(
      'a',
      {
        href: hrefOf(key),
        class: ['session', active ? 'active' : '', unread ? 'has-unread' : '', session.is_dnd ? 'muted' : '']
          .filter(Boolean)
          .join(' '),
        'aria-current': active ? 'page' : null,
        'aria-label': label,
        dataset: { talker: key },
      },
      avatar(who.face, who.name),
      h(
        'span',
        { class: 'body' },
        h(
          'span',
          { class: 'row' },
          h('span', { class: 'name' }, who.name),
          who.system ? h('span', { class: 'tag' }, t('systemAccount')) : null,
          who.group ? h('span', { class: 'tag group' }, groupKind(who.groupType)) : null,
          marks,
          h('time', {}, session.session_ts ? shortTime(new Date(session.session_ts / 1000)) : ''),
        ),
        h(
          'span',
          { class: 'row' },
          h(
            'span',
            { class: 'preview' },
            mentionsMe(session) ? h('span', { class: 'mentioned' }, t('mentionedYou')) : null,
            preview(session.last_msg),
          ),
          unread ? h('span', { class: session.is_dnd ? 'badge quiet' : 'badge' }, unread > 99 ? '99+' : unread) : null,
        ),
      ),
    ),
  );
}

/** Renders the list into `container`: the intercepted folder when `dustbin`. */
export function renderSessionList(container, { active, dustbin }) {
  const sessions = ordered(dustbin ? store.intercepted : store.sessions);
  const items = sessions.map((s) => entry(s, sessionKey(s) === active));
  const folder =
    !dustbin && store.intercepted.size
      ? h(
          'li',
          {},
          h(
            'a',
            { href: '#/dustbin', class: 'session folder' },
            h('span', { class: 'avatar folder-icon', 'aria-hidden': 'true' }, '🗂'),
            h(
              'span',
              { class: 'body' },
              h('span', { class: 'row' }, h('span', { class: 'name' }, t('intercepted'))),
              h('span', { class: 'row' }, h('span', { class: 'preview' }, `${store.intercepted.size}`)),
            ),
          ),
        )
      : null;
  const back = dustbin ? h('a', { href: '#/', class: 'back-link' }, `← ${t('back')}`) : null;
  const unread = sessions.some((s) => s.unread_count > 0);
  const readAllButton = unread
    ? h('button', { class: 'link read-all', onclick: () => attempt(() => readAll(dustbin)) }, t('readAll'))
    : null;
  fill(
    container,
    back,
    readAllButton,
    dustbin ? h('h2', { class: 'list-title' }, t('intercepted')) : null,
    items.length || folder
      ? h('ul', { class: 'sessions', 'aria-label': dustbin ? t('intercepted') : t('messages') }, items, folder)
      : h('p', { class: 'empty' }, t('noSessions')),
  );
}
