// The status line and the toasts of the demo page.

const TRANSPORTS = { websocket: 'WebSocket', sockjs: 'SockJS' };
const TOAST_MS = 5000;

/**
 * Shows where the connection stands. `client` is the StompboxClient (null when logged out),
 * `room` the Room shown. The data attributes are read by the browser tests.
 */
export function renderStatus(client, room) {
  const element = document.getElementById('status');
  const status = client ? client.status() : null;
  let kind;
  let text;
  if (!status || !status.active) {
    kind = 'offline';
    text = 'offline';
  } else if (status.phase === 'connected' && room && room.joined) {
    kind = room.recovering ? 'recovering' : 'connected';
    text = `connected to ${status.instance || '…'} · ${TRANSPORTS[status.transport]} · #${room.id}`;
    if (status.switching) {
      text += ' · switching…';
    }
  } else if (room && room.refused) {
    kind = 'refused';
    text = `not allowed in #${room.id}`;
  } else if (status.phase === 'connected' || status.phase === 'joining') {
    kind = 'joining';
    text = room ? `joining #${room.id}…` : `connected to ${status.instance || '…'}`;
  } else if (status.phase === 'connecting') {
    kind = 'connecting';
    text = `connecting over ${TRANSPORTS[status.transport]}…`;
  } else if (status.phase === 'waiting') {
    kind = 'reconnecting';
    const seconds = Math.max(0, Math.ceil((status.retryAt - Date.now()) / 1000));
    text = `reconnecting in ${seconds} s (${TRANSPORTS[status.transport]})`;
  } else {
    kind = 'offline';
    text = 'offline';
  }
  element.textContent = text;
  element.dataset.state = kind;
  element.dataset.instance = (status && status.instance) || '';
  element.dataset.transport = status ? status.transport : '';
  element.dataset.links = String(status ? status.connections : 0);
  element.dataset.breaks = String(status ? status.breaks : 0);
}

/** An error shown for a few seconds. */
export function toast(text) {
  const item = document.createElement('div');
  item.className = 'toast';
  item.dataset.test = 'error';
  item.textContent = text;
  document.getElementById('toasts').append(item);
  setTimeout(() => item.remove(), TOAST_MS);
}
