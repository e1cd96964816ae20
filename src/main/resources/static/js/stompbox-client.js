/**
 * A browser client for Stompbox (docs/protocol.md): an ES module on top of STOMP.js 7, with
 * no DOM and no build step. It gets STOMP.js and SockJS from the globals their UMD bundles
 * define (`StompJs`, `SockJS`) unless given them in the options: the demo page loads the
 * bundles from the WebJars; a page may instead pass STOMP.js as an ES module, as in
 * `stompjs: await import('/webjars/stomp__stompjs/esm6/index.js')`.
 *
 * What it does for you:
 * - connects over WebSocket (`/ws`) or SockJS (`/sockjs`), asking the token provider for a
 *   token before every connection, so a refreshed token is used after any drop;
 * - subscribes, then joins each room; holds live messages until the join ACK and, while the
 *   ACK or a history page says `more`, until the last page; drops duplicates by id,
 *   comparing ids by (millis, seq); so a room's messages come once each, in id order;
 * - after a drop, reconnects with jittered exponential backoff and rejoins with
 *   `since` = the last id seen: nothing is lost;
 * - answers a `reconnect` notice (shutdown, max-lifetime, token-expired, rebalance) and a
 *   transport switch make-before-break: the new connection opens and rejoins with `since`,
 *   then the old one is closed, so others see no leave and join;
 * - keeps each room's member list from the join ACK and the presence events (`memberCount`,
 *   lists cut at the server's limit), asking for a snapshot again only when they disagree;
 * - sends room messages with a `requestId` and a `clientMsgId`, resolves a promise with the
 *   ACK, and sends again what a lost connection did not acknowledge (the server drops the
 *   repeat by `clientMsgId`).
 *
 * @example
 * import { StompboxClient } from './js/stompbox-client.js';
 * const client = new StompboxClient({ token: async () => (await fetch('/my/token')).text() });
 * const room = client.room('lobby');
 * room.on('message', (message) => console.log(message.from.name, message.body));
 * room.on('members', ({ members, memberCount }) => console.log(memberCount, members));
 * client.on('error', (error) => console.warn(error.error, error.message));
 * client.connect();
 * room.join({ since: '0-0' });                       // '0-0': everything kept; omit: nothing
 * const { id } = await room.send({ text: 'hi' }).ack;
 *
 * API
 *
 * `new StompboxClient(options)`; options:
 *   - `token`: `({reason}) => string | Promise<string>`, called before every connection;
 *     `reason` is `connect`, `reconnect`, `unauthorized` (the last token was refused),
 *     `transport`, or a notice's reason (`shutdown`, `max-lifetime`, `token-expired`,
 *     `rebalance`). Required.
 *   - `url`: the server's base address (default: the page's), `transport`: `'websocket'`
 *     (default) or `'sockjs'`;
 *   - `backoff`: `{initialMs: 500, maxMs: 15000}`; `heartbeatMs` (10000);
 *     `connectionTimeoutMs` (10000); `outboxBurst` (40 messages a second sent again after a
 *     reconnect, within the server's rate limit); `stompjs` (default `globalThis.StompJs`),
 *     `SockJS` (default `globalThis.SockJS`).
 *
 * Client methods: `connect()`, `disconnect()`, `room(id)` (the same Room until it is left),
 * `setTransport(transport)` (switches make-before-break), `reconnect()` (now, if offline),
 * `request(destination, body)` (adds a `requestId`; a promise of the ACK, rejected with a
 * {@link StompboxError} when `ok` is false), `status()` (a snapshot for a status line).
 * Client fields: `current` (the connection that sends; `current.publish(destination, body)`),
 * `pending` (a connection on its way in), `connections` (opened so far), `breaks` (joined
 * connections lost with none ready to take over), `transport`.
 *
 * Client events (`client.on(type, listener)`, returns a function that removes it):
 *   - `status` `(status)`: the connection state changed (see `status()`);
 *   - `connected` `({instance, transport, number})`: a connection took over sending;
 *   - `notice` `(notice)`: a message on `/user/queue/system`, such as `reconnect`;
 *   - `event` `(event)`: a per-user event from `/user/queue/events` (`{type, body, ts}`);
 *   - `error` `(error)`: `{error, message, requestId?, destination?, source}`; `source` is
 *     `server` (`/user/queue/errors`), `stomp` (an ERROR frame; the connection closes; code
 *     `unauthorized` means the token was refused) or `token` (the provider failed).
 *
 * Room methods: `join({since})` (a promise of the first join ACK), `leave()`,
 * `send(body, {type, ephemeral, clientMsgId})` returns `{requestId, clientMsgId, ack}`
 * (`ack` a promise; queued while offline), `signal(type, body)` (an ephemeral message sent
 * now or never, such as typing; returns whether it went), `command(name, body)`,
 * `history({since, limit})` (one page), `refreshMembers()`.
 * Room fields: `id`, `lastId`, `joined`, `recovering`, `refused`, `members` (a Map of
 * userId to `{userId, name, sessions}`), `memberCount`, `membersPartial`.
 *
 * Room events:
 *   - `message` `(envelope, {recovered})`: each room message once, in id order, whatever
 *     its `type`; `recovered` is true for one from a join ACK or a history page;
 *   - `joined` `(ack, {rejoin})`: a join ACK, on every connection;
 *   - `recovered` `()`: the held live messages were released: recovery is complete;
 *   - `gap` `({reason})`: messages were lost: `not-kept` (history no longer holds them) or
 *     `failed` (a history page could not be fetched);
 *   - `members` `({members, memberCount, partial})`: the member list changed;
 *   - `presence` `(event, {news})`: a join or leave event; `news` is true when it changed
 *     who is present as this client knows it (for a "joined"/"left" line);
 *   - `refused` `({error, message})`: the join was refused (`forbidden`, ...): the room is
 *     not joined again.
 */

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOPIC = '/topic/rooms/';
const APP = '/app/rooms/';
const QUEUES = {
  acks: '/user/queue/acks',
  errors: '/user/queue/errors',
  system: '/user/queue/system',
  events: '/user/queue/events',
};
const INSTANCE = '/app/instance';
/** History pages and joins refused for these reasons are asked for again. */
const TRANSIENT = ['unavailable', 'rate-limited', 'internal'];
const HISTORY_ATTEMPTS = 5;
/** A member list asked for and not answered by then may be asked for again. */
const SNAPSHOT_WAIT_MS = 5000;

