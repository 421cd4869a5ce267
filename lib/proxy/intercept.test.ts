import { describe, expect, it } from "vitest";
import { HoldQueue, matchesFilter, parseInterceptFilter, type InterceptFilter } from "./intercept";

const ANY: InterceptFilter = { toServer: true, toClient: true, kind: "", jid: "", namespace: "", text: "" };
const MESSAGE = { kind: "message" as const, attrs: { to: "Bob@localhost/phone", from: "alice@localhost/a" }, raw: "<message to='Bob@localhost/phone'><body>Hello</body></message>" };
const PING = { kind: "iq" as const, attrs: { type: "get", id: "p1" }, raw: "<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>" };

describe("matchesFilter", () => {
  it("holds each direction only when asked", () => {
    expect(matchesFilter({ ...ANY, toClient: false }, "to-server", MESSAGE)).toBe(true);
    expect(matchesFilter({ ...ANY, toClient: false }, "to-client", MESSAGE)).toBe(false);
    expect(matchesFilter({ ...ANY, toServer: false }, "to-server", MESSAGE)).toBe(false);
  });

  it("never holds stream negotiation, only stanzas", () => {
    expect(matchesFilter(ANY, "to-server", { kind: "sasl", raw: "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>" })).toBe(false);
    expect(matchesFilter(ANY, "to-client", { kind: "features", raw: "<stream:features/>" })).toBe(false);
  });

  it("matches kind, part of either JID in any case, and text in any case", () => {
    expect(matchesFilter({ ...ANY, kind: "iq" }, "to-server", MESSAGE)).toBe(false);
    expect(matchesFilter({ ...ANY, kind: "message" }, "to-server", MESSAGE)).toBe(true);
    expect(matchesFilter({ ...ANY, jid: "bob@LOCALHOST" }, "to-server", MESSAGE)).toBe(true);
    expect(matchesFilter({ ...ANY, jid: "alice@" }, "to-server", MESSAGE)).toBe(true);
    expect(matchesFilter({ ...ANY, jid: "carol" }, "to-server", MESSAGE)).toBe(false);
    expect(matchesFilter({ ...ANY, jid: "carol" }, "to-server", PING)).toBe(false);
    expect(matchesFilter({ ...ANY, text: "hello" }, "to-server", MESSAGE)).toBe(true);
    expect(matchesFilter({ ...ANY, text: "bye" }, "to-server", MESSAGE)).toBe(false);
  });

  it("matches a namespace at any depth, the default one included", () => {
    expect(matchesFilter({ ...ANY, namespace: "urn:xmpp:ping" }, "to-server", PING)).toBe(true);
    expect(matchesFilter({ ...ANY, namespace: "urn:xmpp:ping" }, "to-server", MESSAGE)).toBe(false);
    expect(matchesFilter({ ...ANY, namespace: "jabber:client" }, "to-server", MESSAGE)).toBe(true);
    // Text mentioning a namespace is not the namespace.
    expect(matchesFilter({ ...ANY, namespace: "urn:xmpp:ping" }, "to-server", { ...MESSAGE, raw: "<message><body>urn:xmpp:ping</body></message>" })).toBe(false);
  });
});

describe("parseInterceptFilter", () => {
  it("takes a whole filter and refuses what is not one, saying which field", () => {
    expect(parseInterceptFilter({ ...ANY, kind: "iq" })).toEqual({ ...ANY, kind: "iq" });
    expect(parseInterceptFilter({ ...ANY, kind: "sasl" })).toEqual({ invalid: expect.stringContaining("kind") as string });
    expect(parseInterceptFilter({ ...ANY, text: 3 })).toEqual({ invalid: expect.stringContaining("text") as string });
    expect(parseInterceptFilter({ toServer: "yes" })).toEqual({ invalid: expect.stringContaining("toServer") as string });
    expect(parseInterceptFilter(null)).toEqual({ invalid: "the filter is not an object" });
  });
});

describe("HoldQueue", () => {
  it("holds in order, takes each once, and tells listeners every change", () => {
    const queue = new HoldQueue();
    const seen: number[][] = [];
    queue.onChange((held) => seen.push(held.map((stanza) => stanza.id)));
    const first = queue.hold("to-server", "message", "<message/>");
    const second = queue.hold("to-client", "iq", "<iq/>");
    expect(queue.list().map((stanza) => stanza.raw)).toEqual(["<message/>", "<iq/>"]);
    expect(queue.take(first.id)?.raw).toBe("<message/>");
    expect(queue.take(first.id)).toBeUndefined();
    expect(queue.takeAll().map((stanza) => stanza.id)).toEqual([second.id]);
    expect(seen).toEqual([[1], [1, 2], [2], []]);
  });
});
