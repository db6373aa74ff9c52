// The messages page: the session list beside one conversation (on a phone,
// one at a time). A conversation shows its history (older pages load as
// you scroll up, by seqno), day separators, where the unread part starts,
// recalled messages as recalled; it sends text with emoji from the
// server's catalogue and images (`composer.js`), recalls your own messages
// within the window, and marks what you read. A fan group's conversation
// (key `g<id>`) names each sender, shows the group's system messages as
// notes and the messages that mention you, and mentions a member whose
// name you click.

import * as api from '../api.js';
import { h, fill, avatar, showError, attempt, dayKey, dayLabel, clockTime } from '../dom.js';
import { t } from '../i18n.js';
import { store, listen, talkerOf, loadUsers, loadEmotes, refreshSession, refreshSessions, parseKey } from '../store.js';
import { renderSessionList, textOf, tipOf, groupKind } from './sessions.js';
import { makeComposer } from './composer.js';
import { searchForm, renderSearchResults } from './search.js';
import { openProfile } from './people.js';

const TYPING_SHOWN_MS = 5000;
/** A fan group's system messages (301–306): notes, not bubbles. */
const isGroupNote = (m) => m.msg_type >= 301 && m.msg_type <= 306;

/** The messages page; with `search`, what it finds instead of the list. */
export function renderMessages(main, { talker, dustbin, search }) {
  main.classList.add('messages-view');
  if (talker) main.classList.add('has-conversation');
  const list = h('div', { class: 'list-body' });
  const pane = h(
    'section',
    { class: 'pane list-pane', 'aria-label': dustbin ? t('intercepted') : t('messages') },
    searchForm(search),
    list,
  );
  const conversation = h('section', { class: 'pane conversation-pane' });
  fill(main, pane, conversation);
  const redrawList = () => {
    if (!search) renderSessionList(list, { active: talker, dustbin });
  };
  if (search) renderSearchResults(list, search);
  redrawList();
  let chat = null;
  if (talker) chat = openConversation(conversation, talker);
  else fill(conversation, h('p', { class: 'empty choose' }, t('chooseSession')));
  const stop = listen((type, detail) => {
    if (type === 'sessions') redrawList();
    chat?.hear(type, detail);
  });
  return () => {
    stop();
    chat?.close();
  };
}

function sessionWith(talker) {
  return store.sessions.get(talker) ?? store.intercepted.get(talker) ?? null;
}