// ---------------------------------------------------------------- pure helpers

/** Whether `id` is a valid room id. */
export function isRoomId(id) {
  return typeof id === 'string' && ROOM_ID.test(id);
}

/** Compares message ids `<millis>-<seq>` by (millis, seq): negative, 0 or positive. */
export function compareIds(a, b) {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return (am - bm) || (as - bs);
}

/**
 * The delay before reconnect attempt `attempt` (0, 1, ...): exponential with "equal jitter",
 * half the step fixed and half random, so clients dropped together do not come back together.
 */
export function backoffDelay(attempt, { initialMs = 500, maxMs = 15000 } = {}, random = Math.random) {
  const step = Math.min(maxMs, initialMs * (2 ** Math.min(attempt, 20)));
  return Math.round(step / 2 + random() * step / 2);
}

/** A fresh id such as a `clientMsgId`. */
export function newId(prefix) {
  const random = (globalThis.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : Date.now().toString(36) + Math.random().toString(36).slice(2);
  return `${prefix}-${random}`;
}

/** A failed request: the server's error code in `error`, and its message. */
export class StompboxError extends Error {
  constructor({ error, message, requestId, type, destination }) {
    super(message ? `${error}: ${message}` : error);
    this.name = 'StompboxError';
    this.error = error;
    this.requestId = requestId;
    this.type = type;
    this.destination = destination;
  }
}

/** The smallest event emitter that does: `on`, `once`, `off`, `emit`. */
export class Emitter {

  #listeners = new Map();

  /** Adds a listener; returns a function that removes it. */
  on(type, listener) {
    if (!this.#listeners.has(type)) {
      this.#listeners.set(type, new Set());
    }
    this.#listeners.get(type).add(listener);
    return () => this.off(type, listener);
  }

  once(type, listener) {
    const off = this.on(type, (...args) => {
      off();
      listener(...args);
    });
    return off;
  }

  off(type, listener) {
    this.#listeners.get(type)?.delete(listener);
  }

  /** A listener that throws does not keep the others from hearing the event. */
  emit(type, ...args) {
    for (const listener of [...(this.#listeners.get(type) || [])]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`stompbox: a '${type}' listener failed`, error);
      }
    }
  }

}

// ---------------------------------------------------------------- one connection

/**
 * One STOMP connection. Reconnecting is never its own business: the client replaces a lost
 * connection with a new one. It holds one {@link RoomLink} per room it has joined or is joining.
 */
class Connection {

  constructor(client, number, transport) {
    this.client = client;
    this.number = number;
    this.transport = transport;
    this.connected = false;
    this.closed = false;
    this.instance = null;
    this.unauthorized = false;
    this.links = new Map();        // roomId -> RoomLink
    this.requests = new Map();     // requestId -> (ack) => void
    this.stomp = null;
  }

  /** Opens the connection with this token. */
  open(token, options) {
    const { Client } = options.stompjs || globalThis.StompJs;
    this.stomp = new Client({
      connectHeaders: { Authorization: `Bearer ${token}` },
      reconnectDelay: 0,                       // reconnecting is done by the client, with jitter
      connectionTimeout: options.connectionTimeoutMs,
      heartbeatIncoming: options.heartbeatMs,
      heartbeatOutgoing: options.heartbeatMs,
      discardWebsocketOnCommFailure: true,
      debug: options.debug || (() => {}),
      onConnect: () => this.#onConnect(),
      onStompError: (frame) => this.#onStompError(frame),
      onWebSocketClose: (event) => this.#onClose(event),
    });
    if (this.transport === 'sockjs') {
      const SockJS = options.SockJS || globalThis.SockJS;
      this.stomp.webSocketFactory = () => new SockJS(endpoint(options.url, 'sockjs'));
    } else {
      this.stomp.brokerURL = endpoint(options.url, 'ws');
    }
    this.stomp.activate();
  }

  #onConnect() {
    if (this.closed) {
      return;
    }
    this.connected = true;
    const json = (handle) => (frame) => {
      if (!this.closed) {
        handle(JSON.parse(frame.body));
      }
    };
    this.stomp.subscribe(QUEUES.acks, json((ack) => this.#onAck(ack)));
    this.stomp.subscribe(QUEUES.errors, json((error) => this.client._serverError(error)));
    this.stomp.subscribe(QUEUES.system, json((notice) => this.client._notice(this, notice)));
    this.stomp.subscribe(QUEUES.events, json((event) => this.client._userEvent(this, event)));
    this.stomp.subscribe(INSTANCE, json((answer) => {
      this.instance = answer.instanceId;
      this.client._changed();
    }));
    for (const room of this.client._rooms()) {
      this.attach(room);
    }
    this.client._connected(this);
  }

  /** Subscribed first, then joined: the join ACK promises every later message reaches us. */
  attach(room) {
    if (!this.connected || this.closed || this.links.has(room.id)) {
      return;
    }
    const link = new RoomLink(this, room);
    this.links.set(room.id, link);
    link.subscribe();
    link.join();
  }

  detach(room) {
    const link = this.links.get(room.id);
    if (link) {
      this.links.delete(room.id);
      link.unsubscribe();
    }
  }

  /** Sends `body` as JSON; false when this connection cannot send. */
  publish(destination, body) {
    if (!this.connected || this.closed) {
      return false;
    }
    this.stomp.publish({
      destination,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return true;
  }

  /** Sends with this requestId and hands its ACK to `onAck`; false when it could not send. */
  send(destination, body, onAck) {
    if (!this.publish(destination, body)) {
      return false;
    }
    this.requests.set(body.requestId, onAck);
    return true;
  }

  subscribe(destination, handle) {
    return this.stomp.subscribe(destination, (frame) => {
      if (!this.closed) {
        handle(JSON.parse(frame.body));
      }
    });
  }

  #onAck(ack) {
    const handle = this.requests.get(ack.requestId);
    if (handle) {
      this.requests.delete(ack.requestId);
      handle(ack);
    }
  }

  #onStompError(frame) {
    const error = frame.headers.message || 'error';
    this.unauthorized = (error === 'unauthorized');
    this.client.emit('error', { error, message: frame.body || '', source: 'stomp' });
  }

  #onClose(event) {
    if (this.closed) {
      return;
    }
    this.#end();
    this.client._lost(this, event);
  }

  /** Closes it on purpose: nothing it still receives is handled. */
  close() {
    if (!this.closed) {
      this.#end();
    }
  }

  #end() {
    this.closed = true;
    this.connected = false;
    this.stomp?.deactivate();
    const lost = [...this.requests.values()];
    this.requests.clear();
    for (const handle of lost) {
      handle(null);               // null: no answer will come on this connection
    }
  }

}

/**
 * A room on one connection: its subscriptions, its join, and the live messages it holds back
 * until its recovery (the join ACK's `recovered`, then history pages while `more`) is complete.
 */
class RoomLink {

  constructor(connection, room) {
    this.connection = connection;
    this.room = room;
    this.subscriptions = [];
    this.joined = false;
    this.answered = false;         // the join was acknowledged or refused
    this.recovering = false;
    this.held = [];
    this.historySince = null;
    this.historyAttempts = 0;
    this.joinAttempts = 0;
    this.snapshotAsked = 0;        // when a member list was last asked for; 0 once answered
  }

  get live() {
    return !this.connection.closed && this.connection.links.get(this.room.id) === this;
  }

  subscribe() {
    const topic = TOPIC + this.room.id;
    this.subscriptions.push(
      this.connection.subscribe(topic, (envelope) => this.#onRoomMessage(envelope)),
      this.connection.subscribe(`${topic}/presence`, (event) => this.room._presenceEvent(this, event)));
  }

  unsubscribe() {
    for (const subscription of this.subscriptions) {
      try {
        subscription.unsubscribe();
      } catch (error) {
        // the connection is gone already: so are its subscriptions
      }
    }
    this.subscriptions = [];
  }

  join() {
    if (!this.live) {
      return;
    }
    const since = this.room._since();
    const body = { requestId: this.room.client._requestId('join') };
    if (since) {
      body.since = since;
    }
    this.connection.send(APP + this.room.id + '/join', body, (ack) => this.#onJoinAck(ack));
  }

  #onJoinAck(ack) {
    if (!ack || !this.live) {
      return;
    }
    if (!ack.ok) {
      if (TRANSIENT.includes(ack.error) && this.joinAttempts < HISTORY_ATTEMPTS) {
        setTimeout(() => this.join(), backoffDelay(this.joinAttempts++, this.room.client.options.backoff));
        return;
      }
      this.answered = true;
      this.room._refused(this, ack);
      return;
    }
    this.joined = true;
    this.answered = true;
    this.recovering = true;
    this.room._joined(this, ack);
    if (ack.recoveredAll === false) {
      this.room.emit('gap', { reason: 'not-kept' });
    }
    this.#recovered(ack.recovered || [], ack.more === true);
    this.connection.client._roomAnswered(this.connection);
  }

  /**
   * Hands on recovered messages in order; while the server keeps more, asks for the page
   * after the last one, still holding the live ones back. Once nothing more is kept, the held
   * live messages follow (those a page already brought are dropped by id).
   */
  #recovered(messages, more) {
    for (const envelope of messages) {
      this.room._deliver(envelope, true);
    }
    const last = messages.length ? messages[messages.length - 1].id : null;
    if (more && last) {
      this.historyAttempts = 0;
      this.#requestHistory(last);
      return;
    }
    this.recovering = false;
    const held = this.held;
    this.held = [];
    for (const envelope of held) {
      this.room._deliver(envelope, false);
    }
    this.room.emit('recovered');
    this.room.client._changed();
  }

  #requestHistory(since) {
    if (!this.live) {
      return;
    }
    this.historySince = since;
    const body = { requestId: this.room.client._requestId('history'), since };
    this.connection.send(APP + this.room.id + '/history', body, (ack) => this.#onHistoryPage(ack));
  }

  #onHistoryPage(ack) {
    if (!ack || !this.live || !this.recovering) {
      return;
    }
    if (ack.ok) {
      if (ack.complete === false) {
        this.room.emit('gap', { reason: 'not-kept' });
      }
      this.#recovered(ack.messages || [], ack.more === true);
    } else if (TRANSIENT.includes(ack.error) && this.historyAttempts < HISTORY_ATTEMPTS) {
      const delay = backoffDelay(this.historyAttempts++, this.room.client.options.backoff);
      setTimeout(() => this.#requestHistory(this.historySince), delay);
    } else {
      this.room.emit('gap', { reason: 'failed' });
      this.#recovered([], false);
    }
  }

  #onRoomMessage(envelope) {
    if (!this.live) {
      return;
    }
    if (this.joined && !this.recovering) {
      this.room._deliver(envelope, false);
    } else {
      this.held.push(envelope);
    }
  }

  /**
   * Asks for the member list again. One request at a time: a SUBSCRIBE counts against the
   * rate limit and the subscription limit.
   */
  refreshMembers() {
    if (!this.live || !this.connection.connected
        || (this.snapshotAsked && Date.now() - this.snapshotAsked < SNAPSHOT_WAIT_MS)) {
      return;
    }
    this.snapshotAsked = Date.now();
    const subscription = this.connection.subscribe(`${APP}${this.room.id}/presence`, (snapshot) => {
      subscription.unsubscribe();
      this.snapshotAsked = 0;
      this.room._snapshot(this, snapshot);
    });
  }

}

