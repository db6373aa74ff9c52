// The web client's entry: who is here, the page's frame, the routes
// (#/chat/<mid>, #/group/<id>, #/dustbin, #/search/<words>,
// #/people[/<mid>], #/settings)
// and the live connection that keeps everything current.

import * as api from './api.js';
import { h, fill, attempt, showError } from './dom.js';
import { t, language, setLanguage } from './i18n.js';
import * as push from './push.js';
import { store, emit, listen, refreshSessions, refreshSession, updateTitle, keyOf } from './store.js';
import { renderSignIn, renderFirstRun, renderApproval } from './views/login.js';
import { renderMessages } from './views/chat.js';
import { renderPeople } from './views/people.js';
import { renderSettings } from './views/settings.js';

const root = document.getElementById('app');
let connection = null;
let leaveView = null;

async function boot() {
  const who = await attempt(() => api.nav());
  store.instance = await attempt(() => api.instance());
  const approving = location.pathname === '/h5-app/passport/login/scan';
  if (!who?.isLogin) {
    if (store.instance && !store.instance.has_users) return renderFirstRun(root);
    return renderSignIn(root, { afterSignIn: () => location.reload(), approving });
  }
  store.me = { mid: who.mid, uname: who.uname, face: who.face };
  if (approving) return renderApproval(root);
  startLive();
  await attempt(refreshSessions);
  window.addEventListener('hashchange', route);
  route();
}

function startLive() {
  connection = push.connect({
    onFrame: (frame) => handleFrame(frame).catch(showError),
    onResync: () => {
      refreshSessions().catch(() => {});
      emit('resync');
    },
    onStatus: (live) => {
      store.live = live;
      emit('live', live);
    },
  });
  store.connection = connection;
}

async function handleFrame(frame) {
  // Views know sessions by key: a user's mid, or `g<id>` for a fan group.
  const key = frame.talker_id ? keyOf(frame.talker_id, frame.session_type ?? 1) : null;
  switch (frame.type) {
    case 'message':
    case 'recall':
    case 'read':
      emit(frame.type, { ...frame, key });
      await refreshSession(key);
      break;
    case 'session':
      // A group session may have left the lists (its owner left the group).
      if (key && frame.session_type !== 2) await refreshSession(key);
      else await refreshSessions();
      break;
    case 'relation':
      emit('relation', frame);
      if (store.sessions.has(frame.mid) || store.intercepted.has(frame.mid)) {
        await refreshSession(frame.mid);
      }
      break;
    case 'settings':
      // Changed on another device: the settings page reads them again.
      emit('settings', frame);
      break;
    case 'typing':
      emit('typing', { ...frame, key });
      break;
    default:
      break;
  }
}

function shell(active) {
  const tab = (name, href) =>
    h('a', { href, class: active === name ? 'tab active' : 'tab', 'aria-current': active === name ? 'page' : null }, t(name));
  const status = h('span', {
    class: store.live ? 'live on' : 'live',
    title: store.live ? t('live') : t('polling'),
    'aria-label': store.live ? t('live') : t('polling'),
  });
  const header = h(
    'header',
    { class: 'top' },
    h('span', { class: 'brand' }, t('app'), status),
    h('nav', { 'aria-label': t('app') }, tab('messages', '#/'), tab('people', '#/people'), tab('settings', '#/settings')),
    h(
      'div',
      { class: 'me' },
      h(
        'button',
        {
          class: 'link',
          'aria-label': t('languageLabel'),
          onclick: () => {
            setLanguage(language() === 'zh' ? 'en' : 'zh');
            updateTitle();
            route();
          },
        },
        t('language'),
      ),
      h('span', { class: 'my-name' }, store.me.uname),
      h(
        'button',
        {
          class: 'link',
          onclick: async () => {
            await attempt(() => api.logout());
            connection?.stop();
            location.hash = '';
            location.reload();
          },
        },
        t('signOut'),
      ),
    ),
  );
  const main = h('main', { id: 'main' });
  fill(root, header, main);
  return main;
}

function route() {
  leaveView?.();
  leaveView = null;
  const [, section = '', arg] = location.hash.replace(/^#/, '').split('/');
  if (section === 'people') {
    leaveView = renderPeople(shell('people'), arg ? Number(arg) : null);
  } else if (section === 'settings') {
    leaveView = renderSettings(shell('settings'));
  } else {
    let talker = null;
    if (section === 'chat' && arg) talker = Number(arg);
    if (section === 'group' && arg) talker = keyOf(Number(arg), 2);
    const search = section === 'search' && arg ? decodeURIComponent(arg) : null;
    leaveView = renderMessages(shell('messages'), { talker, dustbin: section === 'dustbin', search });
  }
}

// The status dot follows the connection without a re-render.
listen((type, live) => {
  if (type !== 'live') return;
  const dot = document.querySelector('.live');
  if (!dot) return;
  dot.className = live ? 'live on' : 'live';
  dot.title = live ? t('live') : t('polling');
  dot.setAttribute('aria-label', dot.title);
});

boot();
