import { describe, expect, it } from "vitest";
import type { SessionState } from "../bridge/protocol";
import { Transcript } from "../xmpp/transcript";
import type { XmppSession } from "../xmpp/session";
import { accountValues } from "./capture";
import { parseScript } from "./parse";
import { runSteps, stepThrough } from "./run";

const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

/** A session on a Transcript of its own; `answer` plays the server for each stanza sent. */
function fakeSession(answer: (sent: string, session: { transcript: Transcript; close: () => void }) => void): XmppSession {
  const transcript = new Transcript();
  transcript.record("out", `${HEADER}`);
  transcript.record("in", `${HEADER.replace("version", "from='localhost' id='s1' version")}`);
  let state: SessionState = "online";
  const close = () => {
    state = "closed";
    transcript.recordEvent("closed", "the server closed the stream");
  };
  return {
    transcript,
    get currentState() {
      return state;
    },
    onState: () => () => undefined,
    connect: () => Promise.resolve("alice@localhost/r1"),
    send(xml: string) {
      transcript.record("out", xml);
      setTimeout(() => answer(xml, { transcript, close }), 5);
      return Promise.resolve();
    },
    close() {
      close();
      return Promise.resolve();
    },
  };
}

const SCRIPT = parseScript(
  `name: t
accounts: { alice: fresh }
steps:
  - send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    timeout: 0.3
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { name: pong, dir: in, stanza: iq, type: result, answers: ping }
    capture:
      server: { from: pong, attr: from }
  - send: <message to='{{server}}'><body>{{alice.full}}</body></message>
    expect:
      - { dir: out, stanza: message, to: localhost, has: [{ path: body, text: alice@localhost/r1 }] }
`,
  "t.yaml",
);
const VALUES = accountValues("alice", "alice@localhost/r1", "localhost");
const idOf = (xml: string) => /id='([^']+)'/.exec(xml)?.[1] ?? "";

describe("runSteps", () => {
  it("passes steps on the entries that met them, captures, and expands captures in later steps", async () => {
    const session = fakeSession((sent, { transcript }) => {
      if (sent.startsWith("<iq")) transcript.record("in", `<iq type='result' id='${idOf(sent)}' from='localhost'/>`);
    });
    const verdicts = await runSteps(SCRIPT, { alice: session }, VALUES);
    expect(verdicts.map((verdict) => [verdict.passed, verdict.matched.length, verdict.captured])).toEqual([
      [true, 2, { server: "localhost" }],
      [true, 1, {}],
    ]);
    expect(verdicts[1]!.window[0]!.raw).toBe("<message to='localhost'><body>alice@localhost/r1</body></message>");
  });

  it("on a timeout, says what it waited for and what came instead", async () => {
    const session = fakeSession((sent, { transcript }) => {
      transcript.record("in", `<iq type='error' id='${idOf(sent)}' from='localhost'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`);
    });
    const [first, second] = await runSteps(SCRIPT, { alice: session }, VALUES);
    expect(first!.passed).toBe(false);
    expect(second).toMatchObject({ passed: false, reason: "not run: {{server}} has no value, because the step that captures it did not pass", window: [] });
    expect(first!.reason).toMatch(/^waited 0\.3 s; expect\[1\] not met: .*came instead: #\d+ <iq type=error service-unavailable>\.$/);
    expect(first!.reason).toContain("the server refused: #");
  });

  it("stops when the session closes: the step says so, the later ones are not run", async () => {
    const session = fakeSession((_sent, { close }) => close());
    const verdicts = await runSteps(SCRIPT, { alice: session }, VALUES);
    expect(verdicts[0]!.reason).toMatch(/^the session closed \(the server closed the stream\); expect\[1\] not met/);
    expect(verdicts[1]).toMatchObject({ passed: false, reason: 'not run: alice\'s session closed during "step 1"' });
  });

  it("two accounts: a step sends as one and waits on the other's stream; a miss names the stream", async () => {
    const script = parseScript(
      `name: two
accounts: { alice: fresh, bob: fresh }
steps:
  - as: bob
    send: <message to='{{alice}}' id='{{id}}'><body>hi</body></message>
    timeout: 0.3
    expect:
      - { name: sent, dir: out, stanza: message }
      - { on: alice, dir: in, stanza: message, from: "{{bob}}", has: [{ path: body, text: hi }] }
  - send: <message to='{{bob}}' id='{{id}}'><body>lost</body></message>
    timeout: 0.2
    expect:
      - { on: bob, dir: in, stanza: message }
`,
      "two.yaml",
    );
    const alice = fakeSession(() => undefined);
    const bob = fakeSession((sent) => alice.transcript.record("in", sent.replace("<message", "<message from='bob@localhost/b1'")));
    const values = { ...VALUES, ...accountValues("bob", "bob@localhost/b1", "localhost") };
    const [first, second] = await runSteps(script, { alice, bob }, values);
    expect(first).toMatchObject({ as: "bob", passed: true });
    expect(first!.matched.map(({ account }) => account).sort()).toEqual(["alice", "bob"]);
    expect(first!.window.map(({ account, dir }) => `${account} ${dir}`)).toEqual(["bob out", "alice in"]);
    expect(second!.as).toBe("alice");
    expect(second!.reason).toMatch(/^on bob's stream: waited 0\.2 s; expect\[0\] not met: Nothing has arrived yet: a <message>\. nothing came from the server/);
  });

  it("steps one at a time: nothing is sent before next(), captures carry over, undefined at the end", async () => {
    const session = fakeSession((sent, { transcript }) => {
      if (sent.startsWith("<iq")) transcript.record("in", `<iq type='result' id='${idOf(sent)}' from='localhost'/>`);
    });
    const stepper = stepThrough(SCRIPT, { alice: session }, VALUES);
    expect(session.transcript.lastSeq).toBe(2);
    expect(stepper.position).toBe(0);
    expect(await stepper.next()).toMatchObject({ passed: true, captured: { server: "localhost" } });
    expect([stepper.position, stepper.values.server]).toEqual([1, "localhost"]);
    expect(session.transcript.since(2).map((entry) => entry.kind)).toEqual(["iq", "iq"]);
    expect(await stepper.next()).toMatchObject({ passed: true });
    expect(await stepper.next()).toBeUndefined();
  });
});
