// People: search by UID or name, a profile card (follow, follow quietly,
// unfollow, block, unblock, message, groups), your followings and
// followers, and your follow groups (create, rename, delete, members).

import * as api from '../api.js';
import { h, fill, avatar, attempt, dialog, toast } from '../dom.js';
import { t } from '../i18n.js';
import { store, listen } from '../store.js';

const ACT = { follow: 1, unfollow: 2, quietFollow: 3, quietUnfollow: 4, block: 5, unblock: 6 };

function personRow(person, extra = null) {
  return h(
    'li',
    { class: 'person' },
    h(
      'button',
      { class: 'person-open', onclick: () => openProfile(person.mid), 'aria-label': `${person.uname}, ${t('profile')}` },
      avatar(person.face, person.uname),
      h('span', { class: 'body' }, h('span', { class: 'name' }, person.uname), h('span', { class: 'sign' }, person.sign || t('uidLabel', { mid: person.mid }))),
    ),
    extra,
  );
}

function peopleList(people) {
  return people.length ? h('ul', { class: 'people' }, people.map((p) => personRow(p))) : h('p', { class: 'empty' }, t('empty'));
}

/** The relation words and the acts offered, from both sides' attributes. */
function relationView(mine, theirs) {
  const labels = [];
  if (mine === 6 || (mine === 2 && theirs === 6)) labels.push(t('mutual'));
  else if (mine === 2) labels.push(t('following'));
  else if (mine === 1) labels.push(t('quietlyFollowing'));
  else if (mine === 128) labels.push(t('blocked'));
  if ((theirs === 2 || theirs === 6) && mine !== 6) labels.push(t('followsYou'));
  const acts = [];
  if (mine === 128) acts.push(['unblock', ACT.unblock]);
  else {
    if (mine === 2 || mine === 6) acts.push(['unfollow', ACT.unfollow]);
    else if (mine === 1) acts.push(['follow', ACT.follow], ['unfollow', ACT.quietUnfollow]);
    else acts.push(['follow', ACT.follow], ['quietFollow', ACT.quietFollow]);
    acts.push(['block', ACT.block]);
  }
  return { labels, acts };
}

/** The profile card of `mid`, in a dialog. */
export async function openProfile(mid) {
  const body = h('div', { class: 'profile' });
  const draw = async () => {
    const [cards, rel] = await Promise.all([api.users([mid]), api.spaceRelation(mid).catch(() => null)]);
    const person = cards?.[0];
    if (!person) {
      fill(body, h('p', {}, t('empty')));
      return;
    }
    store.users.set(person.mid, person);
    const mine = rel?.relation?.attribute ?? 0;
    const theirs = rel?.be_relation?.attribute ?? 0;
    const { labels, acts } = relationView(mine, theirs);
    const self = mid === store.me.mid;
    fill(
      body,
      h(
        'div',
        { class: 'profile-head' },
        avatar(person.face, person.uname, 64),
        h(
          'div',
          {},
          h('h3', { class: 'name' }, person.uname),
          h('p', { class: 'uid' }, t('uidLabel', { mid: person.mid })),
          person.sign ? h('p', { class: 'sign' }, person.sign) : null,
          labels.length ? h('p', { class: 'relation' }, labels.join(' · ')) : null,
        ),
      ),
      self
        ? null
        : h(
            'div',
            { class: 'actions' },
            h('a', { class: 'button primary', href: `#/chat/${mid}`, onclick: () => body.closeDialog?.() }, t('message')),
            acts.map(([label, act]) =>
              h(
                'button',
                {
                  class: act === ACT.block ? 'danger' : '',
                  onclick: async () => {
                    if (await attempt(() => api.modify(mid, act)) !== undefined) await draw();
                  },
                },
                t(label),
              ),
            ),
            mine === 2 || mine === 6 ? h('button', { onclick: () => editGroups(mid, body) }, t('setGroups')) : null,
          ),
      h('div', { class: 'groups-editor' }),
    );
  };
  const stop = listen((type, detail) => {
    if (type === 'relation' && detail.mid === mid) draw().catch(() => {});
  });
  const shown = dialog(t('profile'), body);
  await attempt(draw);
  body.querySelector('.actions button, .actions a')?.focus();
  await shown;
  stop();
}

