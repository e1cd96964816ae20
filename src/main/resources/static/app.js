// Stompbox demo page: chat rooms, presence, a typing indicator and a shared whiteboard, and a
// reference for clients of the wire protocol (PROTOCOL.md): subscribe, then join; recover with
// `since`, page by page while the join ACK says `more`; drop duplicates by id; react to `reconnect` notices make-before-break; reconnect with
// jittered backoff after any drop. Plain browser JavaScript, STOMP.js and SockJS from WebJars.
'use strict';

(() => {
  const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
  const BOARD_WIDTH = 1000;
  const BOARD_HEIGHT = 625;
  const COLORS = ['#1f2937', '#e4572e', '#2563eb', '#16a34a', '#f59e0b', '#9333ea'];
  const STROKE_FLUSH_MS = 60;      // ~16 stroke messages a second while drawing: well under the rate limit
  const TYPING_SEND_MS = 2000;     // at most one typing signal every 2 s
  const TYPING_SHOW_MS = 3500;     // how long a typing signal is shown
  const TOAST_MS = 5000;
  const MAX_BACKOFF_MS = 15000;
  const MAX_SHOWN = 500;           // messages kept in the list
  const OUTBOX_BURST = 40;         // messages sent again at once after a reconnect
  const SNAPSHOT_WAIT_MS = 5000;   // a member list asked for and not answered by then may be asked again
  const TRANSPORTS = { websocket: 'WebSocket', sockjs: 'SockJS' };

  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);

  const state = {
    demo: true,
    token: null,
    user: null,                    // {userId, name}
    transport: params.get('transport') === 'sockjs' ? 'sockjs' : 'websocket',
    room: null,
    lastId: null,                  // newest message id shown in this room: the `since` of the next join
    current: null,                 // the joined connection that sends
    pending: null,                 // a connection on its way to replace it (or to be the first)
    retryTimer: null,
    retryAt: 0,
    attempts: 0,
    links: 0,                      // connections opened so far
    breaks: 0,                     // joined connections lost with no other ready to take over
    requests: 0,
    members: new Map(),            // userId -> {userId, name, sessions}: all members, or the first ones
    memberCount: 0,                // the number of present users, from the server
    membersPartial: false,         // the server listed only some of them (the room outgrew its list limit)
    listLimit: 0,                  // how many it listed then: the list shown stays within that
    typing: new Map(),             // userId -> {name, until}
    outbox: new Map(),             // requestId -> unacknowledged room message
    outboxTimer: null,
    lastTypingSent: 0,
    rooms: loadRooms(),
  };

  // ---------------------------------------------------------------- ids

  /** Message ids are `<millis>-<seq>`, compared by (millis, seq). */
  function compareIds(a, b) {
    const [am, as] = a.split('-').map(Number);
    const [bm, bs] = b.split('-').map(Number);
    return (am - bm) || (as - bs);
  }

  function uid(prefix) {
    const random = (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
      : Date.now().toString(36) + Math.random().toString(36).slice(2);
    return `${prefix}-${random}`;
  }

  function nextRequestId(kind) {
    state.requests += 1;
    return `${kind}-${state.requests}`;
  }

  function endpoint(path) {
    const url = new URL(path, document.baseURI);
    if (path === 'ws') {
      url.protocol = (url.protocol === 'https:') ? 'wss:' : 'ws:';
    }
    return url.href;
  }

  // ---------------------------------------------------------------- one connection

  /**
   * One STOMP connection bound to one room. It subscribes, then joins with `since`; live room
   * messages that arrive before its recovery is complete (the join ACK's `recovered`, then
   * the history pages while `more` says there are more) are held back and handled after what
   * was recovered. Reconnecting is never its own business: a lost link is replaced by a new one.
   */
  class Link {

    constructor(room, transport) {
      state.links += 1;
      this.number = state.links;
      this.room = room;
      this.transport = transport;
      this.connected = false;
      this.joined = false;
      this.closed = false;
      this.instance = null;
      this.held = [];
      this.recovering = false;       // joined, still fetching history pages
      this.joinRequest = null;
      this.historyRequest = null;
      this.historySince = null;
      this.historyAttempts = 0;
      this.snapshotAsked = 0;        // when the last member list was asked for, 0 if answered
      this.refused = null;
      this.client = new StompJs.Client({
        connectHeaders: { Authorization: `Bearer ${state.token}` },
        reconnectDelay: 0,                      // reconnecting is done below, with jitter
        connectionTimeout: 10000,
        heartbeatIncoming: 10000,
        heartbeatOutgoing: 10000,
        discardWebsocketOnCommFailure: true,
        debug: () => {},
        onConnect: () => this.onConnect(),
        onStompError: (frame) => this.onStompError(frame),
        onWebSocketClose: (event) => this.onClose(event),
      });
      if (transport === 'sockjs') {
        this.client.webSocketFactory = () => new SockJS(endpoint('sockjs'));
      } else {
        this.client.brokerURL = endpoint('ws');
      }
      this.client.activate();
    }

    onConnect() {
      if (this.closed) {
        return;
      }
      this.connected = true;
      const topic = `/topic/rooms/${this.room}`;
      this.client.subscribe('/user/queue/acks', (frame) => this.onAck(JSON.parse(frame.body)));
      this.client.subscribe('/user/queue/errors', (frame) => onServerError(JSON.parse(frame.body)));
      this.client.subscribe('/user/queue/system', (frame) => onSystemNotice(this, JSON.parse(frame.body)));
      this.client.subscribe('/app/instance', (frame) => {
        this.instance = JSON.parse(frame.body).instanceId;
        renderStatus();
      });
      this.client.subscribe(topic, (frame) => this.onRoomMessage(JSON.parse(frame.body)));
      this.client.subscribe(`${topic}/presence`, (frame) => onPresence(this, JSON.parse(frame.body)));
      this.join();
      renderStatus();
    }

    /** Subscribed first, so the join ACK promises every later message reaches us. */
    join() {
      if (this.closed) {
        return;
      }
      this.joinRequest = nextRequestId('join');
      this.publish(`/app/rooms/${this.room}/join`, { requestId: this.joinRequest, since: state.lastId || '0-0' });
    }

    onAck(ack) {
      if (this.closed) {
        return;               // what it sent and did not see acknowledged goes again on the next one
      }
      if (ack.type === 'join' && ack.requestId === this.joinRequest) {
        if (ack.ok) {
          onJoined(this, ack);
        } else {
          onJoinRefused(this, ack);
        }
        return;
      }
      if (ack.type === 'history' && ack.requestId === this.historyRequest) {
        this.historyRequest = null;
        onHistoryPage(this, ack);
        return;
      }
      onSendAck(ack);
    }

    /** Asks for the messages after `since` that the join ACK (or the last page) could not hold. */
    requestHistory(since) {
      if (this.closed) {
        return;
      }
      this.historySince = since;
      this.historyRequest = nextRequestId('history');
      this.publish(`/app/rooms/${this.room}/history`, { requestId: this.historyRequest, since });
    }

    onRoomMessage(envelope) {
      if (this.closed) {
        return;               // the connection that replaced it has it too
      }
      if (this.joined && !this.recovering) {
        onRoomMessage(envelope);
      } else {
        this.held.push(envelope);
      }
    }

    onStompError(frame) {
      this.refused = frame.headers.message || 'error';
      if (this.refused !== 'unauthorized') {
        toast(`Server: ${this.refused}`);
      }
    }

    onClose(event) {
      if (this.closed) {
        return;
      }
      this.closed = true;
      this.connected = false;
      this.client.deactivate();
      onLinkLost(this, event);
    }

    publish(destination, body) {
      if (!this.connected || this.closed) {
        return false;
      }
      this.client.publish({
        destination,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      return true;
    }

    /**
     * Asks for the member list again; used when presence events and a complete list disagree.
     * One request at a time: a SUBSCRIBE counts against the rate limit and the subscription limit.
     */
    refreshMembers() {
      if (!this.connected || this.closed || (this.snapshotAsked && Date.now() - this.snapshotAsked < SNAPSHOT_WAIT_MS)) {
        return;
      }
      this.snapshotAsked = Date.now();
      const subscription = this.client.subscribe(`/app/rooms/${this.room}/presence`, (frame) => {
        subscription.unsubscribe();
        this.snapshotAsked = 0;
        if (state.current === this) {
          const snapshot = JSON.parse(frame.body);
          setMembers(snapshot.members || [], snapshot.memberCount);
        }
      });
    }

    close() {
      if (this.closed) {
        return;
      }
      this.closed = true;
      this.connected = false;
      this.client.deactivate();
    }
  }

  // ---------------------------------------------------------------- connecting and reconnecting

  function connect() {
    clearRetry();
    if (!state.token || !state.room) {
      return;
    }
    if (state.pending) {
      state.pending.close();
    }
    state.pending = new Link(state.room, state.transport);
    renderStatus();
  }

  function onJoined(link, ack) {
    if (link.closed || link.room !== state.room) {
      link.close();
      return;
    }
    link.joined = true;
    link.recovering = true;
    if (ack.recoveredAll === false) {
      notice('Some earlier messages are no longer kept.');
    }
    recovered(link, ack.recovered || [], ack.more === true);
    setMembers(ack.members || [], ack.memberCount);
    const previous = state.current;
    state.current = link;
    if (state.pending === link) {
      state.pending = null;
    }
    if (previous && previous !== link) {
      previous.close();       // make-before-break: the new connection is in, the old one may go
    }
    state.attempts = 0;
    clearRetry();
    flushOutbox();
    renderStatus();
  }

  /**
   * Shows recovered messages in order; while the server keeps more, asks for the next page
   * after the last one shown, still holding the live ones back. Once nothing more is kept, the
   * held live messages follow (those a page already brought are dropped by id).
   */
  function recovered(link, messages, more) {
    for (const envelope of messages) {
      onRoomMessage(envelope);
    }
    const last = messages.length ? messages[messages.length - 1].id : null;
    if (more && last) {
      link.historyAttempts = 0;
      link.requestHistory(last);
      return;
    }
    link.recovering = false;
    for (const envelope of link.held) {
      onRoomMessage(envelope);
    }
    link.held = [];
    renderStatus();
  }

  function onHistoryPage(link, ack) {
    if (link.closed || link.room !== state.room || !link.recovering) {
      return;
    }
    if (ack.ok) {
      if (ack.complete === false) {
        notice('Some earlier messages are no longer kept.');
      }
      recovered(link, ack.messages || [], ack.more === true);
    } else if (['unavailable', 'rate-limited', 'internal'].includes(ack.error) && link.historyAttempts < 5) {
      // The error itself is shown from /user/queue/errors; the same page is asked for again.
      setTimeout(() => link.requestHistory(link.historySince), backoff(link.historyAttempts++));
    } else {
      notice('Some earlier messages could not be loaded.');
      recovered(link, [], false);
    }
  }

  function onJoinRefused(link, ack) {
    if (ack.error === 'unavailable' && !link.closed) {
      setTimeout(() => link.join(), backoff(state.attempts++));
      return;
    }
    link.refused = ack.error;
    toast(ack.error === 'forbidden' ? `You may not join #${link.room}` : `Could not join #${link.room}: ${ack.error}`);
    renderStatus();
  }

  function onLinkLost(link) {
    if (state.current === link) {
      state.current = null;
      state.breaks += 1;
    }
    if (state.pending === link) {
      state.pending = null;
    }
    if (link.refused === 'unauthorized') {
      reauthenticate();
      return;
    }
    if (!state.pending && !state.retryTimer && state.token) {
      scheduleReconnect(backoff(state.attempts++));
    }
    renderStatus();
  }

  /** The server will close this connection on purpose: open the next one first. */
  function onSystemNotice(link, notice) {
    if (notice.type !== 'reconnect' || link !== state.current || state.pending) {
      return;
    }
    if (notice.reason === 'token-expired') {
      // The old connection is closed at the token's expiry; the next one needs a new token.
      renewToken().then((renewed) => renewed && connect());
      return;
    }
    // A shutdown notice tells every client of an instance at once: wait the jittered time it
    // asks for. Lifetime and rebalance notices are already spread out by the server, so the new
    // connection opens now, before the old one is closed (half a second later for the lifetime,
    // two seconds after retryAfterMs for a rebalance).
    const delay = (notice.reason === 'shutdown') ? (notice.retryAfterMs || 0) : 0;
    scheduleReconnect(delay);
  }

  function scheduleReconnect(delay) {
    clearRetry();
    state.retryAt = Date.now() + delay;
    state.retryTimer = setTimeout(() => {
      state.retryTimer = null;
      connect();
    }, delay);
    renderStatus();
  }

  function clearRetry() {
    if (state.retryTimer) {
      clearTimeout(state.retryTimer);
      state.retryTimer = null;
    }
  }

  /** Exponential backoff with "equal jitter": half the step fixed, half random. */
  function backoff(attempt) {
    const step = Math.min(MAX_BACKOFF_MS, 500 * (2 ** Math.min(attempt, 10)));
    return Math.round(step / 2 + Math.random() * step / 2);
  }

  /** A CONNECT was refused as unauthorized: start over with a new token. */
  async function reauthenticate() {
    closeLinks();
    if (await renewToken()) {
      scheduleReconnect(backoff(state.attempts++));
    }
  }

  /** In demo mode asks for a new token; a pasted token cannot be renewed here. */
  async function renewToken() {
    if (!state.demo || !state.user) {
      toast('The token was refused or has expired: paste a new one.');
      logout();
      return false;
    }
    try {
      state.token = await demoToken(state.user);
      saveSession();
      return true;
    } catch (error) {
      toast(`Could not renew the token: ${error.message}`);
      if (!state.current && !state.pending && !state.retryTimer) {
        scheduleReconnect(backoff(state.attempts++));
      }
      return false;
    }
  }

  function closeLinks() {
    clearRetry();
    for (const link of [state.current, state.pending]) {
      if (link) {
        link.close();
      }
    }
    state.current = null;
    state.pending = null;
  }

  // ---------------------------------------------------------------- room traffic

  /** Every room message of every connection comes through here; ids only grow. */
  function onRoomMessage(envelope) {
    if (envelope.roomId !== state.room) {
      return;
    }
    if (state.lastId && compareIds(envelope.id, state.lastId) <= 0) {
      return;                 // seen already: recovered and live, or on both connections
    }
    state.lastId = envelope.id;
    switch (envelope.type) {
      case 'typing':
        showTyping(envelope);
        break;
      case 'stroke':
        drawStroke(envelope.body);
        break;
      case 'clear':
        clearBoard();
        if (envelope.from.userId !== state.user.userId) {
          notice(`${envelope.from.name || envelope.from.userId} cleared the board`);
        }
        break;
      default:
        showMessage(envelope);
    }
  }

  /**
   * Applies a join or leave to the list and takes the event's `count` as the member count. A
   * list that was complete and no longer matches the count missed an event: it is asked for
   * again. A list the server cut at its limit is expected not to match, and is never asked for
   * again because of that (in a large room that would be a request per event).
   */
  function onPresence(link, event) {
    if (link !== state.current || event.roomId !== state.room) {
      return;                 // the connection that joins next brings a fresh member list
    }
    const other = event.userId !== state.user.userId;
    if (event.type === 'join') {
      if (!state.members.has(event.userId)) {
        if (!state.membersPartial || state.members.size < state.listLimit) {
          state.members.set(event.userId, { userId: event.userId, name: event.name, sessions: 1 });
        }
        if (other) {
          notice(`${event.name || event.userId} joined`);
        }
      }
    } else if (event.type === 'leave') {
      if ((state.members.delete(event.userId) || state.membersPartial) && other) {
        notice(`${event.name || event.userId} left`);
      }
      state.typing.delete(event.userId);
      renderTyping();
    }
    state.memberCount = (typeof event.count === 'number') ? event.count
      : state.membersPartial ? state.memberCount : state.members.size;
    if (state.membersPartial && state.members.size >= state.memberCount) {
      state.membersPartial = false;          // everyone present is listed again
    }
    renderMembers();
    if (state.membersPartial ? state.members.size > state.memberCount : state.members.size !== state.memberCount) {
      link.refreshMembers();
    }
  }

  function onServerError(error) {
    const what = error.message ? `${error.error}: ${error.message}` : error.error;
    toast(what);
  }

  function sendToRoom(type, body) {
    const requestId = nextRequestId('send');
    const clientMsgId = uid('c');
    const entry = {
      room: state.room,
      clientMsgId,
      sentOn: null,
      payload: { requestId, clientMsgId, type, body },
    };
    state.outbox.set(requestId, entry);
    trySend(entry);
    return entry;
  }

  function trySend(entry) {
    const link = state.current;
    if (!link || !link.joined || link.room !== entry.room) {
      return;
    }
    if (link.publish(`/app/rooms/${entry.room}/messages`, entry.payload)) {
      entry.sentOn = link;
    }
  }

  /**
   * Sends again what the last connection took but never acknowledged (clientMsgId makes that
   * safe), and what was written while offline: at most OUTBOX_BURST a second, within the
   * server's rate limit.
   */
  function flushOutbox() {
    let budget = OUTBOX_BURST;
    for (const [requestId, entry] of state.outbox) {
      if (entry.room !== state.room) {
        state.outbox.delete(requestId);
      } else if (entry.sentOn !== state.current) {
        if (budget === 0) {
          if (!state.outboxTimer) {
            state.outboxTimer = setTimeout(() => {
              state.outboxTimer = null;
              flushOutbox();
            }, 1000);
          }
          return;
        }
        budget -= 1;
        trySend(entry);
      }
    }
  }

  function onSendAck(ack) {
    const entry = state.outbox.get(ack.requestId);
    if (!entry || ack.type !== 'send') {
      return;
    }
    if (ack.ok) {
      state.outbox.delete(ack.requestId);
    } else if (ack.error === 'unavailable') {
      entry.sentOn = null;
      setTimeout(() => trySend(entry), 1000);
    } else {
      state.outbox.delete(ack.requestId);
      const shown = document.querySelector(`[data-client-msg-id="${entry.clientMsgId}"]`);
      if (shown) {
        shown.classList.add('failed');
      }
    }
  }

  function sendTyping() {
    const now = Date.now();
    const link = state.current;
    if (now - state.lastTypingSent < TYPING_SEND_MS || !link || !link.joined) {
      return;
    }
    state.lastTypingSent = now;
    link.publish(`/app/rooms/${state.room}/messages`, { type: 'typing', body: {}, ephemeral: true });
  }

  // ---------------------------------------------------------------- chat

  function showMessage(envelope) {
    const pending = envelope.clientMsgId
      && document.querySelector(`[data-client-msg-id="${envelope.clientMsgId}"]`);
    if (pending) {
      pending.remove();
    }
    state.typing.delete(envelope.from.userId);
    renderTyping();
    const body = envelope.body;
    const text = (body && typeof body === 'object' && 'text' in body) ? String(body.text)
      : (typeof body === 'string') ? body : JSON.stringify(body);
    const item = messageItem(envelope.from, text, envelope.ts);
    item.dataset.test = 'msg';
    item.dataset.id = envelope.id;
    appendToList(item);
  }

  /** Shown greyed at once, replaced by the server's copy when it comes back with its id. */
  function showPending(entry) {
    const item = messageItem(state.user, entry.payload.body.text, Date.now());
    item.classList.add('pending');
    item.dataset.test = 'msg-pending';
    item.dataset.clientMsgId = entry.clientMsgId;
    appendToList(item);
  }

  function messageItem(from, text, ts) {
    const item = document.createElement('li');
    item.className = 'msg';
    if (from.userId === state.user.userId) {
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

  function notice(text) {
    const item = document.createElement('li');
    item.className = 'notice';
    item.textContent = text;
    appendToList(item);
  }

  function appendToList(item) {
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    list.append(item);
    while (list.children.length > MAX_SHOWN) {
      list.firstElementChild.remove();
    }
    if (atBottom || item.classList.contains('mine')) {
      list.scrollTop = list.scrollHeight;
    }
  }

  function showTyping(envelope) {
    if (envelope.from.userId === state.user.userId) {
      return;
    }
    state.typing.set(envelope.from.userId, {
      name: envelope.from.name || envelope.from.userId,
      until: Date.now() + TYPING_SHOW_MS,
    });
    renderTyping();
  }

  function renderTyping() {
    const now = Date.now();
    const names = [];
    for (const [userId, typing] of state.typing) {
      if (typing.until < now) {
        state.typing.delete(userId);
      } else {
        names.push(typing.name);
      }
    }
    $('typing').textContent = (names.length === 0) ? ''
      : (names.length === 1) ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
  }

  function colorOf(userId) {
    let hash = 0;
    for (const char of userId) {
      hash = (hash * 31 + char.codePointAt(0)) | 0;
    }
    return `hsl(${Math.abs(hash) % 360} 65% 38%)`;
  }

  // ---------------------------------------------------------------- presence

  /** A member list from the server: all present users, or the first ones when `memberCount` is larger. */
  function setMembers(members, memberCount) {
    state.members = new Map(members.map((member) => [member.userId, member]));
    state.memberCount = (typeof memberCount === 'number') ? memberCount : state.members.size;
    state.membersPartial = state.members.size < state.memberCount;
    state.listLimit = state.members.size;
    renderMembers();
  }

  function renderMembers() {
    const list = $('members');
    list.replaceChildren();
    const members = [...state.members.values()]
      .sort((a, b) => (a.name || a.userId).localeCompare(b.name || b.userId));
    for (const member of members) {
      const item = document.createElement('li');
      item.dataset.test = 'member';
      item.dataset.userId = member.userId;
      const dot = document.createElement('span');
      dot.className = 'dot';
      dot.style.background = colorOf(member.userId);
      const name = document.createElement('span');
      name.textContent = member.name || member.userId;
      item.append(dot, name);
      if (member.userId === state.user.userId) {
        const you = document.createElement('small');
        you.textContent = ' (you)';
        item.append(you);
      }
      list.append(item);
    }
    const unlisted = state.memberCount - members.length;
    if (unlisted > 0) {
      const item = document.createElement('li');
      item.className = 'more';
      item.textContent = `and ${unlisted} more`;
      list.append(item);
    }
    const count = Math.max(state.memberCount, members.length);
    $('member-count').textContent = count ? String(count) : '';
  }

  // ---------------------------------------------------------------- whiteboard

  const board = { context: null, color: COLORS[1], drawing: null, timer: null };

  function setUpBoard() {
    const canvas = $('board');
    board.context = canvas.getContext('2d');
    const colors = $('colors');
    for (const color of COLORS) {
      const swatch = document.createElement('button');
      swatch.type = 'button';
      swatch.className = 'swatch';
      swatch.style.background = color;
      swatch.setAttribute('aria-label', color);
      swatch.setAttribute('aria-pressed', String(color === board.color));
      swatch.addEventListener('click', () => {
        board.color = color;
        for (const other of colors.children) {
          other.setAttribute('aria-pressed', String(other === swatch));
        }
      });
      colors.append(swatch);
    }
    canvas.addEventListener('pointerdown', (event) => {
      if (!state.room) {
        return;
      }
      canvas.setPointerCapture(event.pointerId);
      const point = boardPoint(event);
      board.drawing = { points: [point], lastSent: null, color: board.color, width: Number($('width').value) };
      drawStroke({ c: board.drawing.color, w: board.drawing.width, p: point });
      board.timer = setInterval(flushStroke, STROKE_FLUSH_MS);
      event.preventDefault();
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!board.drawing) {
        return;
      }
      const point = boardPoint(event);
      const points = board.drawing.points;
      const previous = points.length ? points[points.length - 1] : board.drawing.lastSent;
      points.push(point);
      drawStroke({ c: board.drawing.color, w: board.drawing.width, p: [...previous, ...point] });
    });
    const end = () => {
      if (!board.drawing) {
        return;
      }
      clearInterval(board.timer);
      flushStroke();
      board.drawing = null;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    $('clear').addEventListener('click', () => {
      clearBoard();
      sendToRoom('clear', {});
    });
  }

  function boardPoint(event) {
    const rect = $('board').getBoundingClientRect();
    const x = Math.round((event.clientX - rect.left) * BOARD_WIDTH / rect.width);
    const y = Math.round((event.clientY - rect.top) * BOARD_HEIGHT / rect.height);
    return [Math.max(0, Math.min(BOARD_WIDTH, x)), Math.max(0, Math.min(BOARD_HEIGHT, y))];
  }

  /**
   * Sends the points gathered since the last flush as one `stroke` message; each batch starts
   * with the last point of the one before so the line has no gaps. Strokes are kept in the
   * room's history, so whoever joins later replays them.
   */
  function flushStroke() {
    const drawing = board.drawing;
    if (!drawing || (drawing.points.length === 0)) {
      return;
    }
    const points = drawing.lastSent ? [drawing.lastSent, ...drawing.points] : drawing.points;
    sendToRoom('stroke', { c: drawing.color, w: drawing.width, p: points.flat() });
    drawing.lastSent = points[points.length - 1];
    drawing.points = [];
  }

  /** Draws `{c: colour, w: width, p: [x0, y0, x1, y1, ...]}` in board coordinates. */
  function drawStroke(stroke) {
    const points = Array.isArray(stroke && stroke.p) ? stroke.p : [];
    if (points.length < 2) {
      return;
    }
    const context = board.context;
    context.strokeStyle = context.fillStyle = /^#[0-9a-fA-F]{3,8}$/.test(stroke.c) ? stroke.c : COLORS[0];
    context.lineWidth = Math.max(1, Math.min(48, Number(stroke.w) || 4));
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    if (points.length === 2) {
      context.arc(points[0], points[1], context.lineWidth / 2, 0, 2 * Math.PI);
      context.fill();
      return;
    }
    context.moveTo(points[0], points[1]);
    for (let i = 2; i + 1 < points.length; i += 2) {
      context.lineTo(points[i], points[i + 1]);
    }
    context.stroke();
  }

  function clearBoard() {
    board.context.clearRect(0, 0, BOARD_WIDTH, BOARD_HEIGHT);
  }

  // ---------------------------------------------------------------- status and toasts

  function renderStatus() {
    const status = $('status');
    const link = state.current;
    let text;
    let kind;
    if (!state.token) {
      kind = 'offline';
      text = 'offline';
    } else if (link && link.joined) {
      kind = link.recovering ? 'recovering' : 'connected';
      text = `connected to ${link.instance || '…'} · ${TRANSPORTS[link.transport]} · #${link.room}`;
      if (state.pending) {
        text += ' · switching…';
      }
    } else if (state.pending && state.pending.connected) {
      kind = state.pending.refused ? 'refused' : 'joining';
      text = state.pending.refused ? `not allowed in #${state.room}` : `joining #${state.room}…`;
    } else if (state.pending) {
      kind = 'connecting';
      text = `connecting over ${TRANSPORTS[state.pending.transport]}…`;
    } else if (state.retryTimer) {
      kind = 'reconnecting';
      const seconds = Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000));
      text = `reconnecting in ${seconds} s (${TRANSPORTS[state.transport]})`;
    } else if (link && link.refused) {
      kind = 'refused';
      text = `not allowed in #${link.room}`;
    } else {
      kind = 'offline';
      text = 'offline';
    }
    status.textContent = text;
    status.dataset.state = kind;
    status.dataset.instance = (link && link.instance) || '';
    status.dataset.transport = link ? link.transport : state.transport;
    status.dataset.links = String(state.links);
    status.dataset.breaks = String(state.breaks);
  }

  function toast(text) {
    const item = document.createElement('div');
    item.className = 'toast';
    item.dataset.test = 'error';
    item.textContent = text;
    $('toasts').append(item);
    setTimeout(() => item.remove(), TOAST_MS);
  }

  // ---------------------------------------------------------------- rooms, login, start

  function loadRooms() {
    try {
      const rooms = JSON.parse(localStorage.getItem('stompbox.rooms') || '[]');
      return Array.isArray(rooms) && rooms.length ? rooms.filter((room) => ROOM_ID.test(room)) : ['lobby'];
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
      if (room === state.room) {
        button.setAttribute('aria-current', 'true');
      }
      button.addEventListener('click', () => enterRoom(room));
      item.append(button);
      list.append(item);
    }
  }

  function enterRoom(room) {
    if (!ROOM_ID.test(room)) {
      toast('A room name is 1 to 64 letters, digits, - or _');
      return;
    }
    if (room === state.room && (state.current || state.pending || state.retryTimer)) {
      return;
    }
    closeLinks();
    state.room = room;
    state.lastId = null;
    state.attempts = 0;
    state.members = new Map();
    state.memberCount = 0;
    state.membersPartial = false;
    state.typing = new Map();
    state.outbox = new Map();
    $('messages').replaceChildren();
    clearBoard();
    renderMembers();
    renderTyping();
    $('room-title').textContent = `#${room}`;
    document.title = `#${room} · Stompbox`;
    rememberRoom(room);
    renderRooms();
    updateAddress();
    connect();
  }

  function updateAddress() {
    const next = new URLSearchParams(location.search);
    next.delete('name');                    // a link to share carries the room, not who you are
    if (state.room) {
      next.set('room', state.room);
    }
    if (state.transport === 'sockjs') {
      next.set('transport', 'sockjs');
    } else {
      next.delete('transport');
    }
    history.replaceState(null, '', `${location.pathname}?${next}`);
  }

  async function demoToken(user) {
    const response = await fetch('auth/demo-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: user.userId, name: user.name }),
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.message || `HTTP ${response.status}`);
    }
    return (await response.json()).token;
  }

  /** Demo mode serves /auth/demo-token; elsewhere it is a 404 and the page asks for a token. */
  async function detectDemoMode() {
    try {
      const response = await fetch('auth/demo-token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return response.status !== 404;
    } catch (error) {
      return true;
    }
  }

  function userFromToken(token) {
    const parts = token.split('.');
    if (parts.length !== 3) {
      throw new Error('That is not a JWT');
    }
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(decodeURIComponent(escape(json)));
    if (!claims.sub) {
      throw new Error('The token has no sub claim');
    }
    return { userId: claims.sub, name: claims.name || claims.sub };
  }

  async function login(name, token) {
    try {
      if (state.demo) {
        const display = name.trim();
        if (!display) {
          throw new Error('Pick a name first');
        }
        const user = { userId: display.toLowerCase().replace(/\s+/g, '-').slice(0, 128), name: display.slice(0, 64) };
        state.token = await demoToken(user);
        state.user = user;
      } else {
        state.user = userFromToken(token.trim());
        state.token = token.trim();
      }
    } catch (error) {
      toast(error.message);
      return;
    }
    saveSession();
    showApp();
    const wanted = params.get('room');
    enterRoom(ROOM_ID.test(wanted || '') ? wanted : (state.rooms[0] || 'lobby'));
  }

  function logout() {
    closeLinks();
    state.token = null;
    state.user = null;
    state.room = null;
    sessionStorage.removeItem('stompbox.session');
    $('app').hidden = true;
    $('me-box').hidden = true;
    $('login').hidden = false;
    renderStatus();
  }

  function saveSession() {
    sessionStorage.setItem('stompbox.session', JSON.stringify({ token: state.token, user: state.user }));
  }

  function showApp() {
    $('login').hidden = true;
    $('app').hidden = false;
    $('me-box').hidden = false;
    $('me').textContent = state.user.name;
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

  function bindControls() {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      login($('name').value, $('token').value);
    });
    $('logout').addEventListener('click', logout);
    $('room-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const room = $('room').value.trim();
      if (!ROOM_ID.test(room)) {
        toast('A room name is 1 to 64 letters, digits, - or _');
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
      showPending(sendToRoom('message', { text }));
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
        if (state.token && state.room) {
          state.attempts = 0;
          connect();          // make-before-break: the current connection stays until this one joins
        }
      });
    }
    window.addEventListener('online', () => {
      if (state.token && !state.current && !state.pending) {
        connect();
      }
    });
    setInterval(() => {
      if (state.retryTimer) {
        renderStatus();
      }
      if (state.typing.size) {
        renderTyping();
      }
    }, 250);
  }

  async function start() {
    setUpBoard();
    bindControls();
    renderStatus();
    state.demo = await detectDemoMode();
    const name = params.get('name');
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem('stompbox.session') || 'null');
    } catch (error) {
      saved = null;
    }
    if (name && state.demo) {
      await login(name, '');
    } else if (saved && saved.token && saved.user) {
      state.token = saved.token;
      state.user = saved.user;
      showApp();
      const wanted = params.get('room');
      enterRoom(ROOM_ID.test(wanted || '') ? wanted : (state.rooms[0] || 'lobby'));
    } else {
      showLogin();
    }
  }

  // For people poking at the page from the console.
  window.stompbox = { state };

  start();
})();