// ---------------------------------------------------------------- rooms

/** A room this client joins on each of its connections; see the API at the top. */
export class Room extends Emitter {

  constructor(client, id) {
    super();
    this.client = client;
    this.id = id;
    this.wanted = false;           // joined, or to be joined on every connection
    this.initialSince = undefined;
    this.lastId = null;            // the newest id handed on: the `since` of the next join
    this.joined = false;
    this.refused = null;
    this.members = new Map();
    this.memberCount = 0;
    this.membersPartial = false;   // the server listed only some (the room outgrew its list limit)
    this.listLimit = 0;            // how many it listed then: the list stays within that
    this.presenceLink = null;      // the link whose join ACK gave the member list; its events count
    this.outbox = new Map();       // requestId -> unacknowledged message
    this.joinWaiters = [];
  }

  /** Joined, still fetching history pages on the connection that gave the member list. */
  get recovering() {
    return Boolean(this.presenceLink && this.presenceLink.recovering);
  }

  /**
   * Joins on every connection, now and after each reconnect; `since`: recover the messages
   * after that id (`'0-0'`: everything kept), only for the first join; later joins ask
   * since the last id seen. A promise of the first join ACK.
   */
  join({ since } = {}) {
    if (!this.wanted) {
      this.wanted = true;
      this.initialSince = since;
      this.client._attach(this);
    }
    if (this.joined) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.joinWaiters.push({ resolve, reject }));
  }

  /** Leaves the room on every connection; a promise of the leave ACK (null when offline). */
  leave() {
    this.wanted = false;
    this.joined = false;
    const current = this.client.current;
    let answered = Promise.resolve(null);
    if (current && current.links.get(this.id)?.joined) {
      answered = this.client.request(APP + this.id + '/leave', {}).catch(() => null);
    }
    this.client._detach(this);
    for (const entry of this.outbox.values()) {
      entry.reject(new StompboxError({ error: 'left', message: `left ${this.id}`, requestId: entry.payload.requestId }));
    }
    this.outbox.clear();
    this.#settleJoin(new StompboxError({ error: 'left', message: `left ${this.id}` }));
    return answered;
  }

  /**
   * Sends a room message; `{type, ephemeral, clientMsgId}` optional. Kept until acknowledged
   * and sent again on the next connection when one is lost first (same `clientMsgId`, which
   * the server does not deliver twice). Returns `{requestId, clientMsgId, ack}`.
   */
  send(body, { type, ephemeral, clientMsgId = newId('c') } = {}) {
    const requestId = this.client._requestId('send');
    const payload = { requestId, clientMsgId, body };
    if (type) {
      payload.type = type;
    }
    if (ephemeral) {
      payload.ephemeral = true;
    }
    let entry;
    const ack = new Promise((resolve, reject) => {
      entry = { payload, sentOn: null, resolve, reject };
    });
    this.outbox.set(requestId, entry);
    this._trySend(entry);
    return { requestId, clientMsgId, ack };
  }

  /** An ephemeral message sent now, or not at all (typing, cursors): whether it went. */
  signal(type, body = {}) {
    const link = this.client.current?.links.get(this.id);
    return Boolean(link && link.joined)
      && this.client.current.publish(APP + this.id + '/messages', { type, body, ephemeral: true });
  }

  /** A command for the backend (`/app/rooms/{id}/commands/{name}`); a promise of its ACK. */
  command(name, body = {}) {
    return this.client.request(`${APP}${this.id}/commands/${name}`, { ...body });
  }

  /** One page of kept messages after `since`; a promise of the page (`messages`, `more`, `complete`). */
  history({ since, limit } = {}) {
    const body = { since };
    if (limit) {
      body.limit = limit;
    }
    return this.client.request(APP + this.id + '/history', body);
  }

  /** Asks the server for the member list again. */
  refreshMembers() {
    this.presenceLink?.refreshMembers();
  }

  // -------- used by the client and the links

  _since() {
    return this.lastId || this.initialSince;
  }

  _trySend(entry) {
    const current = this.client.current;
    const link = current?.links.get(this.id);
    if (!this.wanted || !link || !link.joined) {
      return;
    }
    const sent = current.send(APP + this.id + '/messages', entry.payload, (ack) => this.#onSendAck(entry, ack));
    if (sent) {
      entry.sentOn = current;
    }
  }

  #onSendAck(entry, ack) {
    if (!this.outbox.has(entry.payload.requestId)) {
      return;
    }
    if (!ack) {
      entry.sentOn = null;                    // lost with its connection: the next one sends it
    } else if (ack.ok) {
      this.outbox.delete(entry.payload.requestId);
      entry.resolve(ack);
    } else if (ack.error === 'unavailable') {
      entry.sentOn = null;
      setTimeout(() => this._trySend(entry), 1000);
    } else {
      this.outbox.delete(entry.payload.requestId);
      entry.reject(new StompboxError(ack));
    }
  }

  /** Every room message of every connection comes through here; ids only grow. */
  _deliver(envelope, recovered) {
    if (!this.wanted || envelope.roomId !== this.id) {
      return;
    }
    if (this.lastId && compareIds(envelope.id, this.lastId) <= 0) {
      return;                  // seen already: recovered and live, or on both connections
    }
    this.lastId = envelope.id;
    this.emit('message', envelope, { recovered });
  }

  _joined(link, ack) {
    const rejoin = this.joined;
    if (!this.lastId && !this._since()) {
      // Joined without recovery: what the server had is not ours to show, what follows is.
      this.lastId = ack.lastId || '0-0';
    }
    this.joined = true;
    this.refused = null;
    this.presenceLink = link;              // the newest connection's list and events from now on
    this._setMembers(ack.members || [], ack.memberCount);
    this.emit('joined', ack, { rejoin });
    this.#settleJoin(null);
  }

  _refused(link, ack) {
    this.refused = ack.error;
    this.wanted = false;
    this.client._detach(this);
    this.client.rooms.delete(this.id);
    const error = new StompboxError(ack);
    this.emit('refused', { error: ack.error, message: ack.message });
    this.#settleJoin(error);
    this.client._changed();
  }

  #settleJoin(error) {
    const waiters = this.joinWaiters;
    this.joinWaiters = [];
    for (const waiter of waiters) {
      if (error) {
        waiter.reject(error);
      } else {
        waiter.resolve();
      }
    }
  }

  /** A member list from the server: all present users, or the first ones when `memberCount` is larger. */
  _setMembers(members, memberCount) {
    this.members = new Map(members.map((member) => [member.userId, member]));
    this.memberCount = (typeof memberCount === 'number') ? memberCount : this.members.size;
    this.membersPartial = this.members.size < this.memberCount;
    this.listLimit = this.members.size;
    this.#membersChanged();
  }

  _snapshot(link, snapshot) {
    if (link === this.presenceLink && link.live) {
      this._setMembers(snapshot.members || [], snapshot.memberCount);
    }
  }

  /**
   * Applies a join or leave and takes the event's `count` as the member count. A list that
   * was complete and no longer matches the count missed an event: it is asked for again. A
   * list the server cut at its limit is expected not to match, and is never asked for again
   * because of that (in a large room that would be a request per event).
   */
  _presenceEvent(link, event) {
    if (link !== this.presenceLink || !link.live || event.roomId !== this.id) {
      return;                  // the connection that joins next brings a fresh member list
    }
    let news = false;
    if (event.type === 'join') {
      if (!this.members.has(event.userId)) {
        if (!this.membersPartial || this.members.size < this.listLimit) {
          this.members.set(event.userId, { userId: event.userId, name: event.name, sessions: 1 });
        }
        news = true;
      }
    } else if (event.type === 'leave') {
      news = this.members.delete(event.userId) || this.membersPartial;
    }
    this.memberCount = (typeof event.count === 'number') ? event.count
      : this.membersPartial ? this.memberCount : this.members.size;
    if (this.membersPartial && this.members.size >= this.memberCount) {
      this.membersPartial = false;           // everyone present is listed again
    }
    this.emit('presence', event, { news });
    this.#membersChanged();
    if (this.membersPartial ? this.members.size > this.memberCount : this.members.size !== this.memberCount) {
      link.refreshMembers();
    }
  }

  #membersChanged() {
    this.emit('members', { members: [...this.members.values()], memberCount: this.memberCount, partial: this.membersPartial });
  }

}

