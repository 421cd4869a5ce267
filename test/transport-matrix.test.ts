/**
 * The transport matrix on two real servers (test/vitest-global-setup.ts starts both): ejabberd
 * and Prosody, every transport each listens on, guided and raw mode (raw is TCP only). Each row:
 * alice logs in and binds through a capture relay of the test's own, bob logs in directly the
 * same way, alice's message reaches bob, both close. Then byte-exactness: alice's exported
 * stream files equal what the relay saw cross, byte for byte, in each direction (inside TLS
 * where the link is encrypted: the relay terminates it).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SessionMode, Transport } from "../lib/bridge/protocol";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { GuidedSession } from "../lib/xmpp/guided-session";
import { RawSession } from "../lib/xmpp/raw-session";
import type { XmppSession } from "../lib/xmpp/session";
import type { Transcript } from "../lib/xmpp/transcript";
import { streamFileChunks } from "../lib/transcript-files/export";
import { TEST_PROSODY, TEST_SERVER, type ServerPorts } from "../scripts/lib/instances";
import { tcpCaptureRelay, websocketCaptureRelay, type CaptureRelay, type RelayTls } from "./capture-relay";
import { waitFor, wireInStreamFile } from "./helpers";

const SERVERS = [
  { name: "ejabberd", instance: TEST_SERVER, websocketPath: "/ws" },
  { name: "prosody", instance: TEST_PROSODY, websocketPath: TEST_PROSODY.websocketPath },
] as const;
type Server = (typeof SERVERS)[number];

const LISTENER: Record<Transport, keyof ServerPorts> = { plain: "plain", starttls: "starttls", tls: "directTls", websocket: "http" };
const RELAY_TLS: Record<Exclude<Transport, "websocket">, RelayTls> = { plain: "none", starttls: "starttls", tls: "direct" };
const TRANSPORTS: readonly Transport[] = ["plain", "starttls", "tls", "websocket"];

const ROWS = SERVERS.flatMap((server) =>
  (["guided", "raw"] as const).flatMap((mode) =>
    TRANSPORTS.filter((transport) => mode === "guided" || transport !== "websocket").map((transport) => ({ server, mode, transport })),
  ),
);

interface Address {
  host: string;
  port: number;
}

const opened: XmppSession[] = [];
const relays: CaptureRelay[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((session) => session.close()));
  await Promise.all(relays.splice(0).map((relay) => relay.close()));
});

describe("the transport matrix", () => {
  const rows = ROWS.map((row) => [`${row.server.name} · ${row.mode} · ${row.transport}`, row] as const);
  it.each(rows)("%s: logs in, binds, carries alice's message to bob, closes; the stream files equal the relay's capture", async (_label, { server, mode, transport }) => {
    const direct = { host: server.instance.host, port: server.instance.ports[LISTENER[transport]] };
    const relay = await captureRelay(server, transport, direct);
    relays.push(relay);

    const bob = await logIn(server, mode, transport, "bob", direct);
    const alice = await logIn(server, mode, transport, "alice", { host: "127.0.0.1", port: relay.port });
    expect(alice.jid).toMatch(/^alice@localhost\/.+/);
    expect(bob.jid).toMatch(/^bob@localhost\/.+/);
    expectTransportUsed(alice.session.transcript, transport);

    const body = `matrix ${server.name} ${mode} ${transport} ${Date.now()}`;
    await alice.session.send(`<message xmlns='jabber:client' to='${bob.jid}' type='chat' id='m1'><body>${body}</body></message>`);
    const arrived = () => received(bob.session.transcript).some((entry) => entry.kind === "message" && entry.raw.includes(body));
    // Either it arrives or a session ended (a server closing the stream says why in the transcript).
    await waitFor(() => arrived() || alice.session.currentState === "closed" || bob.session.currentState === "closed", `bob receiving "${body}"`);
    expect(streamErrors(alice.session.transcript, bob.session.transcript)).toEqual([]);
    expect(arrived()).toBe(true);

    await alice.session.close();
    await bob.session.close();
    expect(alice.session.currentState).toBe("closed");
    expect(bob.session.currentState).toBe("closed");

    // Byte-exactness: the files a person exports (credentials revealed) against the relay's copy.
    const entries = alice.session.transcript.since(0);
    const secrets = alice.session.transcript.revealSecrets();
    const clientFile = Buffer.from(wireInStreamFile([...streamFileChunks(entries, "out", secrets)].join("")), "utf8");
    const serverFile = Buffer.from(wireInStreamFile([...streamFileChunks(entries, "in", secrets)].join("")), "utf8");
    await waitFor(() => relay.toClient().length >= serverFile.length, "the relay to see what alice received");
    expect(clientFile.length).toBeGreaterThan(0);
    // latin1 maps each byte to one character: equal strings are equal bytes, and a diff stays readable.
    expect(clientFile.toString("latin1")).toBe(relay.toServer().toString("latin1"));
    expect(serverFile.toString("latin1")).toBe(relay.toClient().toString("latin1"));
    expect(clientFile.toString("utf8")).toContain(body);
  });
});


function captureRelay(server: Server, transport: Transport, target: Address): Promise<CaptureRelay> {
  if (transport === "websocket") return websocketCaptureRelay({ ...target, path: server.websocketPath });
  return tcpCaptureRelay({ ...target, servername: server.instance.domain }, RELAY_TLS[transport]);
}

/** What each transport must leave in the transcript: TLS where promised, and none on plain. */
function expectTransportUsed(transcript: Transcript, transport: Transport): void {
  const entries = transcript.since(0);
  const proceed = entries.some((entry) => entry.dir === "in" && entry.kind === "tls" && entry.name === "proceed");
  const tlsEvent = entries.some((entry) => entry.dir === "event" && entry.raw.startsWith("TLS established"));
  expect({ proceed, tlsEvent }).toEqual({
    plain: { proceed: false, tlsEvent: false },
    starttls: { proceed: true, tlsEvent: true },
    tls: { proceed: false, tlsEvent: true },
    websocket: { proceed: false, tlsEvent: false },
  }[transport]);
  const opening = entries.find((entry) => entry.dir === "out" && entry.kind === "stream-open");
  // RFC 7395 section 3.4 opens with <open/> in the framing namespace; TCP with <stream:stream>.
  expect(opening?.raw).toMatch(transport === "websocket" ? /^<open [^>]*urn:ietf:params:xml:ns:xmpp-framing/ : /<stream:stream /);
}

