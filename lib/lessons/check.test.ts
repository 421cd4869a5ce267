import { describe, expect, it } from "vitest";
import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";
import { evaluateCheck } from "./check";
import { describeExpectation } from "./describe-expectation";
import type { Expectation } from "./types";
import { buildLessonVariables } from "./variables";

const vars = buildLessonVariables({ username: "guest-abc", password: "pw", domain: "localhost", peer: "peer-xyz@localhost", random: () => "r1" });

/** Entries as the bridge records them: framed, classified and paired by a real Transcript. */
function transcript(...wire: ["out" | "in", string][]): TranscriptEntry[] {
  const recorder = new Transcript();
  for (const [dir, text] of wire) recorder.record(dir, text);
  return recorder.since(0);
}

const versionRequest: Expectation = {
  name: "request",
  dir: "out",
  stanza: "iq",
  type: "get",
  to: "{{domain}}",
  has: [{ path: "query", xmlns: "jabber:iq:version" }],
};
const versionAnswer: Expectation = { dir: "in", stanza: "iq", type: "result", answers: "request", missing: "{{domain}} has not answered yet." };

describe("evaluateCheck", () => {
  it("passes when a request and its paired answer are both there, and names their seqs", () => {
    const entries = transcript(
      ["out", "<iq type='get' id='v1' to='localhost'><query xmlns='jabber:iq:version'/></iq>"],
      ["in", "<iq type='result' id='v1' from='localhost'><query xmlns='jabber:iq:version'><name>ejabberd</name></query></iq>"],
    );
    expect(evaluateCheck([versionRequest, versionAnswer], entries, vars)).toEqual({ passed: true, matched: [1, 2] });
  });

  it("reports the first unmet expectation with its own missing text, variables expanded", () => {
    const entries = transcript(["out", "<iq type='get' id='v1' to='localhost'><query xmlns='jabber:iq:version'/></iq>"]);
    const result = evaluateCheck([versionRequest, versionAnswer], entries, vars);
    expect(result).toEqual({ passed: false, matched: [1, undefined], missing: { index: 1, message: "localhost has not answered yet." } });
  });

  it("generates a plain-English description when the expectation has no missing text", () => {
    const entries = transcript(["out", "<iq type='get' id='v1' to='localhost'><query xmlns='jabber:iq:roster'/></iq>"]);
    const result = evaluateCheck([versionRequest], entries, vars);
    expect(result.passed).toBe(false);
    expect(result.missing?.message).toBe('You have not sent an <iq> of type "get" to localhost containing <query> in jabber:iq:version.');
  });

  it("does not take a result with the same id that answers another request", () => {
    const entries = transcript(
      ["out", "<iq type='get' id='v1' to='localhost'><query xmlns='jabber:iq:version'/></iq>"],
      ["out", "<iq type='get' id='v2' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"],
      ["in", "<iq type='result' id='v2' from='localhost'/>"],
    );
    expect(evaluateCheck([versionRequest, versionAnswer], entries, vars).passed).toBe(false);
  });

  it("pairs by id and addressing when entries carry no pair (RFC 6120 section 8.2.3)", () => {
    const base = { at: 0, wall: 0, kind: "iq" as const, name: "iq", ns: "jabber:client" };
    const request: TranscriptEntry = { ...base, seq: 1, dir: "out", raw: "<iq type='get' id='q' to='localhost'><query xmlns='jabber:iq:version'/></iq>", attrs: { type: "get", id: "q", to: "localhost" } };
    const fromElsewhere: TranscriptEntry = { ...base, seq: 2, dir: "in", raw: "<iq type='result' id='q' from='other.example'/>", attrs: { type: "result", id: "q", from: "other.example" } };
    const fromServer: TranscriptEntry = { ...base, seq: 3, dir: "in", raw: "<iq type='result' id='q' from='localhost'/>", attrs: { type: "result", id: "q", from: "localhost" } };
    expect(evaluateCheck([versionRequest, versionAnswer], [request, fromElsewhere], vars).passed).toBe(false);
    expect(evaluateCheck([versionRequest, versionAnswer], [request, fromElsewhere, fromServer], vars)).toEqual({ passed: true, matched: [1, 3] });
  });

  it("needs a different entry for each expectation", () => {
    const twoMessages: Expectation[] = [
      { dir: "out", stanza: "message" },
      { dir: "out", stanza: "message", type: "chat" },
    ];
    const one = transcript(["out", "<message to='peer-xyz@localhost' type='chat'><body>hi</body></message>"]);
    expect(evaluateCheck(twoMessages, one, vars).passed).toBe(false);
    const two = transcript(
      ["out", "<message to='peer-xyz@localhost' type='chat'><body>hi</body></message>"],
      ["out", "<message to='peer-xyz@localhost' type='headline'><body>news</body></message>"],
    );
    expect(evaluateCheck(twoMessages, two, vars).passed).toBe(true);
  });

  it("backtracks when the first choice for an early expectation starves a later one", () => {
    const check: Expectation[] = [
      { dir: "out", stanza: "message" },
      { dir: "out", stanza: "message", has: [{ path: "body", text: "exact" }] },
    ];
    const entries = transcript(
      ["out", "<message to='peer-xyz@localhost'><body> exact </body></message>"],
      ["out", "<message to='peer-xyz@localhost'><subject>no body</subject></message>"],
    );
    expect(evaluateCheck(check, entries, vars)).toEqual({ passed: true, matched: [2, 1] });
  });

  it("matches JIDs as JIDs: a bare pattern covers every resource, case does not matter", () => {
    const entries = transcript(["in", "<message from='PEER-xyz@localhost/scripted' to='guest-abc@localhost/web' type='chat'><body>echo: hi</body></message>"]);
    expect(evaluateCheck([{ dir: "in", stanza: "message", from: "{{peer}}", to: "{{me}}" }], entries, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "in", stanza: "message", from: "{{stranger}}" }], entries, vars).passed).toBe(false);
  });

  it("matches a full-JID pattern against that full JID, and only it (RFC 7622 section 3.4)", () => {
    const entries = transcript(["in", "<message from='peer-xyz@localhost/scripted' to='guest-abc@localhost/web' type='chat'><body>hi</body></message>"]);
    const from = (pattern: string): Expectation[] => [{ dir: "in", stanza: "message", from: pattern }];
    expect(evaluateCheck(from("{{peer}}/scripted"), entries, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "in", stanza: "message", to: "guest-abc@localhost/web" }], entries, vars).passed).toBe(true);
    expect(evaluateCheck(from("{{peer}}/Scripted"), entries, vars).passed).toBe(false);
    expect(evaluateCheck(from("{{peer}}/other"), entries, vars).passed).toBe(false);
  });

  it("reads stanza errors: condition and type (RFC 6120 section 8.3)", () => {
    const entries = transcript([
      "in",
      "<message type='error' from='nobody-r1@localhost' id='m1'><body>hi</body><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
    ]);
    const expectation = (error: Expectation["error"]): Expectation[] => [{ dir: "in", stanza: "message", error }];
    expect(evaluateCheck(expectation({ condition: "service-unavailable", type: "cancel" }), entries, vars).passed).toBe(true);
    expect(evaluateCheck(expectation({ condition: "service-unavailable" }), entries, vars).passed).toBe(true);
    expect(evaluateCheck(expectation({ condition: "item-not-found" }), entries, vars).passed).toBe(false);
    expect(evaluateCheck(expectation({ type: "wait" }), entries, vars).passed).toBe(false);
    const fine = transcript(["in", "<message type='chat' from='peer-xyz@localhost'><body>hi</body></message>"]);
    expect(evaluateCheck(expectation({}), fine, vars).passed).toBe(false);
  });

  it("reads stream errors by kind and condition (RFC 6120 section 4.9)", () => {
    const entries = transcript(["in", "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>bad</text></stream:error>"]);
    expect(evaluateCheck([{ dir: "in", kind: "stream-error", error: { condition: "not-well-formed" } }], entries, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "in", kind: "stream-error", error: { condition: "host-unknown" } }], entries, vars).passed).toBe(false);
  });

  it("matches events by their code, never their sentence, and kinds the transcript assigns", () => {
    const recorder = new Transcript();
    recorder.record("out", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    recorder.record("in", "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    recorder.recordEvent("tls-established", "TLS established (TLSv1.3)");
    const entries = recorder.since(0);
    const check: Expectation[] = [
      { dir: "in", kind: "tls", stanza: "proceed" },
      { dir: "event", event: "tls-established" },
    ];
    expect(evaluateCheck(check, entries, vars).passed).toBe(true);
    // A sentence that merely reads like the event is not the event.
    const lookalike = new Transcript();
    lookalike.recordEvent("connecting", "tls-established, or so it says");
    expect(evaluateCheck([{ dir: "event", event: "tls-established" }], lookalike.since(0), vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "event", event: "authenticated" }], entries, vars).missing?.message).toBe('No "authenticated" event in the transcript yet.');
  });

  it("orders entries with after", () => {
    const check: Expectation[] = [
      { name: "available", dir: "out", stanza: "presence", type: "unavailable" },
      { dir: "out", stanza: "presence", after: "available" },
    ];
    const wrongOrder = transcript(["out", "<presence/>"], ["out", "<presence type='unavailable'/>"]);
    expect(evaluateCheck(check, wrongOrder, vars).passed).toBe(false);
    const rightOrder = transcript(["out", "<presence type='unavailable'/>"], ["out", "<presence/>"]);
    expect(evaluateCheck(check, rightOrder, vars).passed).toBe(true);
  });

  it("ignores the runners' barrier pings and their answers", () => {
    const entries = transcript(
      ["out", "<iq type='get' to='localhost' id='lesson-barrier-1'><ping xmlns='urn:xmpp:ping'/></iq>"],
      ["in", "<iq type='result' from='localhost' id='lesson-barrier-1' to='guest-abc@localhost/web'/>"],
    );
    expect(evaluateCheck([{ dir: "out", stanza: "iq" }], entries, vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "in", stanza: "iq", type: "result" }], entries, vars).passed).toBe(false);
  });

  it("checks attributes of non-stanza elements and descendants' attributes, text and namespaces", () => {
    const entries = transcript(
      ["out", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGd1ZXN0AHB3</auth>"],
      ["in", "<iq type='result' id='r' to='guest-abc@localhost/web'><query xmlns='jabber:iq:roster'><item jid='peer-xyz@localhost' subscription='both'><group>Friends &amp; co</group></item></query></iq>"],
    );
    expect(evaluateCheck([{ dir: "out", stanza: "auth", attrs: { mechanism: "PLAIN" } }], entries, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "out", stanza: "auth", attrs: { mechanism: "SCRAM-SHA-1" } }], entries, vars).passed).toBe(false);
    const item = (has: Expectation["has"]): Expectation[] => [{ dir: "in", stanza: "iq", has }];
    expect(evaluateCheck(item([{ path: "query/item", attrs: { jid: "{{peer}}", subscription: "both" } }]), entries, vars).passed).toBe(true);
    expect(evaluateCheck(item([{ path: "query/item", attrs: { subscription: "to" } }]), entries, vars).passed).toBe(false);
    expect(evaluateCheck(item([{ path: "query/item/group", text: "Friends & co" }]), entries, vars).passed).toBe(true);
    expect(evaluateCheck(item([{ path: "query/item/group", contains: "& co" }]), entries, vars).passed).toBe(true);
    expect(evaluateCheck(item([{ path: "query", xmlns: "jabber:iq:version" }]), entries, vars).passed).toBe(false);
    expect(evaluateCheck(item([{ path: "query/group" }]), entries, vars).passed).toBe(false);
  });

  it("takes `text` as the whole text (trimmed) and `contains` as a part of it", () => {
    const entries = transcript(["out", "<message to='peer-xyz@localhost'><body> hello world </body></message>"]);
    const body = (has: NonNullable<Expectation["has"]>[number]): Expectation[] => [{ dir: "out", stanza: "message", has: [has] }];
    expect(evaluateCheck(body({ path: "body", text: "hello world" }), entries, vars).passed).toBe(true);
    expect(evaluateCheck(body({ path: "body", text: "hello" }), entries, vars).passed).toBe(false);
    expect(evaluateCheck(body({ path: "body", contains: "lo wo" }), entries, vars).passed).toBe(true);
    expect(evaluateCheck(body({ path: "body", contains: "goodbye" }), entries, vars).passed).toBe(false);
  });

  it("checks the namespace of the top-level element with `ns`", () => {
    const entries = transcript(["out", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGd1ZXN0AHB3</auth>"]);
    expect(evaluateCheck([{ dir: "out", stanza: "auth", ns: "urn:ietf:params:xml:ns:xmpp-sasl" }], entries, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "out", stanza: "auth", ns: "jabber:iq:auth" }], entries, vars).passed).toBe(false);
  });

  it("takes a reply without a pair only from the full JID the request went to", () => {
    const base = { at: 0, wall: 0, kind: "iq" as const, name: "iq", ns: "jabber:client" };
    const request: TranscriptEntry = { ...base, seq: 1, dir: "out", raw: "<iq type='get' id='q' to='peer-xyz@localhost'/>", attrs: { type: "get", id: "q", to: "peer-xyz@localhost" } };
    const fromResource: TranscriptEntry = { ...base, seq: 2, dir: "in", raw: "<iq type='result' id='q' from='peer-xyz@localhost/phone'/>", attrs: { type: "result", id: "q", from: "peer-xyz@localhost/phone" } };
    const fromBare: TranscriptEntry = { ...base, seq: 3, dir: "in", raw: "<iq type='result' id='q' from='Peer-XYZ@localhost'/>", attrs: { type: "result", id: "q", from: "Peer-XYZ@localhost" } };
    const check: Expectation[] = [
      { name: "request", dir: "out", stanza: "iq", type: "get" },
      { dir: "in", stanza: "iq", answers: "request" },
    ];
    expect(evaluateCheck(check, [request, fromResource], vars).passed).toBe(false);
    expect(evaluateCheck(check, [request, fromResource, fromBare], vars)).toEqual({ passed: true, matched: [1, 3] });
  });

  it("fills the session's variables into every part of an expectation before matching", () => {
    const recorder = new Transcript();
    recorder.record("out", "<message to='peer-xyz@localhost' type='chat'><body>hi guest-abc@localhost</body><x xmlns='urn:localhost'/></message>");
    recorder.recordEvent("online", "online as guest-abc@localhost/web");
    const entries = recorder.since(0);
    const check: Expectation[] = [
      {
        dir: "out",
        stanza: "message",
        attrs: { to: "{{peer}}" },
        has: [
          { path: "body", text: "hi {{me}}" },
          { path: "body", contains: "{{domain}}" },
          { path: "x", xmlns: "urn:{{domain}}" },
        ],
      },
      { dir: "event", event: "online" },
    ];
    expect(evaluateCheck(check, entries, vars)).toEqual({ passed: true, matched: [1, 2] });
    expect(evaluateCheck([{ dir: "out", stanza: "message", type: "{{me}}" }], entries, vars).passed).toBe(false);
  });

  it("without a pair, an answer is a result or error to a get or set, later, the other way, with its id", () => {
    const base = { at: 0, wall: 0, kind: "iq" as const, name: "iq", ns: "jabber:client", raw: "<iq/>" };
    const entry = (seq: number, dir: "in" | "out", attrs: TranscriptEntry["attrs"], pair?: number): TranscriptEntry => ({ ...base, seq, dir, attrs, ...(pair === undefined ? {} : { pair }) });
    const check: Expectation[] = [
      { name: "request", dir: "out", stanza: "iq" },
      { dir: "in", stanza: "iq", answers: "request" },
    ];
    const passes = (...entries: TranscriptEntry[]) => evaluateCheck(check, entries, vars).passed;
    const get = entry(2, "out", { type: "get", id: "q" });
    expect(passes(get, entry(3, "in", { type: "result", id: "q" }))).toBe(true);
    expect(passes(get, entry(3, "in", { type: "error", id: "q" }))).toBe(true);
    expect(passes(entry(2, "out", { type: "set", id: "q" }), entry(3, "in", { type: "result", id: "q" }))).toBe(true);
    expect(passes(get, entry(3, "in", { type: "get", id: "q" }))).toBe(false);
    expect(passes(entry(2, "out", { type: "result", id: "q" }), entry(3, "in", { type: "result", id: "q" }))).toBe(false);
    expect(passes(get, entry(1, "in", { type: "result", id: "q" }))).toBe(false);
    expect(passes(get, entry(3, "in", { type: "result", id: "other" }))).toBe(false);
    expect(passes(get, entry(3, "in", { type: "result" }))).toBe(false);
    expect(passes(entry(2, "out", { type: "get" }), entry(3, "in", { type: "result" }))).toBe(false);
    // A pair, when the transcript made one, decides alone.
    expect(passes(get, entry(3, "in", { type: "result", id: "other" }, 2))).toBe(true);
    expect(passes(get, entry(3, "in", { type: "result", id: "q" }, 7))).toBe(false);
  });

  it("tells stream errors from stanza errors: a stream error has no type, a stanza error needs type='error' and an <error/>", () => {
    const stream = transcript(["in", "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"]);
    expect(evaluateCheck([{ dir: "in", kind: "stream-error", error: {} }], stream, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "in", kind: "stream-error", error: { type: "cancel" } }], stream, vars).passed).toBe(false);
    const noErrorChild = transcript(["in", "<message type='error' from='peer-xyz@localhost'><body>hi</body></message>"]);
    expect(evaluateCheck([{ dir: "in", stanza: "message", error: {} }], noErrorChild, vars).passed).toBe(false);
    const untyped = transcript(["in", "<message from='peer-xyz@localhost'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"]);
    expect(evaluateCheck([{ dir: "in", stanza: "message", error: { condition: "item-not-found" } }], untyped, vars).passed).toBe(false);
  });

  it("drops the answers to barrier pings and whitespace keepalives from the window", () => {
    const base = { at: 0, wall: 0, ns: "jabber:client" };
    const entries: TranscriptEntry[] = [
      { ...base, seq: 1, dir: "out", kind: "iq", name: "iq", raw: "<iq type='get' id='lesson-barrier-9'/>", attrs: { type: "get", id: "lesson-barrier-9" } },
      { ...base, seq: 2, dir: "in", kind: "iq", name: "iq", raw: "<iq type='result' id='x'/>", attrs: { type: "result", id: "x" }, pair: 1 },
      { ...base, seq: 3, dir: "out", kind: "whitespace", raw: " " },
    ];
    expect(evaluateCheck([{ dir: "in", stanza: "iq" }], entries, vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "out", kind: "whitespace" }], entries, vars).passed).toBe(false);
  });

  it("never expands entities: text relying on a declared entity does not match", () => {
    const entries = transcript(["out", "<message to='peer-xyz@localhost'><body>&xxe;</body></message>"]);
    expect(evaluateCheck([{ dir: "out", stanza: "message", has: [{ path: "body", contains: "a" }] }], entries, vars).passed).toBe(false);
  });

  it("matches a stream header's attributes and malformed entries by kind", () => {
    const entries = transcript(["out", "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>"]);
    expect(evaluateCheck([{ dir: "out", kind: "stream-open", to: "{{domain}}", attrs: { version: "1.0" } }], entries, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "out", kind: "stream-open", to: "example.org" }], entries, vars).passed).toBe(false);
    const broken = transcript(["out", "<message><body>mismatched</bod></message>"]);
    expect(broken.some((entry) => entry.kind === "malformed")).toBe(true);
    expect(evaluateCheck([{ dir: "out", kind: "malformed" }], broken, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "out", stanza: "message", has: [{ path: "body" }] }], broken, vars).passed).toBe(false);
  });
});

