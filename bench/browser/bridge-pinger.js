// Loaded into a bench page as a plain script (not transpiled: Playwright serializes
// functions, and the TypeScript loader's helpers would not exist in the page).
// It speaks the bridge protocol by hand over the page's own WebSocket.
// `available`: say so with presence (RFC 6121 §4.2), so chat to the bare JID reaches this session.
window.benchLogin = async function benchLogin(available = false) {
  // A page served from elsewhere (bench/free-chromium.ts) names the app's bridge.
  const socket = new WebSocket(window.benchBridgeUrl || `ws://${location.host}/bridge`);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let sessionId = "";
  let waiting = null;
  let markOnline = () => undefined;
  const online = new Promise((resolve) => (markOnline = resolve));
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    if (message.op === "opened") sessionId = message.sessionId;
    else if (message.op === "state" && message.state === "online") {
      window.benchJid = message.jid;
      markOnline();
    } else if (message.op === "entries") countArrivals(message.entries);
    if (message.op === "entries" && waiting) {
      for (const entry of message.entries) {
        if (entry.dir === "in" && entry.attrs && entry.attrs.id === waiting.id) {
          const { started, resolve } = waiting;
          waiting = null;
          resolve(performance.now() - started);
          break;
        }
      }
    }
  };
  socket.send(JSON.stringify({ op: "open", ref: "open", mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: available, account: { kind: "existing", jid: "alice@localhost", password: "alice" } }));
  await online;
  window.benchPing = (id) =>
    new Promise((resolve) => {
      waiting = { id, started: performance.now(), resolve };
      socket.send(JSON.stringify({ op: "send", ref: id, sessionId, xml: `<iq type='get' id='${id}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>` }));
    });
};

window.benchBatch = async function benchBatch(prefix, count) {
  const samples = [];
  for (let i = 0; i < count; i++) samples.push(await window.benchPing(`${prefix}${i}`));
  return samples;
};

// The browser's own floor: a WebSocket round trip to an echo server, nothing else.
window.benchEcho = async function benchEcho(url, count) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  const samples = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await new Promise((resolve) => {
      socket.onmessage = resolve;
      socket.send(`ping ${i}`);
    });
    samples.push(performance.now() - started);
  }
  socket.close();
  return samples;
};

// Through bench/bare-relay.ts: XMPP spoken by hand over a relay that only copies bytes, to
// tell the bridge's own work from what any process between page and server costs.
window.benchRelayLogin = async function benchRelayLogin(url) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let buffer = "";
  let waiter = null;
  socket.onmessage = (event) => {
    buffer += String(event.data);
    if (waiter && waiter.test(buffer)) {
      const { resolve } = waiter;
      waiter = null;
      resolve();
    }
  };
  const until = (test) =>
    new Promise((resolve) => {
      if (test(buffer)) resolve();
      else waiter = { test, resolve };
    });
  const exchange = async (xml, test) => {
    buffer = "";
    socket.send(xml);
    await until(test);
  };
  const header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
  await exchange(header, (text) => text.includes("</stream:features>"));
  await exchange(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${btoa("\0alice\0alice")}</auth>`, (text) => /<(success|failure)\b/.test(text));
  if (!buffer.includes("<success")) throw new Error(`the relay's login failed: ${buffer}`);
  await exchange(header, (text) => text.includes("</stream:features>"));
  await exchange("<iq type='set' id='relay-bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>", (text) => text.includes("</jid>"));
  window.benchRelayPing = async (id) => {
    const started = performance.now();
    await exchange(`<iq type='get' id='${id}' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`, (text) => text.includes(`'${id}'`) || text.includes(`"${id}"`));
    return performance.now() - started;
  };
};

window.benchRelayBatch = async function benchRelayBatch(prefix, count) {
  const samples = [];
  for (let i = 0; i < count; i++) samples.push(await window.benchRelayPing(`${prefix}${i}`));
  return samples;
};

// What the stalled-tab case reads: chat messages received, and when (performance.now()) the
// entry with a watched id arrived.
window.benchMessagesIn = 0;
window.benchArrivedAt = {};
function countArrivals(entries) {
  for (const entry of entries) {
    if (entry.dir !== "in") continue;
    if (entry.kind === "message") window.benchMessagesIn++;
    const id = entry.attrs && entry.attrs.id;
    if (id !== undefined && id in window.benchArrivedAt && window.benchArrivedAt[id] === null) window.benchArrivedAt[id] = performance.now();
  }
}
window.benchWatch = function benchWatch(id) {
  window.benchArrivedAt[id] = null;
};

// Holds the page's main thread, as a debugger's pause does, until `url` answers: a synchronous
// request runs no other task of the page meanwhile. Returns when it was released.
window.benchHold = function benchHold(url) {
  const request = new XMLHttpRequest();
  request.open("GET", url, false);
  request.send();
  return performance.now();
};
