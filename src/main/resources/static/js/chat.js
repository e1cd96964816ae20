// The chat of the demo page: messages, the greyed ones on their way, notices, who is typing.

const MAX_SHOWN = 500;           // messages kept in the list
const TYPING_SHOW_MS = 3500;     // how long a typing signal is shown

const typing = new Map();        // userId -> {name, until}
let me = null;

const list = () => document.getElementById('messages');

/** Who the page is logged in as: their own messages are marked, their typing not shown. */
export function setMe(user) {
  me = user;
}

/** Empties the chat, for another room. */
export function resetChat() {
  list().replaceChildren();
  typing.clear();
  renderTyping();
}

/** A room message from the server, in id order; replaces its greyed copy, if any. */
export function showMessage(envelope) {
  const pending = envelope.clientMsgId && pendingItem(envelope.clientMsgId);
  if (pending) {
    pending.remove();
  }
  clearTyping(envelope.from.userId);
  const body = envelope.body;
  const text = (body && typeof body === 'object' && 'text' in body) ? String(body.text)
    : (typeof body === 'string') ? body : JSON.stringify(body);
  const item = messageItem(envelope.from, text, envelope.ts);
  item.dataset.test = 'msg';
  item.dataset.id = envelope.id;
  append(item);
}

/** Shown greyed at once, replaced by the server's copy when it comes back with its id. */
export function showPending(text, clientMsgId) {
  const item = messageItem(me, text, Date.now());
  item.classList.add('pending');
  item.dataset.test = 'msg-pending';
  item.dataset.clientMsgId = clientMsgId;
  append(item);
}

/** The server refused it: it stays, marked. */
export function markFailed(clientMsgId) {
  pendingItem(clientMsgId)?.classList.add('failed');
}

/** A grey line: who joined, left, cleared the board. */
export function notice(text) {
  const item = document.createElement('li');
  item.className = 'notice';
  item.textContent = text;
  append(item);
}

export function showTyping(envelope) {
  if (me && envelope.from.userId === me.userId) {
    return;
  }
  typing.set(envelope.from.userId, {
    name: envelope.from.name || envelope.from.userId,
    until: Date.now() + TYPING_SHOW_MS,
  });
  renderTyping();
}

export function clearTyping(userId) {
  if (typing.delete(userId)) {
    renderTyping();
  }
}

/** Called now and then: typing signals fade. */
export function renderTyping() {
  const now = Date.now();
  const names = [];
  for (const [userId, entry] of typing) {
    if (entry.until < now) {
      typing.delete(userId);
    } else {
      names.push(entry.name);
    }
  }
  document.getElementById('typing').textContent = (names.length === 0) ? ''
    : (names.length === 1) ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
}

export function someoneTyping() {
  return typing.size > 0;
}

/** A stable colour per user. */
export function colorOf(userId) {
  let hash = 0;
  for (const char of userId) {
    hash = (hash * 31 + char.codePointAt(0)) | 0;
  }
  return `hsl(${Math.abs(hash) % 360} 65% 38%)`;
}

function pendingItem(clientMsgId) {
  return [...list().querySelectorAll('[data-client-msg-id]')]
    .find((item) => item.dataset.clientMsgId === clientMsgId);
}

function messageItem(from, text, ts) {
  const item = document.createElement('li');
  item.className = 'msg';
  if (me && from.userId === me.userId) {
    item.classList.add('mine');
  }
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = from.name || from.userId;
  who.style.color = colorOf(from.userId);
  const time = document.createElement('time');
  time.textContent = new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const words = document.createElement('span');
  words.className = 'text';
  words.textContent = text;
  item.append(who, time, words);
  return item;
}

function append(item) {
  const messages = list();
  const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 60;
  messages.append(item);
  while (messages.children.length > MAX_SHOWN) {
    messages.firstElementChild.remove();
  }
  if (atBottom || item.classList.contains('mine')) {
    messages.scrollTop = messages.scrollHeight;
  }
}
