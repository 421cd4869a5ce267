import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { walkXml } from "../xml/walk-xml";
import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";
import { anonymizeCapture, anonymizeCaptures } from "./anonymize";
import { PLAIN_SECRET, WIRE_WITH_RESTARTS, recordSample } from "./test-fixtures";

// Parts that cannot occur in placeholders, markup or the fixed text around them.
const word = (prefix: string) => fc.stringMatching(/^[a-z]{4,8}$/).map((letters) => `${prefix}${letters}`);
const jidArb = fc.record({ local: word("zq"), domain: fc.tuple(word("zd"), fc.constantFrom("com", "net", "org")).map(([name, tld]) => `${name}.${tld}`), resource: word("zr") });
type Jid = { local: string; domain: string; resource: string };
const full = (jid: Jid) => `${jid.local}@${jid.domain}/${jid.resource}`;
const bare = (jid: Jid) => `${jid.local}@${jid.domain}`;

/** Stanzas naming the JIDs in every place a JID goes, recorded through the live Transcript. */
function sessionOf(me: Jid, peers: Jid[], body: string): TranscriptEntry[] {
  let clock = 0;
  const transcript = new Transcript({ now: () => (clock += 1) });
  transcript.recordEvent("connecting", `connecting to ${me.domain}:5222 (xmpp.${me.domain})`);
  transcript.record("out", `<?xml version='1.0'?><stream:stream to='${me.domain}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`);
  transcript.record("in", `<?xml version='1.0'?><stream:stream from='${me.domain}' id='s1' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`);
  transcript.record("out", `<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${me.resource}</resource></bind></iq>`);
  transcript.record("in", `<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>${full(me)}</jid></bind></iq>`);
  for (const peer of peers) {
    transcript.record("out", `<message to='${bare(peer)}' id='m-${peer.local}' type='chat'><body>${body} to ${bare(peer)}</body></message>`);
    transcript.record("in", `<message from='${full(peer)}' to='${full(me)}' type='chat'><body>${body}</body><x xmlns='jabber:x:conference' jid='${bare(peer)}'/></message>`);
    transcript.record("in", `<iq type='set' id='push1' to='${full(me)}'><query xmlns='jabber:iq:roster'><item jid='${bare(peer)}' name='${peer.local}'/></query></iq>`);
  }
  transcript.recordEvent("closed", `closed by ${me.domain}`);
  return transcript.since(0).map((entry) => ({ ...entry }));
}

