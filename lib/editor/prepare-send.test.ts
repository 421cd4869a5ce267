import { describe, expect, it } from "vitest";
import { prepareSend, prepareSendOnce } from "./prepare-send";

const VARS = { me: "alice@localhost/laptop", domain: "localhost", peer: "bob@localhost" };
const fixedId = () => "fixed";

function marked(text: string, offset: number, length: number): string {
  return text.slice(offset, offset + length);
}

describe("prepareSend", () => {
  it("expands variables and lets a valid stanza go", () => {
    const prepared = prepareSend(`<iq type="get" id="{{id}}" to="{{domain}}"><ping xmlns="urn:xmpp:ping"/></iq>`, "guided", VARS, fixedId);
    expect(prepared).toEqual({ text: `<iq type="get" id="fixed" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`, diagnostics: [], blocked: false });
  });

  it("blocks on an error and places it on the text as typed, after a variable that changed lengths", () => {
    const text = `<message to="{{peer}}" type="chat"><body>hi</body></mesage>`;
    const prepared = prepareSend(text, "guided", VARS, fixedId);
    expect(prepared.blocked).toBe(true);
    expect(prepared.diagnostics).toHaveLength(1);
    const [diagnostic] = prepared.diagnostics;
    expect(marked(text, diagnostic!.offset, diagnostic!.length)).toBe("</mesage>");
  });

  it("points at the variable when its value is the problem, and says what the value is", () => {
    const text = `<message to="{{peer}}" type="chat"><body>hi</body></message>`;
    const prepared = prepareSend(text, "guided", { ...VARS, peer: "" }, fixedId);
    expect(prepared.blocked).toBe(true);
    const [diagnostic] = prepared.diagnostics;
    expect(marked(text, diagnostic!.offset, diagnostic!.length)).toBe("{{peer}}");
    expect(diagnostic!.message).toContain("{{peer}} is empty right now");

    const bad = prepareSend(text, "guided", { ...VARS, peer: "bob@" }, fixedId);
    expect(marked(text, bad.diagnostics[0]!.offset, bad.diagnostics[0]!.length)).toBe("{{peer}}");
    expect(bad.diagnostics[0]!.message).toContain(`{{peer}} is "bob@" right now`);
  });

  it("warns about an unknown variable without blocking", () => {
    const text = `<message to="{{peer}}" type="chat"><body>{{greeting}}</body></message>`;
    const prepared = prepareSend(text, "guided", VARS, fixedId);
    expect(prepared.blocked).toBe(false);
    expect(prepared.diagnostics.map((diagnostic) => [diagnostic.code, marked(text, diagnostic.offset, diagnostic.length)])).toEqual([["unknown-variable", "{{greeting}}"]]);
    expect(prepared.text).toContain("{{greeting}}");
  });

  it("blocks an empty editor", () => {
    expect(prepareSend("", "guided", VARS, fixedId)).toMatchObject({ blocked: true, diagnostics: [{ code: "empty" }] });
  });

  it("lets whitespace alone go, as it is, as a keepalive (RFC 6120 section 4.6.1)", () => {
    for (const mode of ["guided", "raw"] as const) {
      const prepared = prepareSend(" \n\t", mode, VARS, fixedId);
      expect(prepared).toEqual({ text: " \n\t", blocked: false, diagnostics: [expect.objectContaining({ code: "keepalive", severity: "info", offset: 0, length: 3 })] });
      expect(prepared.diagnostics[0]?.message).toMatch(/whitespace keepalive \(RFC 6120 section 4\.6\.1\)/);
    }
  });

  it("judges by mode: a stream header is fine in raw mode only", () => {
    const header = `<stream:stream to="{{domain}}" xmlns="jabber:client" xmlns:stream="http://etherx.jabber.org/streams" version="1.0">`;
    expect(prepareSend(header, "raw", VARS, fixedId).blocked).toBe(false);
    expect(prepareSend(header, "guided", VARS, fixedId).blocked).toBe(true);
  });

  it("does not block on warnings", () => {
    const prepared = prepareSend(`<iq type="get" id="1"><query xmlns="jabber:iq:roster"><foo/></query></iq>`, "guided", VARS, fixedId);
    expect(prepared.diagnostics.map((diagnostic) => diagnostic.severity)).toEqual(["warning"]);
    expect(prepared.blocked).toBe(false);
  });

  it("refuses text over the send limit at once, naming the setting, without checking it", () => {
    const huge = `<message><body>${"x".repeat(2000)}</body></message>`;
    const prepared = prepareSend(huge, "guided", VARS, fixedId, 1000);
    expect(prepared.blocked).toBe(true);
    expect(prepared.diagnostics).toEqual([expect.objectContaining({ code: "too-large", severity: "error" })]);
    expect(prepared.diagnostics[0]?.message).toMatch(/^This text is 2,032 characters, over the send limit of 1,000 \(BRIDGE_MAX_SEND_CHARS\)\. Send it in smaller pieces/);
    // A variable that makes the text too long counts too.
    expect(prepareSend(`<message to="{{peer}}"/>`, "guided", { ...VARS, peer: "p".repeat(1000) }, fixedId, 1000).diagnostics[0]?.code).toBe("too-large");
    expect(prepareSend(`<presence/>`, "guided", VARS, fixedId, 1000).blocked).toBe(false);
  });
});

describe("prepareSendOnce", () => {
  const ping = (id: string) => `<iq type="get" id="${id}" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`;

  it("answers the same text twice with one check, and the same decision as prepareSend", () => {
    const text = ping("once-1");
    const first = prepareSendOnce(text, "guided", VARS, fixedId);
    expect(first).toEqual(prepareSend(text, "guided", VARS, fixedId));
    expect(prepareSendOnce(text, "guided", VARS, fixedId)).toBe(first);
    // A string mode is a STARTTLS session: the same question.
    expect(prepareSendOnce(text, { mode: "guided", transport: "starttls" }, VARS, fixedId)).toBe(first);
  });

  it("checks again when the text, the mode, the transport or the limit changes", () => {
    const text = ping("once-2");
    const first = prepareSendOnce(text, "guided", VARS, fixedId);
    const raw = prepareSendOnce(text, "raw", VARS, fixedId);
    expect(raw).not.toBe(first);
    const websocket = prepareSendOnce(text, { mode: "raw", transport: "websocket" }, VARS, fixedId);
    expect(websocket).not.toBe(raw);
    // Over WebSocket a stanza must declare its namespace: the answer is that transport's own.
    expect(websocket.diagnostics).toEqual(prepareSend(text, { mode: "raw", transport: "websocket" }, VARS, fixedId).diagnostics);
    const limited = prepareSendOnce(text, { mode: "raw", transport: "websocket" }, VARS, fixedId, 10);
    expect(limited.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(["too-large"]);
    expect(prepareSendOnce(ping("once-3"), "guided", VARS, fixedId).text).toBe(ping("once-3"));
  });

  it("never reuses an answer for text with variables: each send gets a fresh id and today's values", () => {
    const text = `<iq type="get" id="{{id}}" to="{{domain}}"><ping xmlns="urn:xmpp:ping"/></iq>`;
    let n = 0;
    const counting = () => `n${++n}`;
    const first = prepareSendOnce(text, "guided", VARS, counting);
    const second = prepareSendOnce(text, "guided", { ...VARS, domain: "example.net" }, counting);
    expect(first.text).toBe(`<iq type="get" id="n1" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`);
    expect(second.text).toBe(`<iq type="get" id="n2" to="example.net"><ping xmlns="urn:xmpp:ping"/></iq>`);
  });
});
