import { createHash } from "node:crypto";
import { client, xml, type Client, type XmlElement as Stanza } from "@xmpp/client";
import { capsVerificationString } from "../lib/xmpp/caps";
import { registerDisposableAccount, removeAccount } from "../lib/xmpp/in-band-registration";
import type { ServerAddress } from "../lib/xmpp/server-address";
import { NS_CAPS, NS_CHATSTATES, NS_CONFERENCE, NS_DELAY, NS_DISCO_INFO, NS_MOOD, NS_MUC, NS_MUC_OWNER, NS_MUC_USER, NS_NICK, NS_PING, NS_PUBSUB_EVENT, NS_RECEIPTS, NS_VERSION } from "../lib/xml/namespaces";

/**
 * The other side of a lesson (lessons/README.md, "The scripted peer"): a disposable account
 * the server drives, so a learner alone can practise subscriptions, chat and rooms. It only
 * ever reacts to what it is sent, and cleans up after itself.
 */

export interface ScriptedPeerOptions {
  /** The server's plaintext c2s listener on loopback, or its STARTTLS listener elsewhere (server/config.ts). */
  server: ServerAddress;
  domain: string;
  /** Default plain: on loopback the peer's own traffic needs no TLS. */
  transport?: "plain" | "starttls";
  /** Nickname in rooms; lessons tell learners to mention it. */
  nick?: string;
  /** Where to report what the peer did, for authors and tests. */
  log?: (line: string) => void;
}

export interface ScriptedPeer {
  /** The peer's bare JID: {{peer}}. */
  jid: string;
  /** The connected resource, for stanzas that need a full JID (XEP-0199 §4.4 pings). */
  fullJid: string;
  /**
   * Enters `room` as if invited (creating it when nobody is there) and resolves once the
   * room has reflected the peer's hello, so a newcomer finds the peer there and its hello in
   * the history: a lesson that starts in a room someone is already in (lessons/README.md,
   * `peerInRoom`).
   */
  enterRoom(room: string, timeoutMs?: number): Promise<void>;
  /** Sends `to` a chat message with this body, unasked (the stream management lesson's message during a lost connection). */
  say(to: string, body: string): Promise<void>;
  stop(): Promise<void>;
}

const RESOURCE = "scripted";
const STATUS = "Scripted peer: I answer messages, subscriptions and room invitations.";
/** XEP-0085 §2: the five chat states. */
const CHAT_STATES = ["active", "composing", "paused", "inactive", "gone"] as const;
/** XEP-0115 §4: the node names the software; `ver` is the hash of what it can do (§5.1). */
export const PEER_CAPS_NODE = "https://xmpp-playground.invalid/scripted-peer";
const IDENTITY = { category: "client", type: "bot", name: "Scripted peer" };
/**
 * XEP-0184 §6 and XEP-0085 §4: receipts and chat states are advertised, so a sender may use
 * them. XEP-0163 §4.2: "+notify" asks for the events of the mood and nickname nodes of the
 * peer's contacts, which their servers send it from then on.
 */
const FEATURES = [NS_DISCO_INFO, NS_CAPS, NS_PING, NS_VERSION, NS_CONFERENCE, NS_RECEIPTS, NS_CHATSTATES, `${NS_MOOD}+notify`, `${NS_NICK}+notify`];
export const PEER_CAPS_VER = createHash("sha1").update(capsVerificationString([IDENTITY], FEATURES), "utf8").digest("base64");
/** A learner needs a room or two; the cap keeps a runaway script from parking the peer in hundreds. */
const MAX_ROOMS = 10;

