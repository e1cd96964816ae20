// The body of an async function run in the browser by StompboxClientBrowserIntegrationTests: the
// client module against a fake STOMP.js whose frames the script hands in itself. It returns
// the checks that failed, an empty list when all hold.
const { StompboxClient, compareIds, backoffDelay } = await import('/js/stompbox-client.js');
const failures = [];

const stomps = [];
class FakeClient {
  constructor(config) { Object.assign(this, config); this.subs = new Map(); this.sent = []; this.n = 0; stomps.push(this); this.active = false; }
  activate() { this.active = true; }
  deactivate() { this.active = false; }
  subscribe(destination, callback) { const id = ++this.n; this.subs.set(id, { destination, callback }); return { unsubscribe: () => this.subs.delete(id) }; }
  publish(params) { this.sent.push({ destination: params.destination, body: JSON.parse(params.body) }); }
  deliver(destination, body) { for (const s of [...this.subs.values()]) if (s.destination === destination) s.callback({ body: JSON.stringify(body) }); }
  lastSent(dest) { return [...this.sent].reverse().find((s) => s.destination === dest); }
}
const tick = () => new Promise((r) => setTimeout(r, 0));
const msg = (id, text) => ({ id, roomId: 'r', type: 'message', from: { userId: 'b' }, body: { text } });
const assert = (c, m) => { if (!c) failures.push(m); };

let reasons = [];
const client = new StompboxClient({ url: 'http://x/', token: async ({ reason }) => { reasons.push(reason); return 't'; }, stompjs: { Client: FakeClient }, backoff: { initialMs: 10, maxMs: 20 } });
const statuses = [];
client.on('status', (s) => statuses.push(s.phase));
const room = client.room('r');
const got = [];
room.on('message', (m, { recovered }) => got.push(m.body.text + (recovered ? '*' : '')));
let members;
room.on('members', (m) => members = m);
client.connect();
room.join({ since: '0-0' });
await tick();
const s1 = stomps[0];
assert(s1.brokerURL === 'ws://x/ws', 'ws url ' + s1.brokerURL);
s1.onConnect();
const join = s1.lastSent('/app/rooms/r/join');
assert(join && join.body.since === '0-0', 'join since 0-0');
// live arrives before ACK
s1.deliver('/topic/rooms/r', msg('5-0', 'live5'));
s1.deliver('/user/queue/acks', { requestId: join.body.requestId, type: 'join', ok: true, roomId: 'r', members: [{ userId: 'a' }], memberCount: 1, lastId: '5-0', recovered: [msg('1-0', 'a'), msg('2-0', 'b')], recoveredAll: true, more: true });
assert(got.join() === 'a*,b*', 'recovered then held ' + got);
assert(client.current && client.current.stomp === s1, 'promoted');
const hist = s1.lastSent('/app/rooms/r/history');
assert(hist && hist.body.since === '2-0', 'history since 2-0');
s1.deliver('/topic/rooms/r', msg('6-0', 'live6'));
s1.deliver('/user/queue/acks', { requestId: hist.body.requestId, type: 'history', ok: true, roomId: 'r', messages: [msg('3-0', 'c'), msg('5-0', 'live5')], more: false, complete: true });
assert(got.join() === 'a*,b*,c*,live5*,live6', 'pages then held, deduped ' + got);
assert(room.recovering === false, 'not recovering');
// send while online
const sending = room.send({ text: 'hi' });
const sent = s1.lastSent('/app/rooms/r/messages');
assert(sent.body.clientMsgId === sending.clientMsgId && sent.body.requestId, 'send payload');
// presence
s1.deliver('/topic/rooms/r/presence', { type: 'join', roomId: 'r', userId: 'b', name: 'B', count: 2 });
assert(members.memberCount === 2 && members.members.length === 2, 'presence join');
// rebalance notice: make-before-break
s1.deliver('/user/queue/system', { type: 'reconnect', reason: 'rebalance', retryAfterMs: 500 });
await new Promise((r) => setTimeout(r, 5));
await tick();
assert(stomps.length === 2 && reasons.at(-1) === 'rebalance', 'new connection for rebalance, reasons ' + reasons);
const s2 = stomps[1];
s2.onConnect();
const join2 = s2.lastSent('/app/rooms/r/join');
assert(join2.body.since === '6-0', 'rejoin since last id ' + join2.body.since);
assert(client.current.stomp === s1 && s1.active, 'old still current until join ack');
// old still delivering
s1.deliver('/topic/rooms/r', msg('7-0', 'live7'));
s2.deliver('/topic/rooms/r', msg('7-0', 'live7'));
s2.deliver('/user/queue/acks', { requestId: join2.body.requestId, type: 'join', ok: true, roomId: 'r', members: [{ userId: 'a' }, { userId: 'b' }], memberCount: 2, lastId: '7-0', recovered: [msg('7-0', 'live7')], recoveredAll: true, more: false });
assert(client.current.stomp === s2 && !s1.active, 'switched, old closed');
assert(got.join() === 'a*,b*,c*,live5*,live6,live7', 'no dup ' + got);
// unacked send re-sent on s2
const resent = s2.lastSent('/app/rooms/r/messages');
assert(resent && resent.body.clientMsgId === sending.clientMsgId, 'unacked send re-sent');
s2.deliver('/user/queue/acks', { requestId: resent.body.requestId, type: 'send', ok: true, id: '8-0' });
const ack = await sending.ack;
assert(ack.id === '8-0', 'ack resolves');
assert(client.breaks === 0, 'no breaks');
// drop: reconnect with backoff
s2.onWebSocketClose({ code: 1006 });
assert(client.breaks === 1 && client.status().phase === 'waiting', 'waiting after drop');
await new Promise((r) => setTimeout(r, 30));
assert(stomps.length === 3 && reasons.at(-1) === 'reconnect', 'reconnected ' + reasons);
// unauthorized
const s3 = stomps[2];
const errors = [];
client.on('error', (e) => errors.push(e.error));
s3.onStompError({ headers: { message: 'unauthorized' }, body: '' });
s3.onWebSocketClose({ code: 1008 });
await new Promise((r) => setTimeout(r, 30));
assert(errors.includes('unauthorized') && reasons.at(-1) === 'unauthorized', 'unauthorized then new token ' + reasons);
const s4 = stomps[3];
s4.onConnect();
const join4 = s4.lastSent('/app/rooms/r/join');
assert(join4.body.since === '7-0', 'since after drop');
s4.deliver('/user/queue/acks', { requestId: join4.body.requestId, type: 'join', ok: false, error: 'forbidden', message: 'no' });
assert(client.current && client.current.stomp === s4, 'promoted after refusal');
assert(room.refused === 'forbidden', 'refused');
assert(compareIds('10-0', '9-5') > 0 && compareIds('9-10', '9-9') > 0, 'compareIds');
for (let i = 0; i < 100; i++) { const d = backoffDelay(3); if (d < 2000 || d > 4000) assert(false, 'backoff ' + d); }
client.disconnect();
assert(client.status().phase === 'idle' && !s4.active, 'disconnected');

