// The public API, as any Bilibili-compatible client calls it: the session
// cookie goes with every request, POSTs add the session's bili_jct as csrf.
// Every call resolves to `data` or rejects with an ApiError.

export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function cookie(name) {
  const found = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : '';
}

/** The csrf token of this browser's session. */
export function csrf() {
  return cookie('bili_jct');
}

/**
 * JSON as the API sends it, with every `msg_key` kept as a string: keys are
 * above 2^53, past what a JavaScript number holds exactly.
 */
export function parseJson(text) {
  return JSON.parse(text.replace(/"msg_key":(\d+)/g, '"msg_key":"$1"'));
}

async function answer(response) {
  let body;
  try {
    body = parseJson(await response.text());
  } catch {
    throw new ApiError(-500, `HTTP ${response.status}`);
  }
  if (body.code !== 0) throw new ApiError(body.code, body.message);
  return body.data;
}

async function call(method, path, params, body) {
  const query = params ? `?${new URLSearchParams(params)}` : '';
  let response;
  try {
    response = await fetch(path + query, { method, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, '');
  }
  return answer(response);
}

export function get(path, params) {
  return call('GET', path, params);
}

/** POST `fields` url-encoded, with csrf (and csrf_token, as vc hosts take). */
export function post(path, fields = {}) {
  const form = new URLSearchParams(fields);
  form.set('csrf', csrf());
  form.set('csrf_token', csrf());
  return call('POST', path, null, form);
}

// ---- who is here ----------------------------------------------------------

export async function nav() {
  const response = await fetch('/x/web-interface/nav', { credentials: 'same-origin' });
  const body = await response.json();
  return body.data;
}

export const instance = () => get('/sixin/v1/instance');

export function login(username, password) {
  const form = new URLSearchParams({ username, password });
  return call('POST', '/x/passport-login/web/login', null, form);
}

export function logout() {
  const form = new URLSearchParams({ biliCSRF: csrf() });
  return call('POST', '/login/exit/v2', null, form);
}

export const approveScan = (key) => post('/x/sixin/qrcode/scan', { qrcode_key: key });
export const approveConfirm = (key) => post('/x/sixin/qrcode/confirm', { qrcode_key: key });

// ---- people ----------------------------------------------------------------

export const users = (mids) => get('/sixin/v1/users', { mids: mids.join(',') });
export const searchUsers = (keyword) => get('/sixin/v1/users/search', { keyword });
export const emotes = () => get('/sixin/v1/emotes');

export const relation = (fid) => get('/x/relation', { fid });
export const spaceRelation = (mid) => get('/x/space/wbi/acc/relation', { mid });
export const modify = (fid, act) => post('/x/relation/modify', { fid, act, re_src: 11 });
export const followings = (vmid, pn = 1) => get('/x/relation/followings', { vmid, pn, ps: 50 });
export const followers = (vmid, pn = 1) => get('/x/relation/followers', { vmid, pn, ps: 50 });
export const tags = () => get('/x/relation/tags');
export const tagMembers = (tagid) => get('/x/relation/tag', { tagid, ps: 50 });
export const userTags = (fid) => get('/x/relation/tag/user', { fid });
export const createTag = (tag) => post('/x/relation/tag/create', { tag });
export const renameTag = (tagid, name) => post('/x/relation/tag/update', { tagid, name });
export const deleteTag = (tagid) => post('/x/relation/tag/del', { tagid });
export const setUserTags = (fid, tagids) =>
  post('/x/relation/tags/addUsers', { fids: fid, tagids: tagids.length ? tagids.join(',') : '0' });

// ---- sessions and messages -------------------------------------------------

const SESSION_SVR = '/session_svr/v1/session_svr';

export const sessions = (sessionType) =>
  get(`${SESSION_SVR}/get_sessions`, { session_type: sessionType, size: 100, mobi_app: 'web' });
export const newSessions = (beginTs) =>
  get(`${SESSION_SVR}/new_sessions`, { begin_ts: beginTs, mobi_app: 'web' });
// `type`: the session's `session_type`, 1 a user (the default), 2 a fan group.
export const sessionDetail = (talker, type = 1) =>
  get(`${SESSION_SVR}/session_detail`, { talker_id: talker, session_type: type });
export const history = (talker, range = {}, type = 1) =>
  get('/svr_sync/v1/svr_sync/fetch_session_msgs', { talker_id: talker, session_type: type, size: 30, ...range });
export const ack = (talker, seqno, type = 1) =>
  post(`${SESSION_SVR}/update_ack`, { talker_id: talker, session_type: type, ack_seqno: seqno });
export const setTop = (talker, pin, type = 1) =>
  post(`${SESSION_SVR}/set_top`, { talker_id: talker, session_type: type, op_type: pin ? 0 : 1 });
export const removeSession = (talker) =>
  post(`${SESSION_SVR}/remove_session`, { talker_id: talker, session_type: 1 });
export const intercept = (talker, on) =>
  post(`${SESSION_SVR}/update_intercept`, { talker_id: talker, session_type: 1, status: on ? 1 : 0 });
/** Marks every listed session read (sixin's own). */
export const readAll = () => post('/sixin/v1/sessions/read_all');
export const readDustbin = () => post(`${SESSION_SVR}/batch_update_dustbin_ack`);
export const setDnd = (talker, on, type = 1) =>
  post('/link_setting/v1/link_setting/set_msg_dnd', {
    [type === 2 ? 'dnd_group_id' : 'dnd_uid']: talker,
    setting: on ? 1 : 0,
  });

/** Your own messages containing `keyword`, newest first, older than `beforeKey`. */
export const searchMessages = (keyword, beforeKey) =>
  get('/sixin/v1/messages/search', beforeKey ? { keyword, before_key: beforeKey } : { keyword });

/** A stable id of this browser, as Bilibili's clients send one. */
function deviceId() {
  let id = localStorage.getItem('sixin.dev_id');
  if (!id) {
    id = crypto.randomUUID ? crypto.randomUUID().toUpperCase() : String(Math.random()).slice(2);
    localStorage.setItem('sixin.dev_id', id);
  }
  return id;
}

/**
 * Sends a message of `msgType` whose content object is `content`; to a fan
 * group with `type` 2, mentioning the members `atUids`.
 */
export function sendMessage(me, talker, msgType, content, { type = 1, atUids = [] } = {}) {
  const mentions = type === 2 && atUids.length ? { 'msg[at_uids]': atUids.join(',') } : {};
  return post('/web_im/v1/web_im/send_msg', {
    ...mentions,
    'msg[sender_uid]': me,
    'msg[receiver_id]': talker,
    'msg[receiver_type]': type,
    'msg[msg_type]': msgType,
    'msg[msg_status]': 0,
    'msg[dev_id]': deviceId(),
    'msg[timestamp]': Math.floor(Date.now() / 1000),
    'msg[new_face_version]': 1,
    'msg[content]': typeof content === 'string' ? content : JSON.stringify(content),
  });
}

export async function uploadImage(file) {
  const form = new FormData();
  form.set('file_up', file);
  form.set('csrf', csrf());
  let response;
  try {
    response = await fetch('/x/dynamic/feed/draw/upload_bfs', {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, '');
  }
  return answer(response);
}

// ---- settings --------------------------------------------------------------

export const settings = () => get('/link_setting/v1/link_setting/get');
export const changeSetting = (name, value) => post('/link_setting/v1/link_setting/set', { [name]: value });
export const blockWords = () => get('/x/im/link_setting/get_block_words');
export const addBlockWord = (word) => post('/x/im/link_setting/add_block_word', { content: word });
export const deleteBlockWord = (word) => post('/x/im/link_setting/del_block_word', { content: word });
