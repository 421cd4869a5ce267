import { describe, expect, it } from "vitest";
import type { EntryKind, TranscriptEntry } from "./entry";
import { IqPairing } from "./iq-pairing";

let seq = 0;
/** An entry as the transcript hands it to the pairing: classified, attributes read. */
function entry(dir: TranscriptEntry["dir"], attrs: TranscriptEntry["attrs"], at = seq, kind: EntryKind = "iq"): TranscriptEntry {
  seq++;
  return { seq, dir, at, wall: 0, raw: "<iq/>", kind, attrs };
}

describe("IqPairing (RFC 6120 section 8.2.3)", () => {
  it("pairs a result with the get it answers, with the round trip to the microsecond", () => {
    const pairing = new IqPairing();
    const request = entry("out", { type: "get", id: "p1", to: "localhost" }, 1);
    const response = entry("in", { type: "result", id: "p1", from: "localhost" }, 3.1234567);
    pairing.observe(request);
    pairing.observe(response);
    expect(response.pair).toBe(request.seq);
    expect(response.rttMs).toBe(2.123);
    expect(request.pair).toBeUndefined();
  });

  it("pairs an error with a set, and the server's requests with the client's answers", () => {
    const pairing = new IqPairing();
    const set = entry("out", { type: "set", id: "s1" });
    const error = entry("in", { type: "error", id: "s1" });
    const push = entry("in", { type: "set", id: "push1" });
    const ack = entry("out", { type: "result", id: "push1" });
    for (const each of [set, error, push, ack]) pairing.observe(each);
    expect(error.pair).toBe(set.seq);
    expect(ack.pair).toBe(push.seq);
  });

  it("keeps the two directions apart: the same id asked both ways pairs each with its own answer", () => {
    const pairing = new IqPairing();
    const ours = entry("out", { type: "get", id: "same" });
    const theirs = entry("in", { type: "get", id: "same" });
    const answerToTheirs = entry("out", { type: "result", id: "same" });
    const answerToOurs = entry("in", { type: "result", id: "same" });
    for (const each of [ours, theirs, answerToTheirs, answerToOurs]) pairing.observe(each);
    expect(answerToTheirs.pair).toBe(theirs.seq);
    expect(answerToOurs.pair).toBe(ours.seq);
  });

  it("never pairs a reply travelling the same way as the request", () => {
    const pairing = new IqPairing();
    pairing.observe(entry("out", { type: "get", id: "q" }));
    const sameWay = entry("out", { type: "result", id: "q" });
    pairing.observe(sameWay);
    expect(sameWay.pair).toBeUndefined();
    expect(pairing.unanswered().map(({ id }) => id)).toEqual(["q"]);
  });

  it("pairs bind iqs, and nothing but iqs: a message or an event with an iq's id and type is left alone", () => {
    const pairing = new IqPairing();
    const bind = entry("out", { type: "set", id: "b1" }, 0, "bind");
    const bound = entry("in", { type: "result", id: "b1" }, 1, "bind");
    pairing.observe(bind);
    pairing.observe(bound);
    expect(bound.pair).toBe(bind.seq);

    pairing.observe(entry("out", { type: "get", id: "m1" }, 2, "message"));
    pairing.observe(entry("event", { type: "get", id: "e1" }, 2));
    expect(pairing.unanswered()).toEqual([]);
    const request = entry("out", { type: "get", id: "r1" });
    pairing.observe(request);
    const message = entry("in", { type: "error", id: "r1" }, 3, "message");
    const event = entry("event", { type: "result", id: "r1" }, 3);
    pairing.observe(message);
    pairing.observe(event);
    expect(message.pair).toBeUndefined();
    expect(event.pair).toBeUndefined();
    expect(pairing.unanswered().map(({ id }) => id)).toEqual(["r1"]);
  });

  it("needs an id and a type; other types neither ask nor answer", () => {
    const pairing = new IqPairing();
    pairing.observe(entry("out", undefined));
    pairing.observe(entry("out", { type: "get" }));
    pairing.observe(entry("out", { id: "no-type" }));
    pairing.observe(entry("out", { type: "chat", id: "odd" }));
    expect(pairing.unanswered()).toEqual([]);
    pairing.observe(entry("out", { type: "get", id: "x" }));
    const odd = entry("in", { type: "headline", id: "x" });
    const untyped = entry("in", { id: "x" });
    const bare = entry("in", undefined);
    for (const each of [odd, untyped, bare]) pairing.observe(each);
    expect(odd.pair).toBeUndefined();
    expect(untyped.pair).toBeUndefined();
    expect(pairing.unanswered().map(({ id }) => id)).toEqual(["x"]);
  });

  it("answers a request once: a second result with its id pairs with nothing", () => {
    const pairing = new IqPairing();
    const request = entry("out", { type: "get", id: "once" });
    const first = entry("in", { type: "result", id: "once" });
    const second = entry("in", { type: "result", id: "once" });
    for (const each of [request, first, second]) pairing.observe(each);
    expect(first.pair).toBe(request.seq);
    expect(second.pair).toBeUndefined();
    expect(second.rttMs).toBeUndefined();
    expect(pairing.unanswered()).toEqual([]);
  });

  it("lists the requests still waiting, oldest first, with their ids whole", () => {
    const pairing = new IqPairing();
    const first = entry("out", { type: "get", id: "a b" }, 5);
    const second = entry("in", { type: "set", id: "c" }, 7);
    pairing.observe(first);
    pairing.observe(second);
    expect(pairing.unanswered()).toEqual([
      { seq: first.seq, at: 5, id: "a b" },
      { seq: second.seq, at: 7, id: "c" },
    ]);
  });
});

