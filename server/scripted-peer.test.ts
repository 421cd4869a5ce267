import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuidedSession } from "../lib/xmpp/guided-session";
import { registerDisposableAccount, removeAccount } from "../lib/xmpp/in-band-registration";
import { buildLessonVariables, type LessonVariables } from "../lib/lessons/variables";
import { TEST_SERVER } from "../scripts/lib/instances";
import { learnerWaits } from "../test/helpers";
import { createHash } from "node:crypto";
import { capsVerificationString } from "../lib/xmpp/caps";
import { PEER_CAPS_NODE, PEER_CAPS_VER, startScriptedPeer, type ScriptedPeer } from "./scripted-peer";

// Integration: a learner's session and the scripted peer on the real ejabberd (test/vitest-global-setup.ts).
const plain = { host: TEST_SERVER.host, port: TEST_SERVER.ports.plain };
const accountServer = { server: plain, domain: TEST_SERVER.domain, transport: "plain" as const };

let peer: ScriptedPeer;
let learner: GuidedSession;
let credentials: { username: string; password: string };
let vars: LessonVariables;
const peerLog: string[] = [];

const { expectTranscript, send } = learnerWaits(
  () => learner,
  () => vars,
);

beforeAll(async () => {
  peer = await startScriptedPeer({ server: plain, domain: TEST_SERVER.domain, log: (line) => peerLog.push(line) });
  credentials = await registerDisposableAccount({ ...accountServer, prefix: "learner" });
  learner = new GuidedSession({ server: plain, transport: "plain", domain: TEST_SERVER.domain, ...credentials, mechanism: "PLAIN", initialPresence: true, resource: "web" });
  await learner.connect();
  vars = buildLessonVariables({ ...credentials, domain: TEST_SERVER.domain, peer: peer.jid });
});

afterAll(async () => {
  await learner?.close();
  if (credentials) await removeAccount({ ...accountServer, ...credentials });
  await peer?.stop();
});

