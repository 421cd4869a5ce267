import { describe, expect, it } from "vitest";
import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";
import { entryMismatches, evaluateCheck, relationMismatch, TreeCache } from "./check";
import { describeExpectation } from "./describe-expectation";
import type { Expectation } from "./types";

/**
 * The check engine's edges, each found by mutation testing (issue 19): a behaviour the
 * lesson tests in check.test.ts passed without.
 */

const vars = { me: "guest-abc@localhost", peer: "peer-xyz@localhost", domain: "localhost", nick: "Tom & Jerry" };

function transcript(...wire: ["out" | "in", string][]): TranscriptEntry[] {
  const recorder = new Transcript();
  for (const [dir, text] of wire) recorder.record(dir, text);
  return recorder.since(0);
}

const base = { at: 0, wall: 0, ns: "jabber:client" };
const iq = (seq: number, dir: "in" | "out", attrs?: TranscriptEntry["attrs"]): TranscriptEntry => ({ ...base, seq, dir, kind: "iq", name: "iq", raw: "<iq/>", ...(attrs ? { attrs } : {}) });

describe("evaluateCheck: variables in a check", () => {
  it("compares a value as it is, never XML-escaped, and {{id}} stands for nothing", () => {
    const entries = transcript(["out", "<message to='peer-xyz@localhost'><body>Tom &amp; Jerry</body><subject>ab</subject></message>"]);
    const body = (has: NonNullable<Expectation["has"]>[number]): Expectation[] => [{ dir: "out", stanza: "message", has: [has] }];
    expect(evaluateCheck(body({ path: "body", text: "{{nick}}" }), entries, vars).passed).toBe(true);
    expect(evaluateCheck(body({ path: "subject", text: "a{{id}}b" }), entries, vars).passed).toBe(true);
  });
});

describe("evaluateCheck: what is read as XML", () => {
  it("never reads an event's sentence or a malformed entry as an element, even when it would parse", () => {
    const recorder = new Transcript();
    recorder.recordEvent("online", "<x><body>hi</body></x>");
    const event = recorder.since(0);
    expect(evaluateCheck([{ dir: "event", event: "online" }], event, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "event", has: [{ path: "body" }] }], event, vars).passed).toBe(false);
    const malformed: TranscriptEntry = { ...base, seq: 1, dir: "in", kind: "malformed", raw: "<message type='error'><body>hi</body><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>", error: "too large" };
    expect(evaluateCheck([{ dir: "in", kind: "malformed" }], [malformed], vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "in", has: [{ path: "body" }] }], [malformed], vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "in", error: {} }], [malformed], vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "in", attrs: { type: "error" } }], [malformed], vars).passed).toBe(false);
  });

  it("reads the attributes of a WebSocket <open/> (RFC 7395 section 3.3.2), which is not a stream header", () => {
    const entries = transcript(["out", "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0' xml:lang='en'/>"]);
    expect(entries[0]!.kind).toBe("stream-open");
    expect(evaluateCheck([{ dir: "out", kind: "stream-open", to: "{{domain}}", attrs: { version: "1.0" } }], entries, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "out", kind: "stream-open", attrs: { version: "2.0" } }], entries, vars).passed).toBe(false);
  });

  it("reads a child's namespace as inherited from the stream (jabber:client)", () => {
    const entries = transcript(["out", "<message to='peer-xyz@localhost'><body>hi</body></message>"]);
    expect(evaluateCheck([{ dir: "out", stanza: "message", has: [{ path: "body", xmlns: "jabber:client" }] }], entries, vars).passed).toBe(true);
  });
});

describe("evaluateCheck: error conditions (RFC 6120 sections 4.9.3 and 8.3.3)", () => {
  it("finds the condition after a <text/>, and only in the errors' namespace", () => {
    const stream = transcript(["in", "<stream:error><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>bye</text><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"]);
    expect(evaluateCheck([{ dir: "in", kind: "stream-error", error: { condition: "conflict" } }], stream, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "in", kind: "stream-error", error: { condition: "text" } }], stream, vars).passed).toBe(false);
    const stanza = transcript([
      "in",
      "<message type='error' from='peer-xyz@localhost'><error type='cancel'><gone xmlns='urn:example:app'/><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
    ]);
    expect(evaluateCheck([{ dir: "in", stanza: "message", error: { condition: "item-not-found" } }], stanza, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "in", stanza: "message", error: { condition: "gone" } }], stanza, vars).passed).toBe(false);
  });
});