export async function startScriptedPeer(options: ScriptedPeerOptions): Promise<ScriptedPeer> {
  const nick = options.nick ?? "peer";
  const log = options.log ?? (() => undefined);
  const account = { server: options.server, domain: options.domain, transport: options.transport ?? "plain" };
  const { username, password } = await registerDisposableAccount({ ...account, prefix: "peer" });
  const bare = `${username}@${options.domain}`;
  const host = options.server.host.includes(":") ? `[${options.server.host}]` : options.server.host;
  const entity = client({
    service: `xmpp://${host}:${options.server.port}`,
    domain: options.domain,
    resource: RESOURCE,
    credentials: (authenticate) => authenticate({ username, password }, "PLAIN"),
  });
  entity.reconnect.stop();
  entity.on("error", (error: unknown) => log(`error: ${error instanceof Error ? error.message : String(error)}`));
  const rooms = new Set<string>();
  const greeted = new Set<string>();
  const answered = new Set<string>();
  const entered = new Map<string, () => void>();
  answerQueries(entity);
  entity.on("stanza", (stanza: Stanza) => {
    void react(entity, stanza, { nick, self: bare, rooms, greeted, answered, entered, log }).catch((error: unknown) => log(`could not answer: ${String(error)}`));
  });

  try {
    await entity.start();
    // RFC 6121 §4.2: available, so messages to the bare JID reach this resource.
    await entity.send(xml("presence", null, xml("status", null, STATUS), capsElement()));
  } catch (error) {
    await entity.stop().catch(() => undefined);
    await removeAccount({ ...account, username, password }).catch(() => undefined);
    throw new Error(`the scripted peer could not log in: ${error instanceof Error ? error.message : String(error)}`);
  }
  log(`online as ${bare}/${RESOURCE}`);

  let stopping: Promise<void> | undefined;
  return {
    jid: bare,
    fullJid: `${bare}/${RESOURCE}`,
    async say(to, body) {
      await entity.send(xml("message", { to, type: "chat" }, xml("body", null, body)));
    },
    async enterRoom(room, timeoutMs = 10_000) {
      const bareRoom = room.split("/")[0]!;
      const greetedNow = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the scripted peer did not get into ${bareRoom} within ${timeoutMs / 1000} s`)), timeoutMs);
        entered.set(bareRoom, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      // Handled here too, so a join that throws first leaves no unhandled rejection behind.
      greetedNow.catch(() => undefined);
      await joinRoom(entity, bareRoom, { nick, self: bare, rooms, greeted, answered, entered, log });
      await greetedNow.finally(() => entered.delete(bareRoom));
    },
    stop() {
      stopping ??= (async () => {
        // XEP-0045 §7.14: leave each room with unavailable presence to the occupant JID.
        for (const room of rooms) await entity.send(xml("presence", { to: `${room}/${nick}`, type: "unavailable" })).catch(() => undefined);
        await entity.stop().catch(() => undefined);
        await removeAccount({ ...account, username, password });
        log("stopped and removed");
      })();
      return stopping;
    },
  };
}

/** XEP-0115 §4: every presence the peer broadcasts says what it can do. */
function capsElement(): Stanza {
  return xml("c", { xmlns: NS_CAPS, hash: "sha-1", node: PEER_CAPS_NODE, ver: PEER_CAPS_VER });
}

/** XEP-0199, XEP-0092 and XEP-0030 to the full JID; @xmpp/client answers any other query with service-unavailable (RFC 6120 §8.3.3.19). */
function answerQueries(entity: Client): void {
  entity.iqCallee.get(NS_PING, "ping", () => true);
  entity.iqCallee.get(NS_VERSION, "query", () => xml("query", { xmlns: NS_VERSION }, xml("name", null, "XMPP Playground scripted peer"), xml("version", null, "1.0")));
  entity.iqCallee.get(NS_DISCO_INFO, "query", (context: { stanza: Stanza }) => {
    // XEP-0115 §6.2: a query for "node#ver" gets the same answer, naming that node back.
    const node = context.stanza.getChild("query", NS_DISCO_INFO)?.attrs.node;
    return xml(
      "query",
      { xmlns: NS_DISCO_INFO, ...(node === `${PEER_CAPS_NODE}#${PEER_CAPS_VER}` ? { node } : {}) },
      xml("identity", IDENTITY),
      ...FEATURES.map((feature) => xml("feature", { var: feature })),
    );
  });
}

interface PeerState {
  nick: string;
  /** The peer's own bare JID: its own presence comes back to it and needs no answer. */
  self: string;
  rooms: Set<string>;
  /** Rooms the peer has said hello in, once each. */
  greeted: Set<string>;
  /** Full JIDs whose available presence the peer has answered with its own. */
  answered: Set<string>;
  /** Rooms someone waits for the peer to be in (enterRoom), called once the room reflected its hello. */
  entered: Map<string, () => void>;
  log: (line: string) => void;
}

