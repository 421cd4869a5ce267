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
