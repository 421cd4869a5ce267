import { describe, expect, it } from "vitest";
import { parseClientMessage } from "./protocol";

const open = { op: "open", ref: "1", mode: "guided", transport: "plain", mechanism: "PLAIN", initialPresence: true, account: { kind: "existing", jid: "alice@localhost", password: "alice" } };

describe("parseClientMessage", () => {
  it("accepts the requests a tab sends", () => {
    expect(parseClientMessage(JSON.stringify(open))).toEqual(open);
    expect(parseClientMessage(JSON.stringify({ ...open, account: { kind: "fresh" }, server: { host: "127.0.0.1", port: 5224 } }))).not.toHaveProperty("invalid");
    expect(parseClientMessage(JSON.stringify({ op: "attach", ref: "2", sessionId: "s", token: "t", afterSeq: 10 }))).not.toHaveProperty("invalid");
  });

  it.each([
    ["not json", "{", /not JSON/],
    ["no ref", JSON.stringify({ op: "send" }), /no ref/],
    ["unknown op", JSON.stringify({ op: "rm -rf", ref: "1" }), /unknown op/],
    ["bad transport", JSON.stringify({ ...open, transport: "carrier-pigeon" }), /unknown transport/],
    ["bad mode", JSON.stringify({ ...open, mode: "auto" }), /mode/],
    ["bad account", JSON.stringify({ ...open, account: { kind: "existing", jid: 3 } }), /jid and password/],
    ["bad server", JSON.stringify({ ...open, server: { host: "x", port: "5222" } }), /integer port/],
    ["attach without token", JSON.stringify({ op: "attach", ref: "1", sessionId: "s", afterSeq: 0 }), /token/],
  ])("refuses %s with a reason", (_name, text, reason) => {
    const parsed = parseClientMessage(text);
    expect(parsed).toHaveProperty("invalid");
    expect((parsed as { invalid: string }).invalid).toMatch(reason);
  });
});

/** Every branch of the parser: what a tab may send comes through as sent, anything else is refused with its reason. */
describe("parseClientMessage: each request, accepted as sent", () => {
  const ws = { ...open, transport: "websocket" };
  it.each([
    ["a send", { op: "send", ref: "1", sessionId: "s", xml: "<presence/>" }],
    ["a close", { op: "close", ref: "1", sessionId: "s" }],
    ["a reveal", { op: "reveal", ref: "1", sessionId: "s" }],
    ["a reconnect (drop the raw connection and dial again)", { op: "reconnect", ref: "1", sessionId: "s" }],
    ["an ack", { op: "ack", ref: "1", sessionId: "s", seq: 12 }],
    ["an attach", { op: "attach", ref: "1", sessionId: "s", token: "t", afterSeq: 0 }],
    ["a raw open with SCRAM", { ...open, mode: "raw", mechanism: "SCRAM-SHA-1", initialPresence: false }],
    ["an open over STARTTLS", { ...open, transport: "starttls" }],
    ["an open over direct TLS", { ...open, transport: "tls" }],
    ["an open on another server", { ...open, server: { host: "xmpp.example", port: 5222 } }],
    ["a WebSocket open with a path only", { ...ws, server: { host: "h", port: 443, path: "/xmpp-websocket" } }],
    ["a WebSocket open with wss:// only", { ...ws, server: { host: "h", port: 443, tls: false } }],
    ["a lesson open with no peer", { ...open, account: { kind: "fresh" }, lesson: { peer: "none" } }],
  ])("%s", (_what, message) => {
    // Strict: a field the parser adds as undefined (server.path on a TCP open) is a change too.
    expect(parseClientMessage(JSON.stringify(message))).toStrictEqual(message);
  });
});

describe("parseClientMessage: each malformed request, refused with the reason", () => {
  const ws = { ...open, transport: "websocket" };
  it.each([
    ["JSON null", null, "the message is not an object"],
    ["a JSON array", [{ op: "send" }], "the message is not an object"],
    ["a JSON number", 7, "the message is not an object"],
    ["a ref that is a number", { op: "close", ref: 1, sessionId: "s" }, "the message has no ref"],
    ["no op", { ref: "1" }, "unknown op undefined"],
    ["an unknown op", { op: "rm -rf", ref: "1" }, 'unknown op "rm -rf"'],
    ["a send without xml", { op: "send", ref: "1", sessionId: "s" }, "send needs sessionId and xml"],
    ["a send without a session", { op: "send", ref: "1", xml: "<a/>" }, "send needs sessionId and xml"],
    ["a close without a session", { op: "close", ref: "1" }, "close needs sessionId"],
    ["a reveal without a session", { op: "reveal", ref: "1", sessionId: 3 }, "reveal needs sessionId"],
    ["a reconnect without a session", { op: "reconnect", ref: "1" }, "reconnect needs sessionId"],
    ["an ack with a fractional seq", { op: "ack", ref: "1", sessionId: "s", seq: 1.5 }, "ack needs sessionId and an integer seq"],
    ["an ack without a session", { op: "ack", ref: "1", seq: 1 }, "ack needs sessionId and an integer seq"],
    ["an attach without a session", { op: "attach", ref: "1", token: "t", afterSeq: 0 }, "attach needs sessionId, token and afterSeq"],
    ["an attach with a seq in a string", { op: "attach", ref: "1", sessionId: "s", token: "t", afterSeq: "0" }, "attach needs sessionId, token and afterSeq"],
    ["an open in no mode", { ...open, mode: undefined }, "open needs mode guided or raw"],
    ["a transport that is not a string", { ...open, transport: 5 }, "unknown transport"],
    ["an unknown mechanism", { ...open, mechanism: "DIGEST-MD5" }, "unknown SASL mechanism"],
    ["an open without initialPresence", { ...open, initialPresence: "yes" }, "open needs initialPresence"],
    ["an open without an account", { ...open, account: "alice" }, "open needs an account"],
    ["an existing account without a password", { ...open, account: { kind: "existing", jid: "alice@localhost" } }, "an existing account needs jid and password"],
    ["an existing account whose jid is a number", { ...open, account: { kind: "existing", jid: 7, password: "pw" } }, "an existing account needs jid and password"],
    ["an account of another kind", { ...open, account: { kind: "borrowed" } }, "account.kind must be existing or fresh"],
    ["a server that is a string", { ...open, server: "xmpp.example:5222" }, "server needs host and an integer port"],
    ["a server without a host", { ...open, server: { port: 5222 } }, "server needs host and an integer port"],
    ["a server with a fractional port", { ...open, server: { host: "h", port: 52.22 } }, "server needs host and an integer port"],
    ["wss:// on a TCP transport", { ...open, server: { host: "h", port: 1, tls: true } }, "server.path and server.tls are for the websocket transport only"],
    ["a path that is not a string", { ...ws, server: { host: "h", port: 1, path: 7 } }, "server.path must be a string"],
  ])("refuses %s", (_what, message, reason) => {
    expect(parseClientMessage(JSON.stringify(message))).toEqual({ invalid: reason });
  });

  it("keeps no field of server it does not know, on a TCP transport too", () => {
    const parsed = parseClientMessage(JSON.stringify({ ...open, server: { host: "h", port: 1, addresses: ["10.0.0.1"] } }));
    expect(parsed).toStrictEqual({ ...open, server: { host: "h", port: 1 } });
  });
});