const streamErrors = (...transcripts: Transcript[]): string[] =>
  transcripts.flatMap((transcript) => received(transcript).filter((entry) => entry.kind === "stream-error").map((entry) => entry.raw));

const received = (transcript: Transcript): TranscriptEntry[] => transcript.since(0).filter((entry) => entry.dir === "in");

async function logIn(server: Server, mode: SessionMode, transport: Transport, username: string, address: Address): Promise<{ session: XmppSession; jid: string }> {
  const { domain } = server.instance;
  if (mode === "guided") {
    const session = new GuidedSession({
      server: { ...address, ...(transport === "websocket" ? { path: server.websocketPath } : {}) },
      transport,
      domain,
      username,
      password: username,
      mechanism: "PLAIN",
      initialPresence: true,
    });
    opened.push(session);
    return { session, jid: await session.connect() };
  }
  const session = new RawSession({ server: address, transport, domain });
  opened.push(session);
  await session.connect();
  return { session, jid: await logInByHand(session, transport, username, domain) };
}

const HEADER = (domain: string) =>
  `<?xml version='1.0'?><stream:stream to='${domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;

/** The whole login typed as a person would in raw mode; resolves with the bound JID. */
async function logInByHand(session: RawSession, transport: Transport, username: string, domain: string): Promise<string> {
  await exchange(session, HEADER(domain), incoming("features"), "the stream features");
  if (transport === "starttls") {
    await exchange(session, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", incoming("tls", "proceed"), "<proceed/>");
    await waitFor(() => session.transcript.since(0).some((entry) => entry.raw.startsWith("TLS established")), "the TLS handshake");
    // RFC 6120 section 5.4.3.3: a new stream over TLS.
    await exchange(session, HEADER(domain), incoming("features"), "the features over TLS");
  }
  const credentials = Buffer.from(`\0${username}\0${username}`).toString("base64");
  await exchange(session, `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${credentials}</auth>`, incoming("sasl", "success"), "SASL success");
  // RFC 6120 section 6.4.6: a restart after SASL success.
  await exchange(session, HEADER(domain), incoming("features"), "the features after SASL");
  const bound = await exchange(
    session,
    "<iq type='set' id='bind-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>matrix</resource></bind></iq>",
    (entry) => entry.dir === "event" && entry.raw.startsWith("bound as "),
    "the bound JID",
  );
  // Available, so the server routes chat to this resource (RFC 6121 section 4.2).
  await session.send("<presence/>");
  return bound.raw.slice("bound as ".length);
}

async function exchange(session: RawSession, xml: string, expected: (entry: TranscriptEntry) => boolean, what: string): Promise<TranscriptEntry> {
  const after = session.transcript.lastSeq;
  await session.send(xml);
  let found: TranscriptEntry | undefined;
  await waitFor(() => (found = session.transcript.since(after).find(expected)) !== undefined, what);
  return found!;
}

const incoming = (kind: string, name?: string) => (entry: TranscriptEntry) =>
  entry.dir === "in" && entry.kind === kind && (name === undefined || entry.name === name);