describe("IqPairing: the reply comes from where the request went (RFC 7622 section 3)", () => {
  function pairs(to: string | undefined, from: string | undefined): boolean {
    const pairing = new IqPairing();
    pairing.observe(entry("out", { type: "get", id: "v", ...(to === undefined ? {} : { to }) }));
    const response = entry("in", { type: "result", id: "v", ...(from === undefined ? {} : { from }) });
    pairing.observe(response);
    return response.pair !== undefined;
  }

  it("pairs the addressee's reply, its localpart and domainpart in any case", () => {
    expect(pairs("bob@localhost/desk", "bob@localhost/desk")).toBe(true);
    expect(pairs("bob@localhost/desk", "BOB@LocalHost/desk")).toBe(true);
  });

  it("does not pair a reply from another resource, even one differing only in case (OpaqueString, section 3.4)", () => {
    expect(pairs("bob@localhost/desk", "bob@localhost/Desk")).toBe(false);
    expect(pairs("bob@localhost/desk", "bob@localhost/phone")).toBe(false);
    expect(pairs("bob@localhost/desk", "bob@localhost")).toBe(false);
    expect(pairs("bob@localhost/desk", "mallory@localhost/desk")).toBe(false);
  });

  it("pairs a reply that names no sender, and any reply to a request that named no addressee (RFC 6120 section 10.3)", () => {
    expect(pairs("bob@localhost/desk", undefined)).toBe(true);
    expect(pairs(undefined, "localhost")).toBe(true);
    expect(pairs(undefined, "guest@localhost")).toBe(true);
  });

  it("keeps the request waiting after a reply from elsewhere, for the real one", () => {
    const pairing = new IqPairing();
    const request = entry("out", { type: "get", id: "w", to: "bob@localhost/desk" });
    const spoofed = entry("in", { type: "result", id: "w", from: "mallory@localhost/desk" });
    const real = entry("in", { type: "result", id: "w", from: "bob@localhost/desk" });
    for (const each of [request, spoofed, real]) pairing.observe(each);
    expect(spoofed.pair).toBeUndefined();
    expect(real.pair).toBe(request.seq);
  });
});
