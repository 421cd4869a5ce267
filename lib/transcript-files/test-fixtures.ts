import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";

/** A short real-looking session, recorded through the live Transcript (framing, SASL masking, iq pairing). */

export const PLAIN_SECRET = "AGFsaWNlAHMzY3JldA=="; // base64("\0alice\0s3cret")

/** Exactly what each direction put on the wire, in the order it was recorded. */
export const WIRE: readonly ["in" | "out", string][] = [
  ["out", "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"],
  [
    "in",
    "<?xml version='1.0'?><stream:stream id='s1' from='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>" +
      "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>",
  ],
  ["out", `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${PLAIN_SECRET}</auth>`],
  ["in", "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"],
  ["out", "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>\n"],
  ["in", "<iq type='result' id='r1' to='alice@localhost/pg'><query xmlns='jabber:iq:roster'/></iq>"],
  ["out", "<message to='bob@localhost' type='chat'><body>héllo &amp; \u{1F600}</body></message>"],
  ["in", "<message from='bob@localhost/x' type='chat'><body>hi</body></message></stream:stream>"],
];

const HEADER_OUT = "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const headerIn = (id: string, features: string) =>
  `<?xml version='1.0'?><stream:stream id='${id}' from='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><stream:features>${features}</stream:features>`;

/** A session with both restarts: STARTTLS (RFC 6120 section 5.4.3.3), then SASL (section 6.4.6), then binding. */
export const WIRE_WITH_RESTARTS: readonly ["in" | "out", string][] = [
  ["out", HEADER_OUT],
  ["in", headerIn("s1", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>")],
  ["out", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"],
  ["in", "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"],
  ["out", HEADER_OUT],
  ["in", headerIn("s2", "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>")],
  ["out", `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${PLAIN_SECRET}</auth>`],
  ["in", "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"],
  ["out", HEADER_OUT],
  ["in", headerIn("s3", "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>")],
  ["out", "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>pg</resource></bind></iq>"],
  ["in", "<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/pg</jid></bind></iq>"],
  ["out", "<message to='bob@localhost' type='chat'><body>a ]] b\r\n</body></message>\r\n"],
  ["in", "<message from='bob@localhost/x' type='chat'><body>hi</body></message>"],
  ["out", "</stream:stream>"],
  ["in", "</stream:stream>"],
];

export function wireText(dir: "in" | "out", wire: readonly ["in" | "out", string][] = WIRE): string {
  return wire.filter(([d]) => d === dir)
    .map(([, text]) => text)
    .join("");
}

export function recordSample(wire: readonly ["in" | "out", string][] = WIRE): { entries: TranscriptEntry[]; secrets: Map<number, string> } {
  let clock = 0;
  const transcript = new Transcript({ now: () => (clock += 2.25) });
  transcript.recordEvent("connecting", "connecting to 127.0.0.1:5222");
  for (const [dir, text] of wire) transcript.record(dir, text);
  transcript.recordEvent("closed", "closed by the server");
  return { entries: transcript.since(0).map((entry) => ({ ...entry })), secrets: transcript.revealSecrets() };
}

/** Many synthetic entries for size and speed checks. */
export function syntheticEntries(count: number): TranscriptEntry[] {
  const entries: TranscriptEntry[] = new Array<TranscriptEntry>(count);
  for (let i = 0; i < count; i++) {
    const seq = i + 1;
    entries[i] = {
      seq,
      dir: i % 2 === 0 ? "out" : "in",
      at: i * 0.5,
      wall: 1_700_000_000_000 + i,
      raw: `<message to='bob@localhost' id='m${seq}' type='chat'><body>message number ${seq}</body></message>`,
      kind: "message",
      name: "message",
      ns: "jabber:client",
      attrs: { to: "bob@localhost", id: `m${seq}`, type: "chat" },
    };
  }
  return entries;
}