describe("evaluateCheck: the search", () => {
  it("names a step by its first expectation of that name", () => {
    const check: Expectation[] = [
      { name: "request", dir: "out", stanza: "iq", type: "get" },
      { name: "request", dir: "out", stanza: "iq", type: "set" },
      { dir: "in", stanza: "iq", answers: "request" },
    ];
    const entries = [iq(1, "out", { type: "get", id: "g" }), iq(2, "out", { type: "set", id: "s" }), iq(3, "in", { type: "result", id: "g" })];
    expect(evaluateCheck(check, entries, vars)).toEqual({ passed: true, matched: [1, 2, 3] });
    expect(evaluateCheck(check, [...entries.slice(0, 2), iq(3, "in", { type: "result", id: "s" })], vars).passed).toBe(false);
  });

  it("reports the longest prefix it could meet, as first found, when the check fails", () => {
    const check: Expectation[] = [
      { dir: "out", stanza: "message" },
      { dir: "out", stanza: "presence" },
      { dir: "out", stanza: "iq" },
    ];
    const entries = transcript(["out", "<message><body>1</body></message>"], ["out", "<message><body>2</body></message>"], ["out", "<presence/>"]);
    expect(evaluateCheck(check, entries, vars)).toEqual({ passed: false, matched: [1, 3, undefined], missing: { index: 2, message: "You have not sent an <iq>." } });
  });

  it("gives up on a check whose search would not end in a lifetime, rather than hang the page", () => {
    const check: Expectation[] = [...Array.from({ length: 14 }, (): Expectation => ({ dir: "out", stanza: "message" })), { dir: "out", stanza: "iq" }];
    const entries = transcript(...Array.from({ length: 14 }, (_, index): ["out", string] => ["out", `<message><body>${index}</body></message>`]));
    const result = evaluateCheck(check, entries, vars);
    expect(result.passed).toBe(false);
    expect(result.missing?.index).toBe(14);
  });
});

describe("evaluateCheck: answers without a pair (RFC 6120 section 8.2.3)", () => {
  const check: Expectation[] = [
    { name: "request", dir: "out", stanza: "iq" },
    { dir: "in", stanza: "iq", answers: "request" },
  ];
  const sameWay: Expectation[] = [
    { name: "request", dir: "out", stanza: "iq", type: "get" },
    { dir: "out", stanza: "iq", answers: "request" },
  ];

  it("takes no entry without attributes as a request or an answer", () => {
    expect(evaluateCheck(check, [iq(1, "out", { type: "get", id: "q" }), iq(2, "in")], vars).passed).toBe(false);
    expect(evaluateCheck(check, [iq(1, "out"), iq(2, "in", { type: "result", id: "q" })], vars).passed).toBe(false);
  });

  it("takes a reply with no from to a request with a to, and a reply with a from to a request with none", () => {
    const request = (attrs: TranscriptEntry["attrs"]) => iq(1, "out", { type: "get", id: "q", ...attrs });
    const reply = (attrs: TranscriptEntry["attrs"]) => iq(2, "in", { type: "result", id: "q", ...attrs });
    expect(evaluateCheck(check, [request({ to: "peer-xyz@localhost" }), reply({})], vars).passed).toBe(true);
    expect(evaluateCheck(check, [request({}), reply({ from: "localhost" })], vars).passed).toBe(true);
    expect(evaluateCheck(check, [request({ to: "peer-xyz@localhost" }), reply({ from: "localhost" })], vars).passed).toBe(false);
  });

  it("takes no reply travelling the same way as the request", () => {
    expect(evaluateCheck(sameWay, [iq(1, "out", { type: "get", id: "q" }), iq(2, "out", { type: "result", id: "q" })], vars).passed).toBe(false);
  });
});

