/**
 * Stanza scripts (issue 14) against the two real test servers (test/vitest-global-setup.ts):
 * the bundled examples pass on ejabberd and on Prosody, a wrong expectation fails with its
 * reason, and the command line's exit codes and reports.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseScript } from "../lib/scripts/parse";
import { allowlistFrom } from "../server/allowlist";
import { TEST_PROSODY, TEST_SERVER } from "../scripts/lib/instances";
import { runScript } from "../scripts/lib/run-script";
import type { ScriptTarget } from "../scripts/lib/script-session";

const EXAMPLES = ["ping", "disco-info", "roster-get", "message-to-self"].map((name) => path.join("stanza-scripts", `${name}.yaml`));
const SERVERS = [
  { name: "ejabberd", instance: TEST_SERVER },
  { name: "prosody", instance: TEST_PROSODY },
] as const;
const target = (instance: typeof TEST_SERVER | typeof TEST_PROSODY): ScriptTarget => ({ host: instance.host, port: instance.ports.plain, domain: instance.domain, transport: "plain" });
const ALLOWED = SERVERS.map(({ instance }) => `${instance.host}:${instance.ports.plain}`).join(",");
const allowlist = allowlistFrom(ALLOWED, []);
const temp = fs.mkdtempSync(path.join(os.tmpdir(), "scripts-run-"));
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

const WRONG = `name: Ping, expecting the wrong answer
accounts:
  alice: fresh
steps:
  - name: ping expecting an error
    send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    timeout: 1
    expect:
      - { name: ping, dir: out, stanza: iq }
      - { dir: in, stanza: iq, type: error, answers: ping }
  - name: never reached
    send: <iq type='get' id='{{id}}'><query xmlns='jabber:iq:roster'/></iq>
    expect:
      - { dir: out, stanza: iq }
`;

/** A given account: the demo account alice, its password from the environment only. */
const GIVEN = `name: A given account
accounts:
  me: given
steps:
  - name: roster get as a given account
    send: <iq type='get' id='{{id}}'><query xmlns='jabber:iq:roster'/></iq>
    expect:
      - { name: get, dir: out, stanza: iq, from: "{{me}}" }
      - { dir: in, stanza: iq, type: result, answers: get }
`;

async function runFile(file: string, text: string, server: ScriptTarget) {
  const report = await runScript(parseScript(text, file), { target: server, allowlist });
  expect(report.error).toBeUndefined();
  return report.steps;
}

describe.each(SERVERS)("the example scripts on $name", ({ instance }) => {
  it.each(EXAMPLES)("%s passes every step", async (file) => {
    const verdicts = await runFile(file, fs.readFileSync(file, "utf8"), target(instance));
    expect(verdicts.map((verdict) => [verdict.name, verdict.passed, verdict.reason])).toEqual(verdicts.map((verdict) => [verdict.name, true, undefined]));
    for (const verdict of verdicts) expect(verdict.matched.length).toBeGreaterThan(0);
  });
});