describe("describeExpectation", () => {
  it("names every part of an expectation, in order", () => {
    const everything: Expectation = {
      dir: "in",
      kind: "iq",
      ns: "jabber:client",
      type: "error",
      from: "localhost",
      to: "me@localhost",
      attrs: { id: "x" },
      has: [{ path: "query/item", xmlns: "jabber:iq:roster", attrs: { jid: "a@b" }, text: "t", contains: "c" }],
      error: { condition: "item-not-found", type: "cancel" },
      answers: "req",
      after: "first",
    };
    expect(describeExpectation(everything)).toBe(
      'Nothing has arrived yet: an iq element in namespace jabber:client of type "error" to me@localhost from localhost with id="x" containing <query><item> in jabber:iq:roster with jid="a@b" whose text is "t" whose text contains "c" carrying the error item-not-found (type cancel) answering the "req" request after the "first" entry.',
    );
  });

  it("says what little it knows, with the right article", () => {
    expect(describeExpectation({ dir: "out" })).toBe("You have not sent an element.");
    expect(describeExpectation({ dir: "out", stanza: "iq" })).toBe("You have not sent an <iq>.");
    expect(describeExpectation({ dir: "out", stanza: "message" })).toBe("You have not sent a <message>.");
    expect(describeExpectation({ dir: "in", error: {} })).toBe("Nothing has arrived yet: an element carrying the error of any condition.");
    expect(describeExpectation({ dir: "in", error: { type: "wait" } })).toBe("Nothing has arrived yet: an element carrying the error (type wait).");
    expect(describeExpectation({ dir: "event" })).toBe("No matching event in the transcript yet.");
  });
});