// ---------------------------------------------------------------- the client

/** A Stompbox client: connections, reconnects and rooms; see the API at the top. */
export class StompboxClient extends Emitter {

  constructor(options = {}) {
    super();
    if (typeof options.token !== 'function') {
      throw new TypeError('options.token: a function that returns a token (or a promise of one)');
    }
    this.options = {
      url: globalThis.location ? globalThis.location.href : undefined,
      heartbeatMs: 10000,
      connectionTimeoutMs: 10000,
      outboxBurst: 40,
      ...options,
      backoff: { initialMs: 500, maxMs: 15000, ...options.backoff },
    };
    this.transport = (options.transport === 'sockjs') ? 'sockjs' : 'websocket';
    this.rooms = new Map();        // roomId -> Room
    this.active = false;
    this.current = null;           // the joined connection that sends
    this.pending = null;           // a connection on its way to replace it (or to be the first)
    this.connections = 0;
    this.breaks = 0;
    this.attempts = 0;
    this.retryTimer = null;
    this.retryAt = 0;
    this.retryReason = null;
    this.outboxTimer = null;
    this.requests = 0;
  }

  /** Starts connecting; from now on the client keeps a connection until `disconnect()`. */
  connect() {
    if (!this.active) {
      this.active = true;
      this.attempts = 0;
      this.#open('connect');
    }
    return this;
  }