describe("anonymizeCapture", () => {
  it("leaves no original JID, domain, resource or body text anywhere", () => {
    fc.assert(
      fc.property(jidArb, fc.array(jidArb, { minLength: 1, maxLength: 3 }), word("zb"), (me, peers, body) => {
        const entries = sessionOf(me, peers, body);
        const anonymized = anonymizeCapture(entries, { jid: full(me), target: `guided · tcp · xmpp.${me.domain}:5222` });
        const text = JSON.stringify(anonymized);
        for (const jid of [me, ...peers]) for (const part of [jid.local, jid.domain, jid.resource]) expect(text).not.toContain(part);
        expect(text).not.toContain(body);
      }),
      { numRuns: 150 },
    );
  });

  it("gives the same JID the same placeholder everywhere, and different JIDs different ones", () => {
    fc.assert(
      fc.property(jidArb, fc.uniqueArray(jidArb, { minLength: 2, maxLength: 3, selector: (jid) => jid.domain }), word("zb"), (me, peers, body) => {
        const { entries, meta } = anonymizeCapture(sessionOf(me, peers, body), { jid: full(me) });
        const incoming = entries.filter((entry) => entry.kind === "message" && entry.dir === "in");
        const outgoing = entries.filter((entry) => entry.kind === "message" && entry.dir === "out");
        // The peer a message went to is the peer it came from (bare), in attrs and raw alike.
        incoming.forEach((entry, index) => {
          const to = outgoing[index]?.attrs?.to ?? "";
          expect(entry.attrs?.from?.split("/")[0]).toBe(to);
          expect(entry.raw).toContain(`jid='${to}'`);
        });
        expect(new Set(outgoing.map((entry) => entry.attrs?.to)).size).toBe(peers.length);
        // My JID: the one the server bound is the one every message is addressed to, and the file's.
        const bound = entries.find((entry) => entry.raw.includes("<jid>"))?.raw.match(/<jid>([^<]+)<\/jid>/)?.[1];
        expect(bound).toMatch(/^user\d+@domain\d+\.example\/res\d+$/);
        expect(incoming.every((entry) => entry.attrs?.to === bound)).toBe(true);
        expect(meta.jid).toBe(bound);
        // The same body is the same placeholder.
        expect(new Set(incoming.map((entry) => entry.raw.match(/<body>([^<]+)<\/body>/)?.[1])).size).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  it("is the same for the same input: placeholders depend on nothing else", () => {
    fc.assert(
      fc.property(jidArb, fc.array(jidArb, { minLength: 1, maxLength: 3 }), word("zb"), (me, peers, body) => {
        const entries = sessionOf(me, peers, body);
        expect(anonymizeCapture(entries, { jid: full(me) })).toEqual(anonymizeCapture(entries, { jid: full(me) }));
      }),
      { numRuns: 50 },
    );
  });

  it("keeps every stanza well-formed and the protocol readable; masks credentials even when revealed", () => {
    const { entries, secrets } = recordSample(WIRE_WITH_RESTARTS);
    const revealed = entries.map((entry) => (secrets.has(entry.seq) ? { ...entry, raw: secrets.get(entry.seq)!, redacted: false } : entry));
    expect(JSON.stringify(revealed)).toContain(PLAIN_SECRET);
    const anonymized = anonymizeCapture(revealed, { jid: "alice@localhost/pg", target: "guided · starttls · 127.0.0.1:5222" });
    const text = JSON.stringify(anonymized);
    expect(text).not.toContain(PLAIN_SECRET);
    expect(text).not.toMatch(/alice|localhost|127\.0\.0\.1/);
    expect(anonymized.meta).toEqual({ jid: "user1@domain1.example/res1", target: "guided · starttls · host1.example.net:5222", anonymized: true });
    for (const entry of anonymized.entries.filter((entry) => entry.dir !== "event" && entry.kind !== "stream-open" && entry.kind !== "stream-close")) {
      expect(walkXml(entry.raw, { namespaces: { stream: "http://etherx.jabber.org/streams", "": "jabber:client" } }).error).toBeNull();
    }
    const header = anonymized.entries.find((entry) => entry.kind === "stream-open" && entry.dir === "in")!;
    expect(header.raw).toMatch(/^<\?xml version='1.0'\?><stream:stream id='s1' from='domain1\.example' version='1\.0' xmlns='jabber:client' xmlns:stream='http:\/\/etherx\.jabber\.org\/streams'>$/);
    const bind = anonymized.entries.find((entry) => entry.attrs?.id === "b1" && entry.dir === "in")!;
    expect(bind.raw).toBe("<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>user1@domain1.example/res1</jid></bind></iq>");
    expect(anonymized.entries.find((entry) => entry.dir === "event")?.raw).toBe("connecting to host1.example.net:5222");
  });

  it("uses one set of placeholders for several accounts", () => {
    const [alice, bob] = anonymizeCaptures([
      { entries: sessionOf({ local: "zqalice", domain: "zdone.org", resource: "zrone" }, [{ local: "zqbob", domain: "zdone.org", resource: "zrtwo" }], "zbhi"), meta: { id: "a", jid: "zqalice@zdone.org/zrone" } },
      { entries: sessionOf({ local: "zqbob", domain: "zdone.org", resource: "zrtwo" }, [{ local: "zqalice", domain: "zdone.org", resource: "zrone" }], "zbhi"), meta: { id: "b", jid: "zqbob@zdone.org/zrtwo" } },
    ]);
    expect(alice?.meta).toEqual({ id: "a", jid: "user1@domain1.example/res1", anonymized: true });
    expect(bob?.meta).toEqual({ id: "b", jid: "user2@domain1.example/res2", anonymized: true });
    // What alice sent to bob is addressed to bob's placeholder; what bob got came from alice's.
    expect(alice?.entries.find((entry) => entry.kind === "message" && entry.dir === "out")?.attrs?.to).toBe("user2@domain1.example");
    expect(bob?.entries.find((entry) => entry.kind === "message" && entry.dir === "in")?.attrs?.from).toBe("user1@domain1.example/res1");
  });

  it("rewrites RFC 7395's <open/> and <close/> as the elements they are, and keeps a bare </stream:stream>", () => {
    const entry = (seq: number, raw: string, kind: TranscriptEntry["kind"]): TranscriptEntry => ({ seq, dir: "out", at: 0, wall: 0, raw, kind });
    const { entries } = anonymizeCapture(
      [
        entry(1, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='zdhost.com' version='1.0'/>", "stream-open"),
        entry(2, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", "stream-close"),
        entry(3, "</stream:stream>", "stream-close"),
      ],
      {},
    );
    expect(entries.map((anonymized) => anonymized.raw)).toEqual([
      "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='domain1.example' version='1.0'/>",
      "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
      "</stream:stream>",
    ]);
  });

  it("leaves out what it cannot read as XML, rather than guess", () => {
    const entry: TranscriptEntry = { seq: 1, dir: "in", at: 0, wall: 0, raw: "<message to='zqalice@zdhost.com'><body>zbsecret", kind: "malformed" };
    const { entries } = anonymizeCapture([entry], {});
    expect(entries[0]?.raw).toMatch(/^\[left out by anonymization/);
  });
});
