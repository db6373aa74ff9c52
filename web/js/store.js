// What the page knows: who is signed in, their sessions, the people in
// them, the emoji catalogue. Views read it and listen for changes.
//
// Sessions are kept by key: a user's mid (a number) or `g<id>` for a fan
// group (a string), as a group id may equal some user's mid.

import * as api from './api.js';
import { t } from './i18n.js';

export const store = {
  me: null,
  instance: null,
  /** mid → user card. */
  users: new Map(),
  /** key → session, not intercepted (fan groups included). */
  sessions: new Map(),
  /** key → session in the intercepted folder. */
  intercepted: new Map(),
  /** emoji text → e_info. */
  emotes: new Map(),
  live: false,
};

const listeners = new Set();

/** Calls `fn(type, detail)` on every change; returns the way to stop. */
export function listen(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function emit(type, detail) {
  for (const fn of [...listeners]) {
    try {
      fn(type, detail);
    } catch (err) {
      console.error(err);
    }
  }
}

/** Fetches the cards of the `mids` not known yet. */
export async function loadUsers(mids) {
  const missing = [...new Set(mids)].filter((mid) => mid && !store.users.has(mid));
  for (let i = 0; i < missing.length; i += 50) {
    const cards = await api.users(missing.slice(i, i + 50));
    for (const card of cards ?? []) store.users.set(card.mid, card);
  }
}

/** The key of the session with `talkerId` of `sessionType` (1 user, 2 fan group). */
export function keyOf(talkerId, sessionType = 1) {
  return sessionType === 2 ? `g${talkerId}` : talkerId;
}

/** The key of a session object. */
export const sessionKey = (session) => keyOf(session.talker_id, session.session_type);

/** `{ id, type }` of a session key. */
export function parseKey(key) {
  return typeof key === 'string' && key.startsWith('g')
    ? { id: Number(key.slice(1)), type: 2 }
    : { id: Number(key), type: 1 };
}

/** Where a session opens. */
export function hrefOf(key) {
  const { id, type } = parseKey(key);
  return type === 2 ? `#/group/${id}` : `#/chat/${id}`;
}

/** Name and avatar of the other side of `session` (or of a mid). */
export function talkerOf(sessionOrMid) {
  const session = typeof sessionOrMid === 'object' ? sessionOrMid : null;
  const mid = session ? session.talker_id : sessionOrMid;
  if (session?.session_type === 2) {
    return { mid, name: session.group_name, face: session.group_cover, group: true, groupType: session.group_type };
  }
  if (session?.account_info) {
    return { mid, name: session.account_info.name, face: session.account_info.pic_url, system: true };
  }
  const card = store.users.get(mid);
  return { mid, name: card?.uname ?? t('uidLabel', { mid }), face: card?.face, system: false };
}

function place(session) {
  const key = sessionKey(session);
  store.sessions.delete(key);
  store.intercepted.delete(key);
  (session.is_intercept ? store.intercepted : store.sessions).set(key, session);
}

/** The user a session's entry shows: its talker, or a group's last sender. */
function whoToShow(session) {
  if (session.session_type === 2) return session.last_msg?.sender_uid ?? 0;
  return session.account_info ? 0 : session.talker_id;
}

const byKey = (list) => (list?.session_list ?? []).map((s) => [sessionKey(s), s]);

/** Reloads every session: users' (1), fan groups' (3), intercepted (5). */
export async function refreshSessions() {
  const [main, groups, dustbin] = await Promise.all([api.sessions(1), api.sessions(3), api.sessions(5)]);
  store.sessions = new Map([...byKey(main), ...byKey(groups)]);
  store.intercepted = new Map(byKey(dustbin));
  await loadUsers([...store.sessions.values(), ...store.intercepted.values()].map(whoToShow));
  emit('sessions');
  updateTitle();
}

/** Reloads the session with key `key` (a mid, or `g<id>`). */
export async function refreshSession(key) {
  const { id, type } = parseKey(key);
  try {
    const session = await api.sessionDetail(id, type);
    await loadUsers([whoToShow(session)]);
    place(session);
  } catch (err) {
    if (err.code !== 1000004) throw err;
    store.sessions.delete(key);
    store.intercepted.delete(key);
  }
  emit('sessions');
  updateTitle();
}

/** Sessions in the order a list shows them: pinned first, then newest. */
export function ordered(sessions) {
  return [...sessions.values()].sort(
    (a, b) => (b.top_ts > 0) - (a.top_ts > 0) || b.top_ts - a.top_ts || b.session_ts - a.session_ts,
  );
}

/** Unread messages the page title counts (not muted, not intercepted). */
export function totalUnread() {
  let total = 0;
  for (const session of store.sessions.values()) {
    if (!session.is_dnd) total += session.unread_count;
  }
  return total;
}

export function updateTitle() {
  const n = totalUnread();
  document.title = n > 0 ? `(${n > 99 ? '99+' : n}) ${t('app')}` : t('app');
}

export async function loadEmotes() {
  if (store.emotes.size) return;
  for (const emote of (await api.emotes()) ?? []) store.emotes.set(emote.text, emote);
}
