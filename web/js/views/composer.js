// The composer under a conversation: text with emoji from the server's
// catalogue, images, typing notices, and (in a fan group) mentions of
// members. It knows nothing of whom it sends to: the conversation passes
// what to do with a text, an image and a keystroke.

import * as api from '../api.js';
import { h, fill, toast, showError, attempt } from '../dom.js';
import { t } from '../i18n.js';
import { store, loadEmotes } from '../store.js';

const TYPING_SENT_EVERY_MS = 3000;

/**
 * `send(text, atUids)` sends a text and resolves to `send_msg`'s data;
 * `sendImage(content)` sends an image message's content; `typing()` tells
 * the talker (absent: nobody is told, as in fan groups).
 * Returns `{ form, input, mention(mid, name) }`.
 */
export function makeComposer({ send, sendImage, typing }) {
  let lastTypingSent = 0;
  /** Members mentioned so far, by name as written: `@name`. */
  const mentions = new Map();
  const input = h('textarea', {
    id: 'composer',
    rows: 2,
    placeholder: t('typeMessage'),
    'aria-label': t('typeMessage'),
    maxlength: store.instance?.max_msg_bytes ?? null,
  });
  const sendButton = h('button', { type: 'submit', class: 'primary send' }, t('send'));
  const picker = h('div', { class: 'emoji-picker', role: 'dialog', 'aria-label': t('emoji'), hidden: true });
  const emojiButton = h(
    'button',
    { type: 'button', class: 'icon', 'aria-label': t('emoji'), 'aria-expanded': 'false', title: t('emoji') },
    '☺',
  );
  const file = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp,image/bmp', hidden: true });
  const imageButton = h('button', { type: 'button', class: 'icon', 'aria-label': t('image'), title: t('image') }, '🖼');

  const insert = (text) => {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? start;
    input.value = input.value.slice(0, start) + text + input.value.slice(end);
    input.selectionStart = input.selectionEnd = start + text.length;
  };
  const closePicker = () => {
    picker.hidden = true;
    emojiButton.setAttribute('aria-expanded', 'false');
  };
  emojiButton.addEventListener('click', async () => {
    if (!picker.hidden) {
      closePicker();
      return;
    }
    await attempt(loadEmotes);
    fill(
      picker,
      [...store.emotes.values()].map((emote) =>
        h(
          'button',
          {
            type: 'button',
            class: 'emote-choice',
            title: emote.text,
            'aria-label': emote.text,
            onclick: () => {
              insert(emote.text);
              closePicker();
              input.focus();
            },
          },
          h('img', { src: emote.url || emote.uri, alt: emote.text }),
        ),
      ),
    );
    picker.hidden = false;
    emojiButton.setAttribute('aria-expanded', 'true');
    picker.querySelector('button')?.focus();
  });
  picker.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      closePicker();
      emojiButton.focus();
    }
  });
  imageButton.addEventListener('click', () => file.click());
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (!chosen) return;
    imageButton.disabled = true;
    try {
      const up = await api.uploadImage(chosen);
      const kind = (up.image_url.split('.').pop() || 'png').toLowerCase();
      await sendImage({
        url: up.image_url,
        height: up.image_height,
        width: up.image_width,
        imageType: kind === 'jpg' ? 'jpeg' : kind,
        original: 1,
        size: up.img_size,
      });
    } catch (err) {
      showError(err);
    } finally {
      imageButton.disabled = false;
    }
  });

  const submit = async () => {
    const text = input.value.trim();
    if (!text) return;
    // Only the mentions still written in the text count.
    const atUids = [...mentions].filter(([name]) => text.includes(`@${name}`)).map(([, mid]) => mid);
    sendButton.disabled = true;
    try {
      const sent = await send(text, atUids);
      input.value = '';
      mentions.clear();
      if (sent?.key_hit_infos?.toast) toast(t('keywordWarning', { toast: sent.key_hit_infos.toast }), 'warning');
    } catch (err) {
      showError(err);
    } finally {
      sendButton.disabled = false;
      input.focus();
    }
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => {
    const now = Date.now();
    if (typing && input.value && now - lastTypingSent > TYPING_SENT_EVERY_MS) {
      lastTypingSent = now;
      typing();
    }
  });
  const form = h(
    'form',
    {
      class: 'composer',
      onsubmit: (e) => {
        e.preventDefault();
        submit();
      },
    },
    h('div', { class: 'tools' }, emojiButton, imageButton, file, picker),
    input,
    sendButton,
  );
  return {
    form,
    input,
    /** Writes `@name ` where the cursor is and mentions `mid` with it. */
    mention(mid, name) {
      mentions.set(name, mid);
      insert(`@${name} `);
      input.focus();
    },
  };
}
