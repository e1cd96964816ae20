// The Stompbox demo page: chat rooms, presence, a typing indicator and a shared whiteboard,
// on the client module (stompbox-client.js), which does the protocol: subscribe then join,
// recovery with `since` and history pages, duplicates dropped by id, reconnects with backoff,
// `reconnect` notices make-before-break. This module logs in, picks the room and wires the
// client's events to the page's parts (chat.js, presence.js, board.js, status.js).

import { StompboxClient, isRoomId } from './stompbox-client.js';
import * as chat from './chat.js';
import { renderMembers, clearMembers } from './presence.js';
import { setUpBoard, drawStroke, clearBoard } from './board.js';
import { renderStatus, toast } from './status.js';
import * as login from './login.js';

const TYPING_SEND_MS = 2000;     // at most one typing signal every 2 s
const ROOM_HINT = 'A room name is 1 to 64 letters, digits, - or _';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

const state = {
  demo: true,
  token: null,
  user: null,                    // {userId, name}
  transport: params.get('transport') === 'sockjs' ? 'sockjs' : 'websocket',
  client: null,                  // the StompboxClient, while logged in
  room: null,                    // the Room shown
  rooms: loadRooms(),
  lastTypingSent: 0,
  /** The connection that sends, for people (and tests) poking at the page from the console. */
  get current() {
    return this.client ? this.client.current : null;
  },
};

const status = () => renderStatus(state.client, state.room);

// ---------------------------------------------------------------- the client

/** Called before every connection: a demo token is renewed when refused or about to expire. */
async function token({ reason }) {
  if (state.demo && state.user
      && (reason === 'unauthorized' || reason === 'token-expired' || login.expiresSoon(state.token))) {
    state.token = await login.demoToken(state.user);
    login.saveSession(state.token, state.user);
  }
  return state.token;
}

function startClient() {
  const client = new StompboxClient({ token, transport: state.transport });
  client.on('status', status);
  client.on('error', (error) => {
    if (state.client !== client) {
      return;
    }
    if (error.source === 'token') {
      toast(`Could not renew the token: ${error.message}`);
    } else if (error.source === 'stomp' && error.error === 'unauthorized') {
      if (!state.demo) {
        toast('The token was refused or has expired: paste a new one.');
        logout();
      }                          // in demo mode the next connection asks for a new token
    } else if (error.source === 'stomp') {
      toast(`Server: ${error.error}`);
    } else {
      toast(error.message ? `${error.error}: ${error.message}` : error.error);
    }
  });
  state.client = client;
  client.connect();
}

// ---------------------------------------------------------------- rooms

function enterRoom(id) {
  if (!isRoomId(id)) {
    toast(ROOM_HINT);
    return;
  }
  if (state.room && state.room.id === id && !state.room.refused) {
    return;
  }
  state.room?.leave();
  chat.resetChat();
  clearBoard();
  clearMembers();
  $('room-title').textContent = `#${id}`;
  document.title = `#${id} · Stompbox`;
  rememberRoom(id);
  const room = state.client.room(id);
  state.room = room;
  renderRooms();
  updateAddress();
  room.on('message', onRoomMessage);
  room.on('members', (members) => renderMembers(members, state.user));
  room.on('presence', (event, { news }) => {
    const other = event.userId !== state.user.userId;
    if (news && other) {
      chat.notice(`${event.name || event.userId} ${event.type === 'join' ? 'joined' : 'left'}`);
    }
    if (event.type === 'leave') {
      chat.clearTyping(event.userId);
    }
  });
  room.on('gap', ({ reason }) => chat.notice(reason === 'not-kept'
    ? 'Some earlier messages are no longer kept.' : 'Some earlier messages could not be loaded.'));
  room.on('refused', ({ error }) => {
    toast(error === 'forbidden' ? `You may not join #${id}` : `Could not join #${id}: ${error}`);
    status();
  });
  room.on('joined', status);
  room.on('recovered', status);
  room.join({ since: '0-0' }).catch(() => {});   // refusals are shown by the 'refused' listener
  status();
}

/** Room messages arrive once each, in id order: recovered ones first, then live ones. */
function onRoomMessage(envelope) {
  switch (envelope.type) {
    case 'typing':
      chat.showTyping(envelope);
      break;
    case 'stroke':
      drawStroke(envelope.body);
      break;
    case 'clear':
      clearBoard();
      if (envelope.from.userId !== state.user.userId) {
        chat.notice(`${envelope.from.name || envelope.from.userId} cleared the board`);
      }
      break;
    default:
      chat.showMessage(envelope);
  }
}

/** Sends a room message; it waits in the client's outbox while offline. */
function sendToRoom(type, body) {
  if (!state.room) {
    return null;
  }
  const sending = state.room.send(body, { type });
  sending.ack.catch(() => chat.markFailed(sending.clientMsgId));
  return sending;
}