  /** Closes every connection and stops reconnecting. Rooms stay wanted for a later `connect()`. */
  disconnect() {
    this.active = false;
    this.#clearRetry();
    for (const connection of [this.current, this.pending]) {
      connection?.close();
    }
    this.current = null;
    this.pending = null;
    this._changed();
  }

  /** The room with this id: the same object until it is left or refused. */
  room(id) {
    if (!isRoomId(id)) {
      throw new TypeError(`not a room id: ${id}`);
    }
    if (!this.rooms.has(id)) {
      this.rooms.set(id, new Room(this, id));
    }
    return this.rooms.get(id);
  }

  /** Switches transport make-before-break: the current connection stays until the new one is in. */
  setTransport(transport) {
    const next = (transport === 'sockjs') ? 'sockjs' : 'websocket';
    if (next === this.transport) {
      return;
    }
    this.transport = next;
    if (this.active) {
      this.attempts = 0;
      this.#open('transport');
    }
  }

  /** Connects now when there is no connection and none on its way (the network is back). */
  reconnect() {
    if (this.active && !this.current && !this.pending) {
      this.#open(this.retryReason || 'reconnect');
    }
  }

  /** Sends on the current connection with a fresh `requestId`; a promise of the ACK. */
  request(destination, body = {}) {
    const connection = this.current;
    const requestId = this._requestId('request');
    return new Promise((resolve, reject) => {
      const sent = connection && connection.send(destination, { ...body, requestId }, (ack) => {
        if (!ack) {
          reject(new StompboxError({ error: 'connection-lost', message: 'the connection closed first', requestId, destination }));
        } else if (ack.ok) {
          resolve(ack);
        } else {
          reject(new StompboxError({ ...ack, destination }));
        }
      });
      if (!sent) {
        reject(new StompboxError({ error: 'offline', message: 'no connection', requestId, destination }));
      }
    });
  }