async function editGroups(mid, body) {
  const box = body.querySelector('.groups-editor');
  const [all, current] = await Promise.all([attempt(api.tags), attempt(() => api.userTags(mid))]);
  const chosen = new Set(Object.keys(current ?? {}).map(Number));
  const boxes = (all ?? [])
    .filter((tag) => tag.tagid !== 0)
    .map((tag) => {
      const id = `tag-${tag.tagid}`;
      const input = h('input', { type: 'checkbox', id, value: tag.tagid, checked: chosen.has(tag.tagid) });
      return h('label', { for: id, class: 'check' }, input, tag.name);
    });
  fill(
    box,
    h('fieldset', {}, h('legend', {}, t('setGroups')), boxes),
    h(
      'button',
      {
        class: 'primary',
        onclick: async () => {
          const ids = [...box.querySelectorAll('input:checked')].map((i) => Number(i.value));
          if (await attempt(() => api.setUserTags(mid, ids)) !== undefined) {
            toast(t('saved'));
            fill(box);
          }
        },
      },
      t('save'),
    ),
  );
  box.querySelector('input')?.focus();
}

// ---- the page --------------------------------------------------------------

export function renderPeople(main, openMid) {
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const keyword = h('input', { type: 'search', id: 'people-search', placeholder: t('searchPlaceholder'), 'aria-label': t('searchPlaceholder') });
  const search = h(
    'form',
    {
      class: 'search',
      role: 'search',
      onsubmit: async (e) => {
        e.preventDefault();
        const found = await attempt(() => api.searchUsers(keyword.value));
        if (found === undefined) return;
        fill(results, found.length ? peopleList(found) : h('p', { class: 'empty' }, t('noResults')));
      },
    },
    keyword,
    h('button', { type: 'submit', class: 'primary' }, t('search')),
  );
  const tabs = h('div', { class: 'subtabs', role: 'tablist' });
  const panel = h('div', { class: 'panel', role: 'tabpanel' });
  const show = async (which) => {
    for (const b of tabs.querySelectorAll('button')) b.setAttribute('aria-selected', String(b.dataset.tab === which));
    if (which === 'groups') return showGroups(panel);
    const page = await attempt(() => (which === 'followers' ? api.followers(store.me.mid) : api.followings(store.me.mid)));
    fill(panel, peopleList(page?.list ?? []));
  };
  for (const which of ['followings', 'followers', 'groups']) {
    tabs.append(h('button', { role: 'tab', dataset: { tab: which }, onclick: () => show(which) }, t(which)));
  }
  fill(main, h('section', { class: 'page people-page' }, search, results, tabs, panel));
  show('followings');
  keyword.focus();
  if (openMid) openProfile(openMid);
  return () => {};
}

async function showGroups(panel) {
  const groups = (await attempt(api.tags)) ?? [];
  const name = h('input', { id: 'new-group', placeholder: t('groupName'), 'aria-label': t('groupName'), maxlength: 16 });
  const create = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (e) => {
        e.preventDefault();
        if (await attempt(() => api.createTag(name.value.trim())) !== undefined) showGroups(panel);
      },
    },
    name,
    h('button', { type: 'submit' }, t('newGroup')),
  );
  const rows = groups.map((group) => {
    const members = h('div', { class: 'members' });
    const editable = group.tagid > 0;
    return h(
      'li',
      { class: 'group' },
      h(
        'div',
        { class: 'row' },
        h(
          'button',
          {
            class: 'link',
            'aria-expanded': 'false',
            onclick: async (e) => {
              const open = e.target.getAttribute('aria-expanded') === 'true';
              e.target.setAttribute('aria-expanded', String(!open));
              if (open) return fill(members);
              const list = await attempt(() => api.tagMembers(group.tagid));
              fill(members, peopleList(list ?? []));
            },
          },
          `${group.name} (${group.count})`,
        ),
        editable
          ? h('button', {
              onclick: async () => {
                const next = prompt(t('rename'), group.name);
                if (next && (await attempt(() => api.renameTag(group.tagid, next.trim()))) !== undefined) showGroups(panel);
              },
            }, t('rename'))
          : null,
        editable
          ? h('button', {
              class: 'danger',
              onclick: async () => {
                if (await attempt(() => api.deleteTag(group.tagid)) !== undefined) showGroups(panel);
              },
            }, t('delete'))
          : null,
      ),
      members,
    );
  });
  fill(panel, create, h('ul', { class: 'groups' }, rows));
}