/** The conversation of the session with key `talker` (a mid, or `g<id>`). */
function openConversation(root, talker) {
  const me = store.me.mid;
  const { id, type } = parseKey(talker);
  const group = type === 2;
  const opened = sessionWith(talker);
  const state = {
    byKey: new Map(),
    messages: [],
    einfos: new Map(),
    recalled: new Set(),
    min: null,
    max: 0,
    hasMore: true,
    loadingOlder: false,
    /** Read position when the conversation was opened (the "new" divider). */
    ackAtOpen: opened?.ack_seqno ?? 0,
    unreadAtOpen: opened?.unread_count ?? 0,
    acked: opened?.ack_seqno ?? 0,
    typingTimer: null,
    closed: false,
  };

  const typing = h('span', { class: 'typing', 'aria-live': 'polite' });
  const header = h('header', { class: 'conversation-head' });
  const log = h('ol', { class: 'messages', role: 'log', 'aria-live': 'polite', tabindex: '0' });
  const composer = makeComposer({
    send: async (text, atUids) => {
      const sent = await api.sendMessage(me, id, 1, { content: text }, { type, atUids });
      await syncNewer();
      draw('bottom');
      return sent;
    },
    sendImage: async (image) => {
      await api.sendMessage(me, id, 2, image, { type });
      await syncNewer();
    },
    typing: group ? null : () => store.connection?.typing(id),
  });
  fill(root, header, log, composer.form);

  function drawHeader() {
    const session = sessionWith(talker);
    const who = talkerOf(session ?? id);
    const action = (label, run) =>
      h('button', { class: 'menu-item', onclick: async (e) => {
        e.target.closest('details')?.removeAttribute('open');
        await attempt(run);
      } }, label);
    const menu = session
      ? h(
          'details',
          { class: 'menu' },
          h('summary', { 'aria-label': t('settings') }, '⋯'),
          h(
            'div',
            { class: 'menu-items' },
            action(session.top_ts > 0 ? t('unpin') : t('pin'), async () => {
              await api.setTop(id, !(session.top_ts > 0), type);
              await refreshSession(talker);
            }),
            action(session.is_dnd ? t('dndOff') : t('dndOn'), async () => {
              await api.setDnd(id, !session.is_dnd, type);
              await refreshSession(talker);
            }),
            // The dustbin and removal are users' sessions'.
            group
              ? null
              : action(session.is_intercept ? t('moveOutOfDustbin') : t('moveToDustbin'), async () => {
                  await api.intercept(id, !session.is_intercept);
                  await refreshSession(talker);
                }),
            group
              ? null
              : action(t('removeSession'), async () => {
                  await api.removeSession(id);
                  await refreshSessions();
                  location.hash = '#/';
                }),
          ),
        )
      : null;
    fill(
      header,
      h('a', { href: session?.is_intercept ? '#/dustbin' : '#/', class: 'back-link', 'aria-label': t('back') }, '←'),
      avatar(who.face, who.name, 32),
      group
        ? h('span', { class: 'talker-name' }, who.name, h('span', { class: 'tag group' }, groupKind(who.groupType)))
        : h(
            'button',
            { class: 'link talker-name', onclick: () => openProfile(id), 'aria-label': `${who.name}, ${t('profile')}` },
            who.name,
          ),
      session?.top_ts > 0 ? h('span', { class: 'mark', title: t('pinned') }, '📌') : null,
      session?.is_dnd ? h('span', { class: 'mark', title: t('dnd') }, '🔕') : null,
      typing,
      menu,
    );
  }

  // ---- the history --------------------------------------------------------

  function merge(messages, einfos) {
    for (const e of einfos ?? []) state.einfos.set(e.text, e);
    for (const m of messages ?? []) {
      if (m.msg_type === 5) state.recalled.add(String(m.content).replace(/"/g, ''));
      const known = state.byKey.get(m.msg_key);
      if (known) Object.assign(known, m);
      else state.byKey.set(m.msg_key, m);
    }
    for (const key of state.recalled) {
      const target = state.byKey.get(key);
      if (target) target.msg_status = 1;
    }
    state.messages = [...state.byKey.values()].sort((a, b) => a.msg_seqno - b.msg_seqno);
    if (state.messages.length) {
      state.min = state.messages[0].msg_seqno;
      state.max = Math.max(state.max, state.messages[state.messages.length - 1].msg_seqno);
    }
  }

  function draw(keep) {
    const fromBottom = log.scrollHeight - log.scrollTop;
    const atBottom = fromBottom - log.clientHeight < 48;
    const items = [];
    if (state.loadingOlder) items.push(h('li', { class: 'notice' }, t('loadingOlder')));
    else if (!state.hasMore && state.messages.length) items.push(h('li', { class: 'notice' }, t('noOlder')));
    let day = null;
    let dividerShown = false;
    for (const m of state.messages) {
      if (m.msg_type === 5) continue;
      const date = new Date(m.timestamp * 1000);
      if (dayKey(date) !== day) {
        day = dayKey(date);
        items.push(h('li', { class: 'day', role: 'separator' }, dayLabel(date)));
      }
      if (!dividerShown && state.unreadAtOpen && m.msg_seqno > state.ackAtOpen && m.sender_uid !== me) {
        dividerShown = true;
        items.push(h('li', { class: 'new-divider', role: 'separator' }, t('newBelow')));
      }
      items.push(messageItem(m));
    }
    fill(log, items);
    if (keep === 'distance') log.scrollTop = log.scrollHeight - fromBottom;
    else if (keep === 'bottom' || atBottom) log.scrollTop = log.scrollHeight;
  }

  function messageItem(m) {
    const mine = m.sender_uid === me;
    if (m.msg_type === 18) return h('li', { class: 'tip' }, tipOf(m));
    if (isGroupNote(m)) return h('li', { class: 'tip group-note' }, textOf(m));
    if (m.msg_status === 1) {
      return h('li', { class: 'tip recalled', dataset: { key: m.msg_key } }, mine ? t('youRecalled') : t('theyRecalled'));
    }
    const age = Date.now() / 1000 - m.timestamp;
    const recallable = mine && [1, 2, 6].includes(m.msg_type) && age < (store.instance?.recall_window_secs ?? 120);
    const who = mine ? { name: store.me.uname, face: store.me.face } : talkerOf(group ? m.sender_uid : sessionWith(talker) ?? id);
    const mentioned = group && !mine && (m.at_uids ?? []).includes(me);
    const classes = ['message', mine ? 'mine' : 'theirs', mentioned ? 'mentions-me' : ''].filter(Boolean).join(' ');
    // In a group, a member's name mentions them.
    const sender = group && !mine
      ? h('button', { type: 'button', class: 'link sender', title: t('mention'), onclick: () => composer.mention(m.sender_uid, who.name) }, who.name)
      : null;
    return h(
      'li',
      { class: classes, dataset: { key: m.msg_key, seqno: m.msg_seqno } },
      avatar(who.face, who.name, 32),
      h(
        'div',
        { class: 'bubble-wrap' },
        sender,
        mentioned ? h('span', { class: 'mentioned' }, t('mentionedYou')) : null,
        h('div', { class: 'bubble' }, content(m)),
        h(
          'div',
          { class: 'meta' },
          h('time', { datetime: new Date(m.timestamp * 1000).toISOString() }, clockTime(new Date(m.timestamp * 1000))),
          recallable ? h('button', { class: 'link recall', onclick: () => recall(m) }, t('recall')) : null,
        ),
      ),
    );
  }

  function emoteFor(text) {
    return state.einfos.get(text) ?? store.emotes.get(text);
  }

  function content(m) {
    if (m.msg_type === 1) return renderText(textOf(m));
    if (m.msg_type === 2 || m.msg_type === 6) {
      let image = {};
      try {
        image = JSON.parse(m.content);
      } catch {
        // Shown as a plain message below.
      }
      if (image.url) {
        return h(
          'a',
          { href: image.url, target: '_blank', rel: 'noopener', class: m.msg_type === 6 ? 'sticker' : 'picture' },
          h('img', { src: image.url, alt: t('image'), width: image.width || null, height: image.height || null }),
        );
      }
    }
    return t('otherMsg');
  }

  function renderText(text) {
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(/\[[^[\]\n]{1,32}\]/g)) {
      const emote = emoteFor(match[0]);
      if (!emote) continue;
      parts.push(text.slice(last, match.index));
      parts.push(
        h('img', {
          class: emote.size === 2 ? 'emote large' : 'emote',
          src: emote.url || emote.uri,
          alt: match[0],
          title: match[0],
        }),
      );
      last = match.index + match[0].length;
    }
    parts.push(text.slice(last));
    return h('span', { class: 'text' }, parts);
  }

  /** Merges a page, first learning the names of a group's senders. */
  async function mergePage(messages, einfos) {
    if (group) await attempt(() => loadUsers((messages ?? []).map((m) => m.sender_uid)));
    merge(messages, einfos);
  }

  async function loadLatest() {
    const page = await api.history(id, {}, type);
    state.hasMore = page.has_more === 1;
    await mergePage(page.messages, page.e_infos);
    draw('bottom');
    await markRead();
    await fillScreen();
  }

  /** Loads older pages until the history fills the view or ends. */
  async function fillScreen() {
    while (!state.closed && state.hasMore && log.scrollHeight <= log.clientHeight) {
      if (!(await loadOlder())) break;
    }
  }

  async function loadOlder() {
    if (!state.hasMore || state.loadingOlder || state.min === null) return false;
    state.loadingOlder = true;
    draw('distance');
    try {
      const page = await api.history(id, { end_seqno: state.min }, type);
      state.hasMore = page.has_more === 1 && !!page.messages?.length;
      await mergePage(page.messages, page.e_infos);
      return true;
    } catch (err) {
      showError(err);
      return false;
    } finally {
      state.loadingOlder = false;
      draw('distance');
    }
  }

  /** Fetches what is newer than the newest message shown. */
  async function syncNewer() {
    for (let i = 0; i < 20 && !state.closed; i += 1) {
      const page = await api.history(id, { begin_seqno: state.max }, type);
      await mergePage(page.messages, page.e_infos);
      if (page.has_more !== 1 || !page.messages?.length) break;
    }
    draw();
    await markRead();
  }

  async function markRead() {
    if (state.closed || document.visibilityState !== 'visible' || state.max <= state.acked) return;
    const upTo = state.max;
    state.acked = upTo;
    await attempt(() => api.ack(id, upTo, type));
  }

  async function recall(m) {
    try {
      await api.sendMessage(me, id, 5, String(m.msg_key), { type });
      state.recalled.add(m.msg_key);
      merge([], []);
      draw();
    } catch (err) {
      showError(err);
      draw();
    }
  }

  // ---- live ----------------------------------------------------------------

  function showTyping() {
    typing.textContent = t('typing');
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(() => {
      typing.textContent = '';
    }, TYPING_SHOWN_MS);
  }

  const onVisible = () => markRead();
  document.addEventListener('visibilitychange', onVisible);
  log.addEventListener('scroll', () => {
    if (log.scrollTop < 80) loadOlder();
  });

  drawHeader();
  (async () => {
    if (!sessionWith(talker) && !group) await attempt(() => loadUsers([id]));
    drawHeader();
    await attempt(loadEmotes);
    await attempt(loadLatest);
    composer.input.focus();
  })();

  return {
    hear(type, detail) {
      if (state.closed) return;
      if (type === 'sessions') drawHeader();
      if (type === 'resync') attempt(syncNewer);
      if (detail?.key !== talker) return;
      if (type === 'message') {
        if (detail.message.sender_uid === id) typing.textContent = '';
        mergePage([detail.message], detail.e_infos).then(() => {
          draw();
          markRead();
        });
      } else if (type === 'recall') {
        state.recalled.add(detail.msg_key);
        merge([], []);
        draw();
      } else if (type === 'typing') {
        showTyping();
      }
    },
    close() {
      state.closed = true;
      clearTimeout(state.typingTimer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