  /**
   * Where things stand, for a status line: `phase` is `idle`, `connecting` (a connection
   * opening, none joined), `joining` (connected, joins not all answered), `connected` or
   * `waiting` (a reconnect scheduled at `retryAt`); `switching` when a new connection is
   * on its way while the current one serves.
   */
  status() {
    const connection = this.current || this.pending;
    let phase = 'idle';
    if (this.current) {
      phase = 'connected';
    } else if (this.pending) {
      phase = this.pending.connected ? 'joining' : 'connecting';
    } else if (this.retryTimer) {
      phase = 'waiting';
    }
    return {
      phase,
      active: this.active,
      transport: connection ? connection.transport : this.transport,
      instance: this.current ? this.current.instance : null,
      switching: Boolean(this.current && this.pending),
      retryAt: this.retryTimer ? this.retryAt : 0,
      connections: this.connections,
      breaks: this.breaks,
    };
  }

  // -------- connecting and reconnecting

  async #open(reason) {
    this.#clearRetry();
    if (!this.active) {
      return;
    }
    this.pending?.close();
    this.connections += 1;
    const connection = new Connection(this, this.connections, this.transport);
    this.pending = connection;
    this._changed();
    let token;
    try {
      token = await this.options.token({ reason });
    } catch (error) {
      if (this.pending === connection) {
        this.pending = null;
        connection.close();
        this.emit('error', { error: 'token', message: error.message || String(error), source: 'token' });
        this.#schedule(backoffDelay(this.attempts++, this.options.backoff), reason);
      }
      return;
    }
    if (this.pending !== connection || connection.closed) {
      return;                      // superseded, or disconnected, while the token came
    }
    connection.open(token, this.options);
  }

  #schedule(delay, reason) {
    this.#clearRetry();
    this.retryAt = Date.now() + delay;
    this.retryReason = reason;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.#open(reason);
    }, delay);
    this._changed();
  }

  #clearRetry() {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  /** The connection is in: joins go out; with no rooms to join it takes over at once. */
  _connected(connection) {
    this.#promoteIfReady(connection);
    this._changed();
  }

  _roomAnswered(connection) {
    this.#promoteIfReady(connection);
    if (connection === this.current) {
      this.#flushOutbox();
    }
  }

  /** A pending connection takes over once every room's join on it is answered; then the old one goes. */
  #promoteIfReady(connection) {
    if (connection !== this.pending || !connection.connected) {
      return;
    }
    for (const room of this._rooms()) {
      if (!connection.links.get(room.id)?.answered) {
        return;
      }
    }
    const previous = this.current;
    this.current = connection;
    this.pending = null;
    this.attempts = 0;
    this.retryReason = null;
    this.#clearRetry();
    previous?.close();             // make-before-break: the new connection is in, the old one may go
    this.emit('connected', { instance: connection.instance, transport: connection.transport, number: connection.number });
    this.#flushOutbox();
    this._changed();
  }

  _lost(connection) {
    if (this.current === connection) {
      this.current = null;
      this.breaks += 1;
    }
    if (this.pending === connection) {
      this.pending = null;
    }
    if (this.active && !this.pending && !this.retryTimer) {
      const reason = connection.unauthorized ? 'unauthorized' : 'reconnect';
      this.#schedule(backoffDelay(this.attempts++, this.options.backoff), reason);
    }
    this._changed();
  }

  /** The server will close this connection on purpose: open the next one first. */
  _notice(connection, notice) {
    this.emit('notice', notice);
    if (notice.type !== 'reconnect' || connection !== this.current || this.pending || !this.active) {
      return;
    }
    // A shutdown notice tells every client of an instance at once: wait the jittered time it
    // asks for. Lifetime, token and rebalance notices are spread out by the server already
    // and leave less time before the close, so the next connection opens now.
    const delay = (notice.reason === 'shutdown') ? (notice.retryAfterMs || 0) : 0;
    this.#schedule(delay, notice.reason || 'reconnect');
  }

  /** Per-user events reach every connection: taken from one only, the current (or the first). */
  _userEvent(connection, event) {
    if (connection === this.current || (!this.current && connection === this.pending)) {
      this.emit('event', event);
    }
  }

  _serverError(error) {
    this.emit('error', { ...error, source: 'server' });
  }

  _attach(room) {
    for (const connection of [this.current, this.pending]) {
      connection?.attach(room);
    }
  }

  _detach(room) {
    for (const connection of [this.current, this.pending]) {
      connection?.detach(room);
    }
    if (this.rooms.get(room.id) === room) {
      this.rooms.delete(room.id);
    }
    if (this.pending) {
      this.#promoteIfReady(this.pending);
    }
  }

  _rooms() {
    return [...this.rooms.values()].filter((room) => room.wanted);
  }

  _requestId(kind) {
    this.requests += 1;
    return `${kind}-${this.requests}`;
  }

  _changed() {
    this.emit('status', this.status());
  }

  /**
   * Sends again what a lost connection took but never acknowledged, and what was written
   * while offline: at most `outboxBurst` a second, within the server's rate limit.
   */
  #flushOutbox() {
    let budget = this.options.outboxBurst;
    for (const room of this._rooms()) {
      for (const entry of room.outbox.values()) {
        if (entry.sentOn && entry.sentOn === this.current) {
          continue;
        }
        if (budget === 0) {
          if (!this.outboxTimer) {
            this.outboxTimer = setTimeout(() => {
              this.outboxTimer = null;
              this.#flushOutbox();
            }, 1000);
          }
          return;
        }
        budget -= 1;
        room._trySend(entry);
      }
    }
  }

}

function endpoint(base, path) {
  const url = new URL(path, base);
  if (path === 'ws') {
    url.protocol = (url.protocol === 'https:') ? 'wss:' : 'ws:';
  }
  return url.href;
}