function sendTyping() {
  const now = Date.now();
  if (now - state.lastTypingSent < TYPING_SEND_MS || !state.room) {
    return;
  }
  if (state.room.signal('typing')) {
    state.lastTypingSent = now;
  }
}

function loadRooms() {
  try {
    const rooms = JSON.parse(localStorage.getItem('stompbox.rooms') || '[]');
    return Array.isArray(rooms) && rooms.length ? rooms.filter(isRoomId) : ['lobby'];
  } catch (error) {
    return ['lobby'];
  }
}

function rememberRoom(room) {
  state.rooms = [room, ...state.rooms.filter((other) => other !== room)].slice(0, 12);
  try {
    localStorage.setItem('stompbox.rooms', JSON.stringify(state.rooms));
  } catch (error) {
    // private mode: the list lives as long as the page
  }
}

function renderRooms() {
  const list = $('rooms');
  list.replaceChildren();
  for (const room of [...state.rooms].sort()) {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'room-link';
    button.dataset.test = 'room-link';
    button.textContent = `#${room}`;
    if (state.room && room === state.room.id) {
      button.setAttribute('aria-current', 'true');
    }
    button.addEventListener('click', () => enterRoom(room));
    item.append(button);
    list.append(item);
  }
}

/** A link to share carries the room and the transport, not who you are. */
function updateAddress() {
  const next = new URLSearchParams(location.search);
  next.delete('name');
  if (state.room) {
    next.set('room', state.room.id);
  }
  if (state.transport === 'sockjs') {
    next.set('transport', 'sockjs');
  } else {
    next.delete('transport');
  }
  history.replaceState(null, '', `${location.pathname}?${next}`);
}

function firstRoom() {
  const wanted = params.get('room');
  return isRoomId(wanted) ? wanted : (state.rooms[0] || 'lobby');
}

// ---------------------------------------------------------------- logging in and out

async function logIn(name, pasted) {
  try {
    if (state.demo) {
      const user = login.demoUser(name);
      state.token = await login.demoToken(user);
      state.user = user;
    } else {
      state.user = login.userFromToken(pasted.trim());
      state.token = pasted.trim();
    }
  } catch (error) {
    toast(error.message);
    return;
  }
  login.saveSession(state.token, state.user);
  enterApp();
}

function enterApp() {
  chat.setMe(state.user);
  $('login').hidden = true;
  $('app').hidden = false;
  $('me-box').hidden = false;
  $('me').textContent = state.user.name;
  startClient();
  enterRoom(firstRoom());
}

function logout() {
  state.client?.disconnect();
  state.client = null;
  state.room = null;
  state.token = null;
  state.user = null;
  login.forgetSession();
  $('app').hidden = true;
  $('me-box').hidden = true;
  $('login').hidden = false;
  status();
}

function showLogin() {
  $('login').hidden = false;
  $('name-row').hidden = !state.demo;
  $('token-row').hidden = state.demo;
  if (!state.demo) {
    $('login-hint').textContent = 'This server is not in demo mode: paste a token (JWT) signed for it.';
  }
  (state.demo ? $('name') : $('token')).focus();
}

// ---------------------------------------------------------------- controls and start

function bindControls() {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    logIn($('name').value, $('token').value);
  });
  $('logout').addEventListener('click', logout);
  $('room-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const room = $('room').value.trim();
    if (!isRoomId(room)) {
      toast(ROOM_HINT);
      return;
    }
    $('room').value = '';
    enterRoom(room);
  });
  $('send-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('message').value.trim();
    if (!text || !state.room) {
      return;
    }
    $('message').value = '';
    const sending = sendToRoom('message', { text });
    chat.showPending(text, sending.clientMsgId);
  });
  $('message').addEventListener('input', () => {
    if ($('message').value) {
      sendTyping();
    }
  });
  for (const radio of document.querySelectorAll('input[name="transport"]')) {
    radio.checked = (radio.value === state.transport);
    radio.addEventListener('change', () => {
      if (!radio.checked || radio.value === state.transport) {
        return;
      }
      state.transport = radio.value;
      updateAddress();
      state.client?.setTransport(radio.value);   // make-before-break
    });
  }
  window.addEventListener('online', () => state.client?.reconnect());
  setInterval(() => {
    if (state.client && state.client.status().phase === 'waiting') {
      status();
    }
    if (chat.someoneTyping()) {
      chat.renderTyping();
    }
  }, 250);
}

async function start() {
  setUpBoard((type, body) => sendToRoom(type, body), () => Boolean(state.room));
  bindControls();
  status();
  state.demo = await login.detectDemoMode();
  const name = params.get('name');
  const saved = login.loadSession();
  if (name && state.demo) {
    await logIn(name, '');
  } else if (saved) {
    state.token = saved.token;
    state.user = saved.user;
    enterApp();
  } else {
    showLogin();
  }
}

window.stompbox = { state };

start();
