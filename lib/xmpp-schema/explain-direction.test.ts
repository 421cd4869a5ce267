import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../xmpp/entry";
import { explainEntry } from "./explain";

function entry(raw: string, fields: Partial<TranscriptEntry>): TranscriptEntry {
  return { seq: 1, dir: "in", at: 0, wall: 0, raw, kind: "other", ...fields };
}

function attributeOf(explanation: ReturnType<typeof explainEntry>, name: string) {
  return explanation.elements[0]!.attributes.find((attribute) => attribute.name === name)!;
}

describe("explanations speak from the direction the entry travelled", () => {
  const message = `<message from="bob@localhost/phone" to="alice@localhost/web" type="chat"><body>hi</body></message>`;

  it("a received from names the sender; a sent from is left to the server", () => {
    const received = explainEntry(entry(message, { dir: "in", kind: "message", attrs: { from: "bob@localhost/phone", type: "chat" } }));
    expect(attributeOf(received, "from").doc).toContain("Who sent it");
    expect(attributeOf(received, "from").doc).not.toContain("Leave it out");
    expect(attributeOf(received, "to").doc).toContain("for: you");
    const sent = explainEntry(entry(message, { dir: "out", kind: "message", attrs: { type: "chat" } }));
    expect(attributeOf(sent, "from").doc).toContain("Leave it out: your server stamps your full JID");
    expect(attributeOf(sent, "to").doc).toContain("intended recipient");
  });

  it("a received subscribe is the contact asking to see your presence", () => {
    const raw = `<presence from="bob@localhost" to="alice@localhost" type="subscribe"/>`;
    const received = explainEntry(entry(raw, { dir: "in", kind: "presence", attrs: { from: "bob@localhost", type: "subscribe" } }));
    expect(attributeOf(received, "type").valueDoc).toContain("The contact asks to see your presence");
    expect(received.summary).toContain("The contact asks to see your presence");
    const sent = explainEntry(entry(raw, { dir: "out", kind: "presence", attrs: { type: "subscribe" } }));
    expect(attributeOf(sent, "type").valueDoc).toContain("Ask to see the contact's presence");
    expect(sent.summary).not.toContain("asks to see your presence");
  });

  it("a received subscribed, unsubscribed and unavailable are the contact's doing", () => {
    for (const [type, wording] of [
      ["subscribed", "allowed you to see their presence"],
      ["unsubscribed", "refused or cancelled your subscription"],
      ["unavailable", "has gone offline"],
    ] as const) {
      const received = explainEntry(entry(`<presence from="bob@localhost" type="${type}"/>`, { dir: "in", kind: "presence", attrs: { type } }));
      expect(attributeOf(received, "type").valueDoc).toContain(wording);
    }
  });

  it("calls a roster push a push and says it must be answered with a result", () => {
    const raw = `<iq type="set" id="push1" to="alice@localhost/web"><query xmlns="jabber:iq:roster" ver="v2"><item jid="bob@localhost" subscription="none"/></query></iq>`;
    const push = explainEntry(entry(raw, { dir: "in", kind: "iq", attrs: { type: "set", id: "push1" } }));
    expect(push.summary).toBe(`The server sends a roster push (iq set, RFC 6121 section 2.1.6): your roster changed. Answer it with <iq type="result" id="push1"/>.`);
    // The same stanza sent by a client is a roster set, not a push.
    const set = explainEntry(entry(raw, { dir: "out", kind: "iq", attrs: { type: "set", id: "push1" } }));
    expect(set.summary).not.toContain("roster push");
    expect(set.summary).toContain("You send a request (iq set)");
  });

  it("a received request is one you must answer; a received result answers yours", () => {
    const raw = `<iq type="get" id="v1" from="bob@localhost/phone"><query xmlns="jabber:iq:version"/></iq>`;
    const request = explainEntry(entry(raw, { dir: "in", kind: "iq", attrs: { type: "get", id: "v1", from: "bob@localhost/phone" } }));
    expect(request.summary).toContain(`bob@localhost/phone sends you a request (iq get)`);
    expect(request.summary).toContain(`answer it with a result or an error carrying id="v1"`);
    expect(attributeOf(request, "type").valueDoc).toContain("you must answer");
    const result = explainEntry(entry(`<iq type="result" id="v1"/>`, { dir: "in", kind: "iq", attrs: { type: "result", id: "v1" } }));
    expect(attributeOf(result, "type").valueDoc).toContain("answer to your request");
  });

  it("children keep the schema's wording either way", () => {
    const received = explainEntry(entry(message, { dir: "in", kind: "message", attrs: { type: "chat" } }));
    const sent = explainEntry(entry(message, { dir: "out", kind: "message", attrs: { type: "chat" } }));
    expect(received.elements[1]!.doc).toBe(sent.elements[1]!.doc);
  });
});