describe("evaluateCheck: each field on its own", () => {
  it("tells directions and kinds apart when nothing else differs", () => {
    const entries = transcript(["out", "<message to='peer-xyz@localhost'><body>hi</body></message>"]);
    expect(evaluateCheck([{ dir: "in", stanza: "message" }], entries, vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "out", kind: "iq" }], entries, vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "out", kind: "message" }], entries, vars).passed).toBe(true);
  });

  it("takes only an iq as an answer: a message of type error with the request's id is not one", () => {
    const entries = transcript(["out", "<iq type='get' id='q' to='peer-xyz@localhost'><ping xmlns='urn:xmpp:ping'/></iq>"], ["in", "<message type='error' id='q' from='peer-xyz@localhost'/>"]);
    expect(evaluateCheck([{ name: "request", dir: "out", stanza: "iq" }, { dir: "in", answers: "request" }], entries, vars).passed).toBe(false);
  });

  it("matches a stanza error by its type alone, or by nothing, and copes with one that names no condition", () => {
    const typed = transcript(["in", "<message type='error' from='peer-xyz@localhost'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"]);
    expect(evaluateCheck([{ dir: "in", stanza: "message", error: { type: "cancel" } }], typed, vars).passed).toBe(true);
    expect(evaluateCheck([{ dir: "in", stanza: "message", error: {} }], typed, vars).passed).toBe(true);
    const bare = transcript(["in", "<message type='error' from='peer-xyz@localhost'><error type='cancel'/></message>"]);
    expect(evaluateCheck([{ dir: "in", stanza: "message", error: { condition: "gone" } }], bare, vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "in", stanza: "message", error: { type: "cancel" } }], bare, vars).passed).toBe(true);
  });

  it("never meets answers or after that name no earlier expectation", () => {
    const entries = [iq(1, "out", { type: "get", id: "q" }), iq(2, "in", { type: "result", id: "q" })];
    expect(evaluateCheck([{ dir: "out", stanza: "iq" }, { dir: "in", stanza: "iq", answers: "nowhere" }], entries, vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "out", stanza: "iq" }, { dir: "in", stanza: "iq", after: "nowhere" }], entries, vars).passed).toBe(false);
    expect(evaluateCheck([{ dir: "in", stanza: "iq", answers: "request" }, { name: "request", dir: "out", stanza: "iq" }], entries, vars).passed).toBe(false);
  });
});

describe("entryMismatches and relationMismatch (what the diagnosis shows)", () => {
  it("lists every field that differs, unless asked for the first only", () => {
    const [entry] = transcript(["out", "<message to='peer-xyz@localhost' type='chat'><body>hi</body></message>"]);
    const expectation: Expectation = { dir: "in", event: "online", ns: "jabber:server", attrs: { type: "normal" } };
    const fields = (first: boolean) => entryMismatches(expectation, entry!, new TreeCache(), first).map(({ field, key, expected, actual }) => [field, key, expected, actual]);
    expect(fields(false)).toEqual([
      ["dir", undefined, "in", "out"],
      ["event", undefined, "online", undefined],
      ["ns", undefined, "jabber:server", "jabber:client"],
      ["attrs", "type", "normal", "chat"],
    ]);
    expect(fields(true)).toEqual([["dir", undefined, "in", "out"]]);
    // Every field is what it does without the last argument.
    expect(entryMismatches({ dir: "out", kind: "iq", answers: "request" }, entry!, new TreeCache()).map(({ field, expected, actual }) => [field, expected, actual])).toEqual([
      ["kind", "iq", "message"],
      ["answers", undefined, "message"],
    ]);
  });

  it("says which relation fails, and against which entry", () => {
    const request = iq(5, "out", { type: "get", id: "q" });
    const early = iq(3, "in", { type: "result", id: "q" });
    expect(relationMismatch(early, request, undefined)).toEqual({ field: "answers", expected: "5" });
    expect(relationMismatch(early, null, undefined)).toEqual({ field: "answers", expected: undefined });
    expect(relationMismatch(early, undefined, request)).toEqual({ field: "after", expected: "5" });
    expect(relationMismatch(early, undefined, null)).toEqual({ field: "after", expected: undefined });
    expect(relationMismatch(iq(6, "in", { type: "result", id: "q" }), request, request)).toBeUndefined();
  });
});

describe("describeExpectation", () => {
  it("names a contained element without a namespace when the check gives none", () => {
    expect(describeExpectation({ dir: "out", stanza: "message", has: [{ path: "body" }] })).toBe("You have not sent a <message> containing <body>.");
  });
});
