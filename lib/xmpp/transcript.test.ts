import { describe, expect, it } from "vitest";
import { Transcript } from "./transcript";
import { REDACTION_MASK, type TranscriptEntry } from "./entry";

const CLIENT_HEADER =
  "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const SERVER_HEADER =
  "<?xml version='1.0'?><stream:stream id='abc' from='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

function recordAll(steps: [("in" | "out"), string][]): { transcript: Transcript; entries: TranscriptEntry[] } {
  let clock = 0;
  const transcript = new Transcript({ now: () => (clock += 1.5) });
  const entries: TranscriptEntry[] = [];
  transcript.onEntry((entry) => entries.push(entry));
  for (const [dir, text] of steps) transcript.record(dir, text);
  return { transcript, entries };
}

describe("Transcript", () => {
  it("classifies what crosses a client stream", () => {
    const { entries } = recordAll([
      ["out", CLIENT_HEADER],
      ["in", SERVER_HEADER + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>"],
      ["out", "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"],
      ["out", "<message to='bob@localhost' type='chat'><body>hi</body></message><presence/>"],
      ["in", "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>"],
    ]);
    expect(entries.map((entry) => [entry.dir, entry.kind, entry.name])).toEqual([
      ["out", "stream-open", "stream"],
      ["in", "stream-open", "stream"],
      ["in", "features", "features"],
      ["out", "bind", "iq"],
      ["out", "message", "message"],
      ["out", "presence", "presence"],
      ["in", "stream-error", "error"],
      ["in", "stream-close", "stream"],
    ]);
    expect(entries[4]?.attrs).toEqual({ to: "bob@localhost", type: "chat" });
    expect(entries[6]?.error).toBe("not-well-formed");
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("decodes UTF-8 split across chunks without losing a character", () => {
    const transcript = new Transcript();
    const bytes = new TextEncoder().encode(SERVER_HEADER + "<message><body>héllo 🌍</body></message>");
    for (let i = 0; i < bytes.length; i += 3) transcript.record("in", bytes.subarray(i, i + 3));
    expect(transcript.since(0).map((entry) => entry.raw).join("")).toBe(SERVER_HEADER + "<message><body>héllo 🌍</body></message>");
  });

  it("masks SASL credentials and reveals them only on request", () => {
    const auth = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAGFsaWNl</auth>";
    const { transcript, entries } = recordAll([["out", CLIENT_HEADER + auth]]);
    const authEntry = entries[1]!;
    expect(authEntry.raw).toBe(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${REDACTION_MASK}</auth>`);
    expect(authEntry.redacted).toBe(true);
    expect(JSON.stringify(transcript.since(0))).not.toContain("AGFsaWNlAGFsaWNl");
    expect(transcript.revealSecrets().get(authEntry.seq)).toBe(auth);
  });

  it("hands back the frames a record completed, unmasked and described, for a caller that forwards them (the proxy)", () => {
    const transcript = new Transcript({ writesAreWhole: false });
    const auth = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAGFsaWNl</auth>";
    expect(transcript.record("out", CLIENT_HEADER + auth.slice(0, 30)).map((frame) => frame.description.kind)).toEqual(["stream-open"]);
    const frames = transcript.record("out", auth.slice(30) + "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
    // The entry is masked; what goes on to the server is the client's own bytes.
    expect(frames.map((frame) => frame.raw)).toEqual([auth, "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>"]);
    expect(frames.map((frame) => [frame.description.kind, frame.description.attrs?.id])).toEqual([["sasl", undefined], ["iq", "p1"]]);
    expect(transcript.since(0).map((entry) => entry.redacted ?? false)).toEqual([false, true, false]);
  });

  it("masks passwords in in-band registration and legacy auth (XEP-0077, XEP-0078)", () => {
    const register = "<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>carol</username><password>s3cret&amp;x</password></query></iq>";
    const other = "<iq type='set' id='x1'><query xmlns='urn:example'><password>not-a-credential-here</password></query></iq>";
    const { transcript, entries } = recordAll([["out", CLIENT_HEADER + register + other]]);
    expect(entries[1]?.raw).toBe(`<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>carol</username><password>${REDACTION_MASK}</password></query></iq>`);
    expect(entries[1]?.redacted).toBe(true);
    expect(transcript.revealSecrets().get(entries[1]!.seq)).toBe(register);
    expect(entries[2]?.redacted).toBeUndefined();
  });

  it("pairs an iq result with its request, with the round trip", () => {
    const { entries } = recordAll([
      ["out", CLIENT_HEADER + "<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"],
      ["in", SERVER_HEADER + "<iq type='result' id='other' from='localhost'/><iq type='result' id='p1' from='localhost'/>"],
    ]);
    const request = entries.find((entry) => entry.attrs?.id === "p1" && entry.dir === "out")!;
    const unrelated = entries.find((entry) => entry.attrs?.id === "other")!;
    const response = entries.find((entry) => entry.attrs?.id === "p1" && entry.dir === "in")!;
    expect(response.pair).toBe(request.seq);
    expect(response.rttMs).toBeGreaterThan(0);
    expect(unrelated.pair).toBeUndefined();
  });

  it("does not pair a reply that comes from someone other than the request's addressee", () => {
    const { entries } = recordAll([
      ["out", CLIENT_HEADER + "<iq type='get' id='v1' to='bob@localhost/x'><query xmlns='jabber:iq:version'/></iq>"],
      ["in", SERVER_HEADER + "<iq type='result' id='v1' from='mallory@localhost/y'/>"],
    ]);
    expect(entries.at(-1)?.pair).toBeUndefined();
  });

  it("records the condition of an error stanza", () => {
    const { entries } = recordAll([
      ["in", SERVER_HEADER + "<message type='error' from='nobody@localhost'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"],
    ]);
    expect(entries.at(-1)?.error).toBe("service-unavailable");
  });

  it("keeps malformed XML as an entry with the parser's message", () => {
    const { transcript, entries } = recordAll([["in", SERVER_HEADER + "<message><body>x</bdy></message><presence><status>open"]]);
    expect(entries.at(-1)?.kind).toBe("malformed");
    expect(entries.at(-1)?.raw).toBe("<message><body>x</bdy></message>");
    expect(entries.at(-1)?.error).toMatch(/close tag/);
    transcript.end();
    expect(entries.at(-1)).toMatchObject({ kind: "malformed", raw: "<presence><status>open" });
  });

  it("hands entries to listeners in seq order even when a listener records one", () => {
    const transcript = new Transcript();
    const seen: number[][] = [[], []];
    transcript.onEntry((entry) => {
      seen[0]!.push(entry.seq);
      if (entry.kind === "sasl") transcript.recordEvent("authenticated", "authenticated");
    });
    transcript.onEntry((entry) => seen[1]!.push(entry.seq));
    transcript.record("in", SERVER_HEADER + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    expect(seen).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("flags an iq request nobody answered, once, after the timeout", () => {
    let clock = 0;
    const transcript = new Transcript({ now: () => clock });
    transcript.record("out", CLIENT_HEADER + "<iq type='get' id='lost' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq><iq type='get' id='kept'/>");
    transcript.record("in", SERVER_HEADER + "<iq type='result' id='kept'/>");
    clock = 29_000;
    expect(transcript.flagUnanswered(30_000)).toEqual([]);
    clock = 31_000;
    const [flag, ...others] = transcript.flagUnanswered(30_000);
    expect(others).toEqual([]);
    expect(flag).toMatchObject({ dir: "event", error: "unanswered", pair: 2 });
    expect(flag?.raw).toContain("id lost");
    expect(transcript.flagUnanswered(30_000)).toEqual([]);
  });

  it("numbers events and wire entries in one sequence", () => {
    const transcript = new Transcript();
    transcript.recordEvent("connecting", "connecting");
    transcript.record("out", CLIENT_HEADER);
    transcript.recordEvent("closed", "closed", "remote-connection-failed");
    expect(transcript.since(0).map((entry) => [entry.seq, entry.dir])).toEqual([
      [1, "event"],
      [2, "out"],
      [3, "event"],
    ]);
    expect(transcript.since(2).map((entry) => entry.seq)).toEqual([3]);
  });
});

describe("Transcript: recording before telling", () => {
  it("records quietly, and tells the onRecorded listeners only when announced", () => {
    const transcript = new Transcript();
    const told: string[] = [];
    transcript.onRecorded((dir) => told.push(dir));
    const frames = transcript.recordQuietly("out", "<presence/>");
    expect(frames.map((frame) => frame.raw)).toEqual(["<presence/>"]);
    expect(transcript.lastSeq).toBe(1);
    expect(told).toEqual([]);
    transcript.announce("out");
    expect(told).toEqual(["out"]);
    transcript.record("in", "<presence/>");
    expect(told).toEqual(["out", "in"]);
  });
});