async function react(entity: Client, stanza: Stanza, state: PeerState): Promise<void> {
  const from = stanza.attrs.from;
  if (from === undefined) return;
  if (stanza.name === "presence") return reactToPresence(entity, stanza, from, state);
  if (stanza.name !== "message" || stanza.attrs.type === "error") return;

  const event = stanza.getChild("event", NS_PUBSUB_EVENT);
  if (event !== undefined) return reportEvent(entity, event, from, state);
  const invitation = stanza.getChild("x", NS_CONFERENCE);
  const room = invitation?.attrs.jid;
  if (room !== undefined) return joinRoom(entity, room, state);

  const type = stanza.attrs.type ?? "normal";
  if (type !== "groupchat") await sendReceipt(entity, stanza, from, state);
  const body = stanza.getChildText("body");
  if (body === null || body.trim() === "") return;
  // The room reflected our own message (XEP-0045 §7.4): it is in the room's history now, so whoever waits for us there may go on.
  if (type === "groupchat" && from.split("/").slice(1).join("/") === state.nick) state.entered.get(from.split("/")[0]!)?.();
  if (type === "groupchat") return answerInRoom(entity, stanza, from, body, state);
  // RFC 6121 §5.2.2: a headline expects no reply.
  if (type === "headline") return;
  const thread = stanza.getChildText("thread");
  // XEP-0085 §5.1: chat states only to someone who sent one; then "composing" while the answer is written, and "active" with it (§5.3).
  const states = CHAT_STATES.some((name) => stanza.getChild(name, NS_CHATSTATES) !== undefined);
  if (states) await entity.send(xml("message", { to: from, type: stanza.attrs.type }, xml("composing", { xmlns: NS_CHATSTATES })));
  // RFC 6121 §5.2.5: a reply carries the same thread.
  const extras = [...(thread === null ? [] : [xml("thread", null, thread)]), ...(states ? [xml("active", { xmlns: NS_CHATSTATES })] : [])];
  await entity.send(xml("message", { to: from, type: stanza.attrs.type }, xml("body", null, `echo: ${body}`), ...extras));
  state.log(`echoed ${type} message from ${from}`);
}

/**
 * XEP-0184 §7: a receipt for a message that asked for one, naming its id. A request without
 * an id cannot be answered (there is nothing to name), and a receipt never asks for another.
 * §8 warns that receipts reveal presence; the peer echoes everyone anyway, so it answers all.
 */
async function sendReceipt(entity: Client, stanza: Stanza, from: string, state: PeerState): Promise<void> {
  const id = stanza.attrs.id;
  if (stanza.getChild("request", NS_RECEIPTS) === undefined || id === undefined || id === "") return;
  // §7: the same type as the message asked, as good practice.
  await entity.send(xml("message", { to: from, id: `receipt-${id}`, ...(stanza.attrs.type ? { type: stanza.attrs.type } : {}) }, xml("received", { xmlns: NS_RECEIPTS, id })));
  state.log(`sent a receipt for ${id} to ${from}`);
}

/**
 * XEP-0163 §4: a contact's PEP event, sent because the peer's caps say "+notify" for its
 * node. The peer tells the publisher what arrived, in a headline (RFC 6121 §5.2.2: no reply
 * expected), so a lesson can show that the event got through. Only the first item is reported.
 */
async function reportEvent(entity: Client, event: Stanza, from: string, state: PeerState): Promise<void> {
  const items = event.getChild("items");
  const item = items?.getChild("item");
  const node = items?.attrs.node;
  if (node === undefined || item === undefined) return;
  const payload = item.children.find((child): child is Stanza => typeof child !== "string");
  const mood = payload?.attrs.xmlns === NS_MOOD ? payload.children.find((child): child is Stanza => typeof child !== "string" && child.name !== "text")?.name : undefined;
  const text = payload?.getChildText("text") ?? payload?.text() ?? "";
  const said = [mood, text.trim() === "" ? undefined : `"${text.trim()}"`].filter(Boolean).join(" ");
  const bareFrom = from.split("/")[0]!;
  await entity.send(xml("message", { to: bareFrom, type: "headline" }, xml("body", null, `peer: your ${node} event reached me: ${said === "" ? "(empty)" : said}`)));
  state.log(`reported a ${node} event from ${bareFrom}`);
}

