import { describe, expect, it } from "vitest";
import { parseClientMessage } from "./protocol";

const parse = (value: unknown) => parseClientMessage(JSON.stringify(value));
const FILTER = { toServer: true, toClient: false, kind: "iq", jid: "", namespace: "urn:xmpp:ping", text: "" };

describe("proxy messages from a tab", () => {
  it("keeps only the known fields of a proxy start", () => {
    expect(parse({ op: "proxy-start", ref: "1", upstream: { host: "127.0.0.1", port: 5222, extra: 1 }, transport: "starttls", clientSide: "tls", listenHost: "0.0.0.0" })).toEqual({
      op: "proxy-start",
      ref: "1",
      upstream: { host: "127.0.0.1", port: 5222 },
      transport: "starttls",
      clientSide: "tls",
    });
  });

  it("refuses a start without an upstream or with an unknown TLS choice, saying what is missing", () => {
    expect(parse({ op: "proxy-start", ref: "1", transport: "starttls", clientSide: "tls" })).toEqual({ invalid: expect.stringContaining("upstream") as string });
    expect(parse({ op: "proxy-start", ref: "1", upstream: { host: "h", port: 1 }, transport: "ssl", clientSide: "tls" })).toEqual({ invalid: expect.stringContaining("transport") as string });
  });

  it("takes an intercept filter or null, and refuses a filter that is not one", () => {
    expect(parse({ op: "proxy-intercept", ref: "2", proxyId: "p", filter: FILTER })).toEqual({ op: "proxy-intercept", ref: "2", proxyId: "p", filter: FILTER });
    expect(parse({ op: "proxy-intercept", ref: "2", proxyId: "p", filter: null })).toEqual({ op: "proxy-intercept", ref: "2", proxyId: "p", filter: null });
    expect(parse({ op: "proxy-intercept", ref: "2", proxyId: "p", filter: { ...FILTER, kind: "features" } })).toEqual({ invalid: expect.stringContaining("kind") as string });
  });

  it("checks inject's direction and release's action", () => {
    expect(parse({ op: "inject", ref: "3", sessionId: "s", direction: "to-client", xml: "<message/>" })).toEqual({ op: "inject", ref: "3", sessionId: "s", direction: "to-client", xml: "<message/>" });
    expect(parse({ op: "inject", ref: "3", sessionId: "s", direction: "sideways", xml: "<message/>" })).toEqual({ invalid: expect.stringContaining("direction") as string });
    expect(parse({ op: "release", ref: "4", sessionId: "s", heldId: 1, action: "forward", xml: "<iq/>" })).toEqual({ op: "release", ref: "4", sessionId: "s", heldId: 1, action: "forward", xml: "<iq/>" });
    expect(parse({ op: "release", ref: "4", sessionId: "s", heldId: 1, action: "keep" })).toEqual({ invalid: expect.stringContaining("action") as string });
    expect(parse({ op: "release", ref: "4", sessionId: "s", heldId: "1", action: "drop" })).toEqual({ invalid: expect.stringContaining("heldId") as string });
  });

  it("takes a proxy back only with its id and token", () => {
    expect(parse({ op: "proxy-attach", ref: "6", proxyId: "p", token: "t", extra: 1 })).toEqual({ op: "proxy-attach", ref: "6", proxyId: "p", token: "t" });
    expect(parse({ op: "proxy-attach", ref: "6", proxyId: "p" })).toEqual({ invalid: expect.stringContaining("token") as string });
  });

  it("still names an op nobody knows", () => {
    expect(parse({ op: "proxy-explode", ref: "5" })).toEqual({ invalid: 'unknown op "proxy-explode"' });
  });
});
