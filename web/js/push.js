// The live connection: sixin's push WebSocket (/sixin/v1/events), resumed
// after the last event seen; while it is down, polling new_sessions as
// Bilibili's own web client does.

import { parseJson } from './api.js';

const POLL_MS = 10000;

/**
 * Connects and keeps connecting. `onFrame(frame)` gets every frame;
 * `onResync()` is called whenever events may have been missed (a fresh
 * connection, one that could not resume, each poll while disconnected);
 * `onStatus(live)` when the connection comes or goes.
 */
export function connect({ onFrame, onResync, onStatus }) {
  let lastId = null;
  let socket = null;
  let retry = 0;
  let pollTimer = null;
  let stopped = false;
  let live = false;

  const setLive = (value) => {
    if (live !== value) {
      live = value;
      onStatus(value);
    }
  };

  const startPolling = () => {
    if (pollTimer) return;
    pollTimer = setInterval(() => onResync(), POLL_MS);
  };
  const stopPolling = () => {
    clearInterval(pollTimer);
    pollTimer = null;
  };

  const open = () => {
    if (stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = lastId ? `?last_event_id=${encodeURIComponent(lastId)}` : '';
    socket = new WebSocket(`${scheme}//${location.host}/sixin/v1/events${query}`);
    socket.onmessage = (event) => {
      let frame;
      try {
        frame = parseJson(event.data);
      } catch {
        return;
      }
      if (frame.id) lastId = frame.id;
      if (frame.type === 'hello') {
        retry = 0;
        setLive(true);
        stopPolling();
        if (!frame.resumed) onResync();
        return;
      }
      onFrame(frame);
    };
    socket.onclose = (event) => {
      socket = null;
      setLive(false);
      if (stopped) return;
      // 4001: the login ended; the page signs in again.
      if (event.code === 4001) {
        location.reload();
        return;
      }
      startPolling();
      retry = Math.min(retry + 1, 6);
      const wait = Math.min(30000, 500 * 2 ** retry) * (0.75 + Math.random() / 2);
      setTimeout(open, wait);
    };
  };

  // Answers keep the connection known to be alive through proxies.
  const keepAlive = setInterval(() => {
    if (socket?.readyState === WebSocket.OPEN) socket.send('{"type":"ping"}');
  }, 25000);

  open();
  return {
    /** Tells `talker` that we are typing. */
    typing(talker) {
      if (socket?.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: 'typing', talker_id: talker }));
      }
    },
    isLive: () => live,
    stop() {
      stopped = true;
      clearInterval(keepAlive);
      stopPolling();
      socket?.close();
    },
  };
}