describe("the scripted peer against ejabberd", () => {
  it("approves a subscription request and asks back (RFC 6121 §3.1)", async () => {
    const from = await send(`<presence to='${peer.jid}' type='subscribe'/>`);
    await expectTranscript(
      [
        { dir: "in", stanza: "presence", type: "subscribed", from: "{{peer}}" },
        { dir: "in", stanza: "presence", type: "subscribe", from: "{{peer}}" },
      ],
      from,
      "the peer's subscribed and subscribe",
    );
  });

  it("answers directed presence with its own, once (RFC 6121 §4.6)", async () => {
    const from = await send(`<presence to='${peer.fullJid}'><status>around?</status></presence>`);
    await expectTranscript([{ dir: "in", stanza: "presence", from: peer.fullJid, to: "{{me}}", has: [{ path: "status", text: "Scripted peer: here." }] }], from, "the peer's presence");
    const again = await send(`<presence to='${peer.fullJid}'><status>still around?</status></presence><iq type='get' id='after-again' to='${peer.fullJid}'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await expectTranscript([{ name: "ping", dir: "out", stanza: "iq", attrs: { id: "after-again" } }, { dir: "in", stanza: "iq", answers: "ping" }], again, "the ping after the second presence");
    expect(learner.transcript.since(again).filter((entry) => entry.dir === "in" && entry.kind === "presence")).toEqual([]);
  });

  it("announces caps whose ver hashes its disco#info, and reports a contact's mood event (XEP-0115 §5.1, XEP-0163 §4)", async () => {
    // The first test subscribed to the peer and the peer asked back: approving makes it a contact that gets PEP events.
    const node = `${PEER_CAPS_NODE}#${PEER_CAPS_VER}`;
    const from = await send(`<presence to='${peer.jid}' type='subscribed'/><iq type='get' id='caps1' to='${peer.fullJid}'><query xmlns='http://jabber.org/protocol/disco#info' node='${node}'/></iq>`);
    await expectTranscript(
      [
        { name: "ask", dir: "out", stanza: "iq", attrs: { id: "caps1" } },
        { dir: "in", stanza: "iq", type: "result", answers: "ask", has: [{ path: "query", attrs: { node } }, { path: "query/feature", attrs: { var: "urn:xmpp:mood:0+notify" } }] },
      ],
      from,
      "the answer for the caps node",
    );
    const presence = learner.transcript.since(0).find((entry) => entry.dir === "in" && entry.kind === "presence" && entry.raw.includes("http://jabber.org/protocol/caps"));
    expect(presence?.raw).toContain(`ver='${PEER_CAPS_VER}'`);
    const answer = learner.transcript.since(from).find((entry) => entry.dir === "in" && entry.attrs?.id === "caps1")!.raw;
    const identities = [...answer.matchAll(/<identity ([^>]*)\/>/g)].map(([, attrs]) => Object.fromEntries([...attrs!.matchAll(/(\w+)='([^']*)'/g)].map(([, name, value]) => [name!, value!])));
    const features = [...answer.matchAll(/<feature var='([^']*)'\/>/g)].map(([, feature]) => feature!);
    const text = capsVerificationString(identities.map((identity) => ({ category: identity.category!, type: identity.type!, name: identity.name })), features);
    expect(createHash("sha1").update(text, "utf8").digest("base64")).toBe(PEER_CAPS_VER);

    const published = await send(`<iq type='set' id='mood1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:xmpp:mood:0'><item><mood xmlns='urn:xmpp:mood:0'><happy/><text>testing</text></mood></item></publish></pubsub></iq>`);
    await expectTranscript([{ dir: "in", stanza: "message", type: "headline", from: "{{peer}}", has: [{ path: "body", text: 'peer: your urn:xmpp:mood:0 event reached me: happy "testing"' }] }], published, "the peer's report of the mood event");
  });

  it("echoes a chat message with the same type and thread, and ignores headlines", async () => {
    const from = await send(`<message to='${peer.jid}' type='chat' id='c1'><body>hi there</body><thread>t-42</thread></message><message to='${peer.jid}' type='headline'><body>news</body></message>`);
    await expectTranscript([{ dir: "in", stanza: "message", type: "chat", from: "{{peer}}", has: [{ path: "body", text: "echo: hi there" }, { path: "thread", text: "t-42" }] }], from, "the echo");
    const echoes = learner.transcript.since(from).filter((entry) => entry.dir === "in" && entry.kind === "message");
    expect(echoes.some((entry) => entry.raw.includes("echo: news"))).toBe(false);
  });

  it("returns a receipt naming the id of a message that asked for one, and none without an id (XEP-0184 §7)", async () => {
    const from = await send(
      `<message to='${peer.jid}' type='chat'><body>no id</body><request xmlns='urn:xmpp:receipts'/></message>` +
        `<message to='${peer.jid}' type='chat' id='r-7'><body>with id</body><request xmlns='urn:xmpp:receipts'/></message>`,
    );
    await expectTranscript(
      [
        { dir: "in", stanza: "message", from: "{{peer}}", has: [{ path: "received", xmlns: "urn:xmpp:receipts", attrs: { id: "r-7" } }] },
        { dir: "in", stanza: "message", type: "chat", from: "{{peer}}", has: [{ path: "body", text: "echo: with id" }] },
      ],
      from,
      "the receipt and the echo",
    );
    const receipts = learner.transcript.since(from).filter((entry) => entry.dir === "in" && entry.raw.includes("urn:xmpp:receipts"));
    expect(receipts).toHaveLength(1);
  });

  it("sends chat states only to a sender that used them: composing, then the echo marked active (XEP-0085 §5.1)", async () => {
    const plainFrom = await send(`<message to='${peer.jid}' type='chat' id='s-1'><body>no states</body></message>`);
    await expectTranscript([{ dir: "in", stanza: "message", type: "chat", from: "{{peer}}", has: [{ path: "body", text: "echo: no states" }] }], plainFrom, "the plain echo");
    expect(learner.transcript.since(plainFrom).some((entry) => entry.dir === "in" && entry.raw.includes("chatstates"))).toBe(false);

    const from = await send(`<message to='${peer.jid}' type='chat' id='s-2'><body>typing?</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>`);
    await expectTranscript(
      [
        { name: "composing", dir: "in", stanza: "message", from: "{{peer}}", has: [{ path: "composing", xmlns: "http://jabber.org/protocol/chatstates" }] },
        { dir: "in", stanza: "message", type: "chat", from: "{{peer}}", after: "composing", has: [{ path: "body", text: "echo: typing?" }, { path: "active", xmlns: "http://jabber.org/protocol/chatstates" }] },
      ],
      from,
      "composing, then the echo with active",
    );
  });

  it("answers ping, version and disco#info at its full JID, and service-unavailable to others", async () => {
    const from = await send(
      `<iq type='get' id='p1' to='${peer.fullJid}'><ping xmlns='urn:xmpp:ping'/></iq>` +
        `<iq type='get' id='v1' to='${peer.fullJid}'><query xmlns='jabber:iq:version'/></iq>` +
        `<iq type='get' id='d1' to='${peer.fullJid}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>` +
        `<iq type='get' id='x1' to='${peer.fullJid}'><query xmlns='jabber:iq:last'/></iq>`,
    );
    await expectTranscript(
      [
        { name: "ping", dir: "out", stanza: "iq", attrs: { id: "p1" } },
        { dir: "in", stanza: "iq", type: "result", answers: "ping" },
        { name: "version", dir: "out", stanza: "iq", attrs: { id: "v1" } },
        { dir: "in", stanza: "iq", type: "result", answers: "version", has: [{ path: "query/name", contains: "scripted peer" }] },
        { name: "info", dir: "out", stanza: "iq", attrs: { id: "d1" } },
        {
          dir: "in",
          stanza: "iq",
          type: "result",
          answers: "info",
          has: [
            { path: "query/feature", attrs: { var: "jabber:x:conference" } },
            { path: "query/feature", attrs: { var: "urn:xmpp:receipts" } },
            { path: "query/feature", attrs: { var: "http://jabber.org/protocol/chatstates" } },
          ],
        },
        { name: "other", dir: "out", stanza: "iq", attrs: { id: "x1" } },
        { dir: "in", stanza: "iq", answers: "other", error: { condition: "service-unavailable", type: "cancel" } },
      ],
      from,
      "the peer's iq answers",
    );
  });

  it("waits in a room of its own making when asked (peerInRoom), where a newcomer finds it and its hello", async () => {
    const room = `waiting-${Date.now().toString(36)}@${vars.muc}`;
    await peer.enterRoom(room);
    expect(peerLog).toContain(`said hello in ${room}`);
    const entered = await send(`<presence to='${room}/${vars.nick}'><x xmlns='http://jabber.org/protocol/muc'/></presence>`);
    // XEP-0045 §7.2.2: the occupants already there first, then our self-presence; the hello comes as history.
    await expectTranscript(
      [
        { name: "peer", dir: "in", stanza: "presence", from: `${room}/peer`, has: [{ path: "x/item", xmlns: "http://jabber.org/protocol/muc#user", attrs: { affiliation: "owner", role: "moderator" } }] },
        { dir: "in", stanza: "presence", from: `${room}/{{nick}}`, after: "peer", has: [{ path: "x/status", attrs: { code: "110" } }] },
        { dir: "in", stanza: "message", type: "groupchat", from: `${room}/peer`, has: [{ path: "delay", xmlns: "urn:xmpp:delay" }, { path: "body", contains: "Hello, I am peer" }] },
      ],
      entered,
      "the peer's occupant presence, our self-presence and the peer's hello from the history",
    );
    const left = await send(`<presence to='${room}/${vars.nick}' type='unavailable'/>`);
    await expectTranscript([{ dir: "in", stanza: "presence", type: "unavailable", from: `${room}/{{nick}}` }], left, "our exit from the room");
  });

  it("joins a room on a direct invitation, says hello, answers a mention, and leaves when stopped", async () => {
    const room = vars.room;
    const entered = await send(`<presence to='${room}/${vars.nick}'><x xmlns='http://jabber.org/protocol/muc'/></presence>`);
    await expectTranscript([{ dir: "in", stanza: "presence", from: `${room}/{{nick}}`, has: [{ path: "x/status", attrs: { code: "110" } }] }], entered, "our own occupant presence");
    // XEP-0045 §10.1.2: accept the default configuration, in case the new room is locked.
    const configured = await send(`<iq type='set' id='cfg1' to='${room}'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'/></query></iq>`);
    await expectTranscript([{ name: "cfg", dir: "out", stanza: "iq", attrs: { id: "cfg1" } }, { dir: "in", stanza: "iq", answers: "cfg" }], configured, "the room configuration answer");

    const invited = await send(`<message to='${peer.jid}'><x xmlns='jabber:x:conference' jid='${room}'/></message>`);
    await expectTranscript(
      [
        { dir: "in", stanza: "presence", from: `${room}/peer` },
        { dir: "in", stanza: "message", type: "groupchat", from: `${room}/peer`, has: [{ path: "body", contains: "Hello" }] },
      ],
      invited,
      "the peer's join and hello",
    );

    const mentioned = await send(`<message to='${room}' type='groupchat'><body>hello peer, are you there?</body></message><message to='${room}' type='groupchat'><body>nobody named here</body></message>`);
    await expectTranscript([{ dir: "in", stanza: "message", type: "groupchat", from: `${room}/peer`, has: [{ path: "body", text: `${vars.nick}: echo: hello peer, are you there?` }] }], mentioned, "the peer's answer to a mention");
    const answers = learner.transcript.since(mentioned).filter((entry) => entry.dir === "in" && entry.raw.includes("echo: nobody"));
    expect(answers).toEqual([]);

    const present = await send(`<iq type='get' id='here1' to='${peer.jid}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    await expectTranscript([{ name: "ask", dir: "out", stanza: "iq", attrs: { id: "here1" } }, { dir: "in", stanza: "iq", type: "result", answers: "ask" }], present, "the server answering for the peer's account");

    const stopped = learner.transcript.lastSeq;
    await peer.stop();
    await expectTranscript([{ dir: "in", stanza: "presence", type: "unavailable", from: `${room}/peer` }], stopped, "the peer leaving the room");
    // XEP-0077 §3.2: the account is gone, so its server no longer answers for it (RFC 6121 §8.5.1 for the bare JID).
    const asked = await send(`<iq type='get' id='gone1' to='${peer.jid}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`);
    await expectTranscript([{ name: "ask", dir: "out", stanza: "iq", attrs: { id: "gone1" } }, { dir: "in", stanza: "iq", type: "error", answers: "ask" }], asked, "an error for the removed account");
    expect(peerLog).toContain("stopped and removed");
  });
});