describe("a script that expects the wrong answer", () => {
  it("fails with what it waited for and what came instead, on ejabberd", async () => {
    const [first, second] = await runFile("wrong.yaml", WRONG, target(TEST_SERVER));
    expect(first!.passed).toBe(false);
    expect(first!.reason).toMatch(/^waited 1 s; expect\[1\] not met: Nothing has arrived yet: an <iq> of type "error" answering the "ping" request\./);
    expect(first!.reason).toMatch(/came instead: .*#\d+ <iq type=result>/);
    expect(first!.reason).toMatch(/closest: entry #\d+, where .*"result"/);
    // The session is still open, so the next step runs (and passes).
    expect(second!.passed).toBe(true);
  });

  it("captures values and uses them in the next step: the server's address from its pong", async () => {
    const verdicts = await runFile("ping.yaml", fs.readFileSync(EXAMPLES[0]!, "utf8"), target(TEST_PROSODY));
    expect(verdicts[0]!.captured).toEqual({ server: "localhost" });
  });
});

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/script.ts", ...args], { env: { ...process.env, XMPP_ALLOWED_HOSTS: ALLOWED, ...env } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("npm run script (scripts/script.ts)", () => {
  const server = (instance: typeof TEST_SERVER | typeof TEST_PROSODY) => ["--server", `${instance.host}:${instance.ports.plain}`, "--tls", "plain", "--domain", "localhost"];

  it("exits 0 when every step passes and writes the JSON and JUnit reports; a given account's password is never printed", async () => {
    const json = path.join(temp, "ok.json");
    const junit = path.join(temp, "ok.xml");
    const given = path.join(temp, "given.yaml");
    fs.writeFileSync(given, GIVEN.replace(', from: "{{me}}"', ""));
    const { code, output } = await cli(["run", EXAMPLES[0]!, given, ...server(TEST_PROSODY), "--report-json", json, "--junit", junit, "--account", "me=alice@localhost"], { SCRIPT_ME_PASSWORD: "alice" });
    expect(output).toMatch(/ok {3}1\/2 ping the server \(line 7, [\d.]+ s\) entries #\d+, #\d+/);
    expect(output).toContain("3/3 steps passed; 0 of 2 script(s) failed.");
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as { passed: boolean; scripts: { passed: boolean; steps: { passed: boolean; window: { raw: string }[] }[] }[] };
    expect(report.passed).toBe(true);
    expect(report.scripts.map((script) => script.passed)).toEqual([true, true]);
    expect(report.scripts[0]!.steps[0]!.window.some((entry) => entry.raw.includes("urn:xmpp:ping"))).toBe(true);
    const xml = fs.readFileSync(junit, "utf8");
    expect(xml).toContain('<testsuites name="stanza scripts" tests="3" failures="0" skipped="0">');
    expect(xml).toContain('<testcase name="ping the server" classname="stanza-scripts/ping.yaml"');
    // The SASL PLAIN response (RFC 4616) for alice/alice, the only form the password crosses the wire in.
    expect(output + fs.readFileSync(json, "utf8") + xml).not.toContain(Buffer.from("\0alice\0alice").toString("base64"));
  });

  it("exits 1 when a step fails, with the reason in the output and a <failure> in the JUnit report", async () => {
    const file = path.join(temp, "wrong.yaml");
    fs.writeFileSync(file, WRONG);
    const junit = path.join(temp, "wrong.xml");
    const { code, output } = await cli(["run", file, ...server(TEST_SERVER), "--report-json", path.join(temp, "wrong.json"), "--junit", junit]);
    expect(output).toMatch(/FAIL 1\/2 ping expecting an error \(line 5, [\d.]+ s\)\n\s+waited 1 s; expect\[1\] not met/);
    expect(code).toBe(1);
    const xml = fs.readFileSync(junit, "utf8");
    expect(xml).toContain('failures="1"');
    expect(xml).toMatch(/<failure message="waited 1 s; expect\[1\] not met: Nothing has arrived yet: an &lt;iq&gt;/);
  });

  it("exits 2 on a script that does not parse, naming file, line and field; and on a server not on the allowlist", async () => {
    const file = path.join(temp, "broken.yaml");
    fs.writeFileSync(file, WRONG.replace("{ dir: out, stanza: iq }", "{ dir: outt, stanza: iq }"));
    const [broken, unknown, usage] = await Promise.all([
      cli(["run", file, ...server(TEST_SERVER)]),
      cli(["run", EXAMPLES[0]!, "--server", "xmpp.example.invalid:5222"]),
      cli(["run"]),
    ]);
    expect(broken.output).toContain(`The script does not parse:\n  ${file}:14: steps[1].expect[0].dir: "outt" is not allowed; write one of out, in, event`);
    expect(broken.code).toBe(2);
    expect(unknown.output).toMatch(/xmpp\.example\.invalid:5222 is not allowed: .*XMPP_ALLOWED_HOSTS/);
    expect(unknown.code).toBe(2);
    expect(usage.output).toContain("Usage: npm run script -- run FILE... --server HOST:PORT");
    expect(usage.code).toBe(2);
  });
});
