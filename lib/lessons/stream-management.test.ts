import { describe, expect, it } from "vitest";
import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";
import { evaluateCheck } from "./check";
import { diagnoseStep } from "./diagnose";
import { stanzaCount, streamManagementAnswer, streamManagementValues } from "./stream-management";
import type { Expectation } from "./types";
import { buildLessonVariables } from "./variables";

const vars = buildLessonVariables({ username: "guest-abc", password: "pw", domain: "sm.localhost", peer: "peer-xyz@localhost", random: () => "r1" });
const SM = "urn:xmpp:sm:3";

/** Entries framed and classified by a real Transcript; "connected" marks a new connection. */
function transcript(...wire: (["out" | "in", string] | "connected")[]): TranscriptEntry[] {
  const recorder = new Transcript();
  for (const item of wire) {
    if (item === "connected") recorder.recordEvent("connected", "connected");
    else recorder.record(item[0], item[1]);
  }
  return recorder.since(0);
}

const bound: ["out" | "in", string][] = [
  ["out", "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"],
  ["out", `<enable xmlns='${SM}' resume='true'/>`],
  ["in", "<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>guest-abc@sm.localhost/lesson</jid></bind></iq>"],
  ["in", `<enabled xmlns='${SM}' resume='true' id='SMID-1' max='1800'/>`],
];
const echo: ["out" | "in", string][] = [
  ["out", "<message to='peer-xyz@localhost' type='chat' id='m1'><body>hi</body></message>"],
  ["in", "<message from='peer-xyz@localhost/scripted' type='chat' id='e1'><body>echo: hi</body></message>"],
  ["in", `<r xmlns='${SM}'/>`],
];
const ack: Expectation = { dir: "out", stanza: "a", ns: SM, smCount: "in" };

describe("stanzaCount (XEP-0198 §4)", () => {
  it("counts stanzas each way after <enabled/>, never the bind before it nor nonzas", () => {
    const entries = transcript(...bound, ...echo, ["out", `<r xmlns='${SM}'/>`], ["in", `<a xmlns='${SM}' h='1'/>`]);
    const end = entries.at(-1)!.seq + 1;
    expect(stanzaCount(entries, "in", end)).toBe(1);
    expect(stanzaCount(entries, "out", end)).toBe(1);
  });

  it("is undefined before stream management began", () => {
    const entries = transcript(["out", "<presence/>"], ["in", "<presence from='guest-abc@sm.localhost/lesson'/>"]);
    expect(stanzaCount(entries, "in", 99)).toBeUndefined();
  });

  it("stops at the end of the connection that enabled it, for a later <resume h/>", () => {
    const entries = transcript(...bound, ...echo, "connected", ["in", "<iq type='result' id='x'/>"]);
    expect(stanzaCount(entries, "in", entries.at(-1)!.seq + 1)).toBe(1);
  });

  it("after <resumed/>, starts from the h values the two sides exchanged (§5)", () => {
    const entries = transcript(
      ...bound,
      ...echo,
      "connected",
      ["out", `<resume xmlns='${SM}' h='1' previd='SMID-1'/>`],
      ["in", `<resumed xmlns='${SM}' h='1' previd='SMID-1'/>`],
      ["in", "<message from='peer-xyz@localhost/scripted' type='chat'><body>later</body></message>"],
    );
    expect(stanzaCount(entries, "in", entries.at(-1)!.seq + 1)).toBe(2);
    expect(stanzaCount(entries, "out", entries.at(-1)!.seq + 1)).toBe(1);
  });
});

describe("the smCount matcher and Solve's values", () => {
  it("passes the ack whose h is the count, and only it", () => {
    const right = transcript(...bound, ...echo, ["out", `<a xmlns='${SM}' h='1'/>`]);
    expect(evaluateCheck([ack], right, vars).passed).toBe(true);
    const low = transcript(...bound, ...echo, ["out", `<a xmlns='${SM}' h='0'/>`]);
    expect(evaluateCheck([ack], low, vars).passed).toBe(false);
  });

  it("counts from the whole session when the window starts after <enabled/>", () => {
    const entries = transcript(...bound, ...echo, ["out", `<a xmlns='${SM}' h='1'/>`]);
    const window = entries.filter((entry) => entry.name === "a");
    expect(evaluateCheck([ack], window, vars).passed).toBe(false);
    expect(evaluateCheck([ack], window, vars, entries).passed).toBe(true);
  });

  it("tells the learner what the count is and what ejabberd does with a wrong one", () => {
    const entries = transcript(...bound, ...echo, ["out", `<a xmlns='${SM}' h='0'/>`]);
    const result = evaluateCheck([ack], entries, vars);
    const diagnosis = diagnoseStep({ check: [ack], session: entries, window: entries, variables: vars, result });
    expect(diagnosis?.closest?.differences).toEqual([expect.stringMatching(/^h is "0", but 1 stanza \(message, presence, iq\) the server sent you since <enabled\/>.*fewer than arrived; ejabberd accepts that silently/)]);
    const high = transcript(...bound, ...echo, ["out", `<a xmlns='${SM}' h='5'/>`]);
    const highDiagnosis = diagnoseStep({ check: [ack], session: high, window: high, variables: vars, result: evaluateCheck([ack], high, vars) });
    expect(highDiagnosis?.closest?.differences[0]).toMatch(/more than the server sent, which ejabberd answers with the stream error <undefined-condition\/>/);
  });

  it("fills {{sm.h}} and {{sm.id}} from the wire, and says why it cannot before <enabled/>", () => {
    const entries = transcript(...bound, ...echo);
    expect(streamManagementValues(entries)).toEqual({ ok: true, values: { "sm.h": "1", "sm.id": "SMID-1" } });
    expect(streamManagementAnswer(`<resume xmlns='${SM}' previd='{{sm.id}}' h='{{sm.h}}'/>`, entries, vars)).toEqual({ ok: true, text: `<resume xmlns='${SM}' previd='SMID-1' h='1'/>` });
    const early = streamManagementValues(transcript(["out", "<presence/>"]));
    expect(early.ok).toBe(false);
  });
});

describe("a stream dialled again (a step's drop-connection action)", () => {
  it("is not stuck on authentication done on the connection before", () => {
    const recorder = new Transcript();
    recorder.record("in", "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    recorder.recordEvent("authenticated", "authenticated");
    const authenticate: Expectation[] = [{ dir: "out", stanza: "auth", ns: "urn:ietf:params:xml:ns:xmpp-sasl" }];
    const stuckOn = (session: TranscriptEntry[]) => diagnoseStep({ check: authenticate, session, window: [], variables: vars, result: evaluateCheck(authenticate, [], vars) })?.stuck;
    expect(stuckOn(recorder.since(0))?.text).toMatch(/already authenticated/);
    recorder.recordEvent("dropped", "dropped the connection");
    recorder.recordEvent("connected", "connected");
    expect(stuckOn(recorder.since(0))).toBeUndefined();
  });
});