// Over SockJS, at the page's address; a transport switch opens the next connection first.
let sockUrl = null;
class FakeSockJS { constructor(url) { sockUrl = url; } }
const other = new StompboxClient({ url: 'https://x/app/?room=r', transport: 'sockjs', token: () => 't',
  stompjs: { Client: FakeClient }, SockJS: FakeSockJS });
other.connect();
await tick();
const s5 = stomps.at(-1);
s5.webSocketFactory();
assert(sockUrl === 'https://x/app/sockjs', 'sockjs url ' + sockUrl);
s5.onConnect();
assert(other.current && other.current.stomp === s5, 'no rooms: in at once');
other.setTransport('websocket');
await tick();
const s6 = stomps.at(-1);
assert(s6.brokerURL === 'wss://x/app/ws' && other.status().switching, 'switching to ' + s6.brokerURL);
s6.onConnect();
assert(other.current.stomp === s6 && !s5.active && other.breaks === 0, 'switched make-before-break');
other.disconnect();

// The WebJar's ES-module build of STOMP.js loads too, for pages that pass it as `stompjs`.
const esm = await import('/webjars/stomp__stompjs/esm6/index.js');
assert(typeof esm.Client === 'function', 'STOMP.js as an ES module from the WebJar');
assert([...new Set(statuses)].join() === 'connecting,joining,connected,waiting,idle', 'status phases ' + [...new Set(statuses)]);
return failures;
