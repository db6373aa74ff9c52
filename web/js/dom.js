// Small DOM helpers: building elements, toasts, dates, avatars.

import { t, refusal, locale } from './i18n.js';

/**
 * An element: `h('button', { class: 'x', onclick: f }, 'text', child)`.
 * Attributes starting with `on` become listeners; `null`/`false` children
 * and attributes are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A short message at the bottom of the page. */
export function toast(text, kind = 'info') {
  const box = document.getElementById('toasts');
  const item = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 6000 : 3500);
}

/** Shows an API failure as a sentence. */
export function showError(err) {
  console.warn(err);
  toast(refusal(err?.code ?? 0, err?.message), 'error');
  // The login ended (signed out elsewhere, expired): back to signing in.
  if (err?.code === -101) setTimeout(() => location.reload(), 1500);
}

/** Runs `action`, showing its failure; resolves to its value or undefined. */
export async function attempt(action) {
  try {
    return await action();
  } catch (err) {
    showError(err);
    return undefined;
  }
}

export function avatar(url, name, size = 40) {
  return h('img', {
    class: 'avatar',
    src: url || '/bfs/face/member/noface.png',
    alt: '',
    width: size,
    height: size,
    loading: 'lazy',
    title: name || null,
  });
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A day as separators show it: today, yesterday, or the date. */
export function dayLabel(date) {
  const now = new Date();
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, now)) return t('today');
  if (sameDay(date, yesterday)) return t('yesterday');
  return date.toLocaleDateString(locale(), {
    year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric',
    month: 'long',
    day: 'numeric',
  });
}

export function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** A time as a session list shows it: the hour today, else the date. */
export function shortTime(date) {
  const now = new Date();
  if (sameDay(date, now)) return clockTime(date);
  return date.toLocaleDateString(locale(), { month: 'numeric', day: 'numeric' });
}

export function clockTime(date) {
  return date.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** A modal dialog with `content`; resolves when closed. */
export function dialog(title, content) {
  return new Promise((resolve) => {
    const previous = document.activeElement;
    const close = () => {
      overlay.remove();
      previous?.focus?.();
      resolve();
    };
    const box = h(
      'div',
      { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
      h('header', {}, h('h2', {}, title), h('button', { class: 'icon', onclick: close, 'aria-label': t('close') }, '✕')),
      content,
    );
    const overlay = h('div', { class: 'overlay', onclick: (e) => e.target === overlay && close() }, box);
    overlay.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') close();
    });
    overlay.close = close;
    document.body.append(overlay);
    (box.querySelector('input, button:not(.icon), [tabindex]') ?? box.querySelector('button'))?.focus();
    content.closeDialog = close;
  });
}
