import { describe, expect, it } from "vitest";
import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";
import type { Expectation } from "./types";
import { buildLessonVariables } from "./variables";
import { evaluateStepWindow } from "./step-window";
import { loginEndSeq } from "./login-end";

const vars = buildLessonVariables({ username: "guest-abc", password: "pw", domain: "localhost", peer: "peer-xyz@localhost", random: () => "r1" });
const HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
const guided = { mode: "guided" as const, initialPresence: true };

/** A guided session's start: the login, the "online" event, the library's presence. */
function loggedIn(): Transcript {
  const transcript = new Transcript();
  transcript.recordEvent("connecting", "connecting to localhost:5222 (starttls)");
  transcript.record("out", HEADER);
  transcript.recordEvent("online", "online as guest-abc@localhost/web");
  transcript.record("out", "<presence/>");
  return transcript;
}
const sendsMessage: Expectation[] = [{ dir: "out", stanza: "message" }];

describe("loginEndSeq", () => {
  it("a raw session has no login of its own: the window starts at the first entry", () => {
    expect(loginEndSeq([], { mode: "raw", initialPresence: true })).toBe(0);
  });

  it("a guided session's login ends with its initial presence, or with the online event without one", () => {
    const entries = loggedIn().since(0);
    expect(loginEndSeq(entries, guided)).toBe(4);
    expect(loginEndSeq(entries, { mode: "guided", initialPresence: false })).toBe(3);
  });

  it("is not over before the online event, nor before the presence that follows it", () => {
    const transcript = new Transcript();
    transcript.record("out", HEADER + "<presence/>");
    expect(loginEndSeq(transcript.since(0), guided)).toBeNull();
    transcript.recordEvent("online", "online as guest-abc@localhost/web");
    expect(loginEndSeq(transcript.since(0), guided)).toBeNull();
    transcript.record("in", "<presence from='peer-xyz@localhost'/>");
    expect(loginEndSeq(transcript.since(0), guided)).toBeNull();
  });
});

describe("evaluateStepWindow", () => {
  it("judges nothing until the login is over or while the variables are unknown", () => {
    const transcript = new Transcript();
    transcript.record("out", HEADER + "<message to='peer-xyz@localhost'><body>hi</body></message>");
    expect(evaluateStepWindow(transcript.since(0), sendsMessage, vars, 0, guided)).toEqual({ result: null, attempted: false, window: [] });
    const raw = { mode: "raw" as const, initialPresence: false };
    expect(evaluateStepWindow(transcript.since(0), sendsMessage, null, 0, raw)).toEqual({ result: null, attempted: false, window: [] });
  });

  it("checks only what came after the login and the window's start", () => {
    const transcript = loggedIn();
    transcript.record("out", "<message to='peer-xyz@localhost'><body>early</body></message>");
    const windowStart = transcript.lastSeq;
    expect(evaluateStepWindow(transcript.since(0), sendsMessage, vars, windowStart, guided)).toMatchObject({ result: { passed: false }, attempted: false });
    transcript.record("out", "<message to='peer-xyz@localhost'><body>now</body></message>");
    const judged = evaluateStepWindow(transcript.since(0), sendsMessage, vars, windowStart, guided);
    expect(judged).toMatchObject({ result: { passed: true, matched: [6] }, attempted: true });
    // The diagnosis reads the very entries the check judged.
    expect(judged.window.map((entry) => entry.seq)).toEqual([6]);
  });

  it("does not count the login's own presence, or a runner's barrier ping, as an attempt", () => {
    const transcript = loggedIn();
    expect(evaluateStepWindow(transcript.since(0), sendsMessage, vars, 0, guided).attempted).toBe(false);
    transcript.record("out", "<iq type='get' id='lesson-barrier-1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    expect(evaluateStepWindow(transcript.since(0), sendsMessage, vars, 0, guided).attempted).toBe(false);
    transcript.record("out", "<iq type='get' id='mine' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    expect(evaluateStepWindow(transcript.since(0), sendsMessage, vars, 0, guided).attempted).toBe(true);
  });

  it("counts only sends as attempts, not what arrives", () => {
    const entries: TranscriptEntry[] = [...loggedIn().since(0), { seq: 5, dir: "in", at: 0, wall: 0, raw: "<message/>", kind: "message", name: "message" }];
    expect(evaluateStepWindow(entries, sendsMessage, vars, 0, guided).attempted).toBe(false);
  });
});
