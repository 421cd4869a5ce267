import { describe, expect, it } from "vitest";
import { parseScript, ScriptFormatError } from "./parse";

const GOOD = `name: Ping
accounts:
  alice: fresh
steps:
  - name: ping
    send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { name: pong, dir: in, stanza: iq, type: result, answers: ping }
    capture:
      server: { from: pong, attr: from }
    timeout: 2
  - send: <message to='{{server}}'/>
    expect:
      - { dir: out, stanza: message, to: "{{server}}" }
`;

function failure(text: string): ScriptFormatError {
  try {
    parseScript(text, "t.yaml");
  } catch (error) {
    if (error instanceof ScriptFormatError) return error;
    throw error;
  }
  throw new Error("the script parsed");
}

describe("parseScript", () => {
  it("reads a good script: accounts, steps with their lines, expectations, captures, timeouts", () => {
    const script = parseScript(GOOD, "t.yaml");
    expect(script.name).toBe("Ping");
    expect(script.accounts).toEqual([{ name: "alice", kind: "fresh" }]);
    expect(script.steps.map((step) => [step.name, step.line, step.timeoutMs])).toEqual([
      ["ping", 5, 2000],
      ["step 2", 13, 5000],
    ]);
    expect(script.steps[0]!.expect[1]).toEqual({ name: "pong", dir: "in", stanza: "iq", type: "result", answers: "ping" });
    expect(script.steps[0]!.capture).toEqual([{ name: "server", from: "pong", attr: "from" }]);
  });

  it("names file, line and field for a YAML syntax error", () => {
    const error = failure("name: x\naccounts: { alice: fresh\nsteps: []\n");
    expect(error.file).toBe("t.yaml");
    expect(error.line).toBeGreaterThanOrEqual(2);
    expect(error.message).toMatch(/^t\.yaml:\d+: is not valid YAML/);
  });

  it("names the line and field of an unknown field inside an expectation", () => {
    const error = failure(GOOD.replace("{ dir: out, stanza: message,", "{ dir: out, stanzza: message,"));
    expect(error.field).toBe("steps[1].expect[0].stanzza");
    expect(error.line).toBe(15);
    expect(error.message).toContain('unknown field "stanzza"');
  });

  it("names a wrong value with its line: a direction that does not exist", () => {
    const error = failure(GOOD.replace("{ name: pong, dir: in,", "{ name: pong, dir: inn,"));
    expect([error.field, error.line]).toEqual(["steps[0].expect[1].dir", 9]);
    expect(error.problem).toContain("write one of out, in, event");
  });

  it("points at the parent's line for a missing field", () => {
    const error = failure(GOOD.replace("  - send: <message to='{{server}}'/>\n    expect:\n      - { dir: out, stanza: message, to: \"{{server}}\" }\n", "  - send: <message/>\n"));
    expect([error.field, error.line]).toEqual(["steps[1].expect", 13]);
  });

  it("refuses a capture from an expectation the step does not name, and a bad timeout", () => {
    expect(failure(GOOD.replace("{ from: pong, attr", "{ from: pongg, attr")).field).toBe("steps[0].capture.server.from");
    const timeout = failure(GOOD.replace("timeout: 2", "timeout: soon"));
    expect([timeout.field, timeout.line]).toEqual(["steps[0].timeout", 12]);
  });

  it("refuses a variable nothing defines, and a capture used before its step", () => {
    const unknown = failure(GOOD.replace("to='{{domain}}'", "to='{{domian}}'"));
    expect([unknown.field, unknown.line]).toEqual(["steps[0].send", 6]);
    expect(unknown.problem).toContain("{{domian}} is not defined here; the variables are domain, run, alice, alice.full");
    const early = failure(GOOD.replace("{ name: ping, dir: out, stanza: iq }", '{ name: ping, dir: out, stanza: iq, to: "{{server}}" }'));
    expect([early.field, early.line]).toEqual(["steps[0].expect[0].to", 8]);
  });

  it("reads two accounts, the sender (as:) and the stream (on:) of each expectation; refuses names no account has", () => {
    const two = GOOD.replace("alice: fresh", "alice: fresh\n  bob: given").replace("{ name: ping, dir: out, stanza: iq }", "{ name: ping, dir: out, stanza: iq }\n      - { on: bob, dir: in, stanza: message, from: \"{{alice.full}}\" }");
    const script = parseScript(two, "two.yaml");
    expect(script.accounts).toEqual([{ name: "alice", kind: "fresh" }, { name: "bob", kind: "given" }]);
    expect(script.steps[0]!.as).toBe("alice");
    expect(script.steps[0]!.on).toEqual(["alice", "bob", "alice"]);
    expect(script.steps[0]!.expect[1]).toEqual({ dir: "in", stanza: "message", from: "{{alice.full}}" });
    expect(parseScript(two.replace("  - name: ping\n", "  - name: ping\n    as: bob\n"), "two.yaml").steps[0]!.as).toBe("bob");
    expect(failure(two.replace("{ on: bob,", "{ on: carol,")).field).toBe("steps[0].expect[1].on");
    expect(failure(two.replace("  - name: ping\n", "  - name: ping\n    as: carol\n")).field).toBe("steps[0].as");
    expect(failure(GOOD.replace("alice: fresh", "alice: new")).field).toBe("accounts.alice");
    expect(failure(GOOD.replace("accounts:\n  alice: fresh", "accounts: {}")).problem).toContain("names no account");
  });

  it("refuses answers: or after: across two streams (they compare one transcript's entries)", () => {
    const two = GOOD.replace("alice: fresh", "alice: fresh\n  bob: fresh").replace("{ name: ping, dir: out, stanza: iq }", "{ name: ping, dir: out, stanza: iq, on: bob }");
    const problem = failure(two);
    expect(problem.field).toBe("steps[0].expect[1].answers");
    expect(problem.problem).toContain(`"ping" is on bob's stream and this one on alice's`);
  });

  it("reads requires: (feature, account, service with the variable it defines, stream) and refuses anything else", () => {
    const withRequires = GOOD.replace("accounts:", 'requires:\n  - { feature: "urn:xmpp:ping" }\n  - { service: "http://jabber.org/protocol/muc", as: muc }\n  - { stream: "urn:xmpp:sm:3" }\n  - { account: "urn:xmpp:mam:2" }\naccounts:');
    const script = parseScript(withRequires.replace("to='{{domain}}'", "to='{{muc}}'"), "r.yaml");
    expect(script.requires).toEqual([{ feature: "urn:xmpp:ping" }, { service: "http://jabber.org/protocol/muc", as: "muc" }, { stream: "urn:xmpp:sm:3" }, { account: "urn:xmpp:mam:2" }]);
    expect(failure(withRequires.replace("{ stream:", "{ streams:")).field).toBe("requires[2]");
    expect(failure(withRequires.replace(", as: muc", "")).field).toBe("requires[1].as");
  });
});