async function reactToPresence(entity: Client, stanza: Stanza, from: string, state: PeerState): Promise<void> {
  const bareFrom = from.split("/")[0]!;
  if (stanza.attrs.type === "subscribe") {
    // RFC 6121 §3.1.5: approve, then §3.1.1: ask for theirs in return.
    await entity.send(xml("presence", { to: bareFrom, type: "subscribed" }));
    await entity.send(xml("presence", { to: bareFrom, type: "subscribe" }));
    state.log(`approved and asked ${bareFrom}`);
    return;
  }
  if (stanza.attrs.type === "subscribed" && bareFrom !== state.self) {
    // A contact now lets the peer see its presence. ejabberd 23.01 keeps a contact's caps only
    // from presence that arrives once that contact is subscribed to you (its mod_caps), so the
    // presence the learner got earlier does not count for PEP: broadcast it again (RFC 6121
    // §4.4), with the caps whose "+notify" tells that server to send events (XEP-0163 §4.2).
    await entity.send(xml("presence", null, xml("status", null, STATUS), capsElement()));
    state.log(`presence again, with caps, for ${bareFrom}`);
    return;
  }
  if (state.rooms.has(bareFrom)) return reactToOccupant(entity, stanza, bareFrom, state);
  if (bareFrom === state.self) return;
  // RFC 6121 §4.6: answer directed presence with our own, once per resource while it stays available.
  if (stanza.attrs.type === "unavailable") state.answered.delete(from);
  else if (stanza.attrs.type === undefined && !state.answered.has(from)) {
    state.answered.add(from);
    await entity.send(xml("presence", { to: from }, xml("status", null, "Scripted peer: here."), capsElement()));
    state.log(`answered the presence of ${from}`);
  }
}

async function reactToOccupant(entity: Client, stanza: Stanza, bareFrom: string, state: PeerState): Promise<void> {
  // Our own occupant presence in a room we just created (XEP-0045 §10.1.2, status 201): accept the default configuration.
  const user = stanza.getChild("x", NS_MUC_USER);
  const statuses = user?.getChildren("status").map((status) => status.attrs.code) ?? [];
  if (statuses.includes("110") && statuses.includes("201")) {
    await entity.send(xml("iq", { to: bareFrom, type: "set", id: `peer-create-${Date.now()}` }, xml("query", { xmlns: NS_MUC_OWNER }, xml("x", { xmlns: "jabber:x:data", type: "submit" }))));
  }
  // Self-presence (status 110, XEP-0045 §7.2.2) means we are in: say hello once.
  if (statuses.includes("110") && stanza.attrs.type !== "unavailable" && !state.greeted.has(bareFrom)) {
    state.greeted.add(bareFrom);
    await entity.send(xml("message", { to: bareFrom, type: "groupchat" }, xml("body", null, `Hello, I am ${state.nick}, the scripted peer. Mention me and I answer.`)));
    state.log(`said hello in ${bareFrom}`);
  }
}

/** XEP-0249 §2: accept a direct invitation by joining as XEP-0045 §7.2.1 describes. */
async function joinRoom(entity: Client, room: string, state: PeerState): Promise<void> {
  const bareRoom = room.split("/")[0]!;
  if (state.rooms.has(bareRoom)) return;
  if (state.rooms.size >= MAX_ROOMS) return state.log(`ignored an invitation to ${bareRoom}: already in ${MAX_ROOMS} rooms`);
  state.rooms.add(bareRoom);
  // <history maxstanzas='0'/> asks XEP-0045's room for no discussion history: the peer answers what is said from now on.
  await entity.send(xml("presence", { to: `${bareRoom}/${state.nick}` }, xml("x", { xmlns: NS_MUC }, xml("history", { maxstanzas: "0" }))));
  state.log(`joining ${bareRoom} as ${state.nick}`);
}

async function answerInRoom(entity: Client, stanza: Stanza, from: string, body: string, state: PeerState): Promise<void> {
  const [room, sender] = [from.split("/")[0]!, from.split("/").slice(1).join("/")];
  if (!state.rooms.has(room) || sender === "" || sender === state.nick) return;
  // Discussion history arrives with a delay stamp (XEP-0203); only live messages get an answer.
  if (stanza.getChild("delay", NS_DELAY)) return;
  if (!new RegExp(`\\b${state.nick}\\b`, "i").test(body)) return;
  await entity.send(xml("message", { to: room, type: "groupchat" }, xml("body", null, `${sender}: echo: ${body}`)));
  state.log(`answered ${sender} in ${room}`);
}
