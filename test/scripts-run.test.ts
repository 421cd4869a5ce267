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
import { compareReports, formatComparison, type ComparedReport } from "../lib/scripts/compare";
import { scriptVerdict, toJson, type RunReport } from "../lib/scripts/report";
import { runScript } from "../scripts/lib/run-script";
import { openScriptSession } from "../scripts/lib/script-session";
import { recordScript } from "../lib/scripts/record";
import { until } from "../lib/xmpp/until";
import { runScripts, suiteFiles } from "../scripts/lib/run-scripts";
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

/** Malformed XML (RFC 6120 §4.9.3.13 not-well-formed): the server closes the stream mid-script. */
const CLOSES = `name: The server closes the stream
accounts:
  alice: fresh
  bob: fresh
steps:
  - name: send what is not XML
    send: <message><body>unclosed</message>
    timeout: 3
    expect:
      - { dir: in, stanza: message }
  - name: never reached
    as: bob
    send: <iq type='get' id='{{id}}'><query xmlns='jabber:iq:roster'/></iq>
    expect:
      - { dir: out, stanza: iq }
`;

const read = (report: RunReport) => JSON.parse(toJson(report)) as ComparedReport;

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

describe.each(SERVERS)("the compliance suite on $name", ({ name, instance }) => {
  it("gives every check a verdict with the stanzas that decided it; nothing fails; what the server lacks is not offered", async () => {
    const scripts = suiteFiles().map((file) => parseScript(fs.readFileSync(file, "utf8"), file));
    const report = await runScripts(scripts, { target: target(instance), allowlist, probe: true });
    const verdicts = Object.fromEntries(report.scripts.map((script) => [path.basename(script.file, ".yaml"), scriptVerdict(script)]));
    expect(Object.entries(verdicts).filter(([, verdict]) => verdict === "failed")).toEqual([]);
    // What each test server is configured with (scripts/lib/ejabberd-config.ts, prosody-config.ts).
    const offered = name === "ejabberd" ? "passed" : "not offered";
    expect([verdicts["xep-0045-muc"], verdicts["xep-0054-vcard"], verdicts["xep-0163-pep"], verdicts["xep-0191-blocking"], verdicts["xep-0280-carbons"], verdicts["xep-0313-mam"]]).toEqual([offered, offered, offered, offered, offered, offered]);
    expect([verdicts["core-05-subscription"], verdicts["core-07-message-routing"], verdicts["xep-0199-ping"], verdicts["xep-0198-stream-management"]]).toEqual(["passed", "passed", "passed", "not offered"]);
    for (const script of report.scripts) {
      if (script.notOffered) expect(script.notOffered.evidence.length, script.file).toBeGreaterThan(0);
      for (const step of script.steps) expect(step.matched.length, `${script.file}: ${step.name}`).toBeGreaterThan(0);
    }
    expect(report.software).toMatch(name === "ejabberd" ? /^ejabberd / : /^Prosody /);
  });
});

describe("record ten stanzas, replay them on both servers, compare", () => {
  // What a developer types in a session (issue 14, "Done means"): ten stanzas of several kinds.
  const TEN = (jid: string) => [
    `<iq type='get' id='r1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`,
    `<iq type='get' id='r2' to='localhost'><query xmlns='jabber:iq:version'/></iq>`,
    `<iq type='get' id='r3' to='localhost'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
    `<iq type='get' id='r4' to='localhost'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>`,
    `<iq type='get' id='r5'><query xmlns='jabber:iq:roster'/></iq>`,
    `<iq type='set' id='r6'><query xmlns='jabber:iq:roster'><item jid='friend@localhost' name='Friend'/></query></iq>`,
    `<iq type='get' id='r7'><query xmlns='jabber:iq:roster'/></iq>`,
    `<message to='${jid}' type='chat' id='r8'><body>note to self</body></message>`,
    `<presence id='r9'><status>recording</status></presence>`,
    `<iq type='get' id='r10' to='${jid.split("/")[0]}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>`,
  ];

  it("a recorded session of ten stanzas becomes a script that passes on ejabberd, runs on Prosody, and the comparison names the real differences", async () => {
    const opened = await openScriptSession(target(TEST_SERVER), { kind: "fresh" }, allowlist);
    let text: string;
    try {
      const from = opened.session.transcript.lastSeq;
      for (const stanza of TEN(opened.jid)) await opened.session.send(stanza);
      const answered = () => ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r10"].every((id) => opened.session.transcript.since(from).some((entry) => entry.dir === "in" && entry.attrs?.id === id));
      expect(await until(answered, 5_000)).toBe(true);
      text = recordScript({ entries: opened.session.transcript.since(from), jid: opened.jid, domain: "localhost", name: "Ten recorded stanzas" });
    } finally {
      await opened.close();
    }
    // The session's own JIDs, ids and the domain are variables now: the file runs on any account.
    expect(text).not.toContain(opened.jid.split("/")[0]);
    expect(text).not.toMatch(/id="r\d+"/);
    const script = parseScript(text, "recorded.yaml");
    expect(script.steps).toHaveLength(10);

    const [onEjabberd, onProsody] = await Promise.all([runScript(script, { target: target(TEST_SERVER), allowlist }), runScript(script, { target: target(TEST_PROSODY), allowlist })]);
    expect(onEjabberd.steps.filter((step) => !step.passed).map((step) => step.reason)).toEqual([]);
    // Prosody answers the ping, the version query and the roster the way ejabberd did.
    expect(onProsody.steps.filter((_, index) => [0, 1, 4, 5, 6].includes(index)).map((step) => [step.name, step.passed])).toEqual(onEjabberd.steps.filter((_, index) => [0, 1, 4, 5, 6].includes(index)).map((step) => [step.name, true]));

    const compared = compareReports({ label: "ejabberd", report: read({ server: "ejabberd", startedAt: "", passed: true, scripts: [onEjabberd] }) }, { label: "prosody", report: read({ server: "prosody", startedAt: "", passed: true, scripts: [onProsody] }) });
    // The ping (step 1) is the same answer once ids and JIDs are set aside; the software's name is not.
    const version = compared.differences.filter((difference) => difference.a.some((entry) => /<name>[^<]*<\/name>/.test(entry.raw)));
    expect(version).toHaveLength(1);
    expect(version[0]!.a[0]!.raw).toContain("<name>ejabberd</name>");
    expect(version[0]!.b[0]!.raw).toContain("<name>Prosody</name>");
    expect(version[0]!.stepIndex).toBe(1);
    // Where they really differ: the server's features and services (disco#info, disco#items), the roster's version (XEP-0237).
    const differing = new Set(compared.differences.map((difference) => difference.stepIndex));
    expect([2, 3, 4].every((index) => differing.has(index))).toBe(true);
    expect(formatComparison(compared)).toContain("<item jid='conference.localhost'/>");
    expect(differing.has(0)).toBe(false);
  });
});

describe("bad input while running", () => {
  it("a session the server closes mid-script: the step says so, later steps are not run, the transcript is kept", async () => {
    const [first, second] = await runFile("closes.yaml", CLOSES, target(TEST_SERVER));
    expect(first!.passed).toBe(false);
    expect(first!.reason).toMatch(/^on alice's stream: the session closed \(.*\); expect\[0\] not met/);
    expect(first!.window.some((entry) => entry.account === "alice" && entry.kind === "stream-error")).toBe(true);
    expect(second).toMatchObject({ as: "bob", passed: false, reason: `not run: alice's session closed during "send what is not XML"` });
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
    expect(output).toMatch(/3\/3 steps passed; 0 of 2 script\(s\) failed; [\d.]+ s\./);
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

  it("suite prints the table (check, verdict, the stanzas behind it) and writes JSON, JUnit and Markdown", async () => {
    const xml = path.join(temp, "p.xml");
    const markdown = path.join(temp, "p.md");
    const { code, output } = await cli(["suite", ...server(TEST_PROSODY), "--report-json", path.join(temp, "p.json"), "--junit", xml, "--markdown", markdown]);
    expect(output).toMatch(/Ping \(XEP-0199\) +passed +1\/1 .*\n +ok ping the server\n +alice #\d+ -> <iq type='get' to='localhost'.*\n +alice #\d+ <- <iq /);
    expect(output).toMatch(/MUC create, configure, join \(XEP-0045\) +not offered +0\/0 .*\n +not offered: no item of the server's disco#items lists http:\/\/jabber\.org\/protocol\/muc\n +probe #\d+ <- <iq/);
    expect(output).toMatch(/20 checks: \d+ passed, 0 failed, \d+ not offered\./);
    expect(code).toBe(0);
    expect(fs.readFileSync(xml, "utf8")).toMatch(/<skipped message="not offered: no item of the server&apos;s disco#items lists http:\/\/jabber.org\/protocol\/muc">/);
    expect(fs.readFileSync(markdown, "utf8")).toContain("| MUC create, configure, join (XEP-0045) | xep-0045-muc.yaml | not offered | 0/0 |");
  });

  it("compare: two runs of the suite on one server are equal once normalized", async () => {
    const scripts = suiteFiles().map((file) => parseScript(fs.readFileSync(file, "utf8"), file));
    const run = () => runScripts(scripts, { target: target(TEST_SERVER), allowlist, probe: true });
    const [first, second] = [await run(), await run()];
    const same = compareReports({ label: "e1", report: read(first) }, { label: "e2", report: read(second) });
    expect(same.differences).toEqual([]);
    expect(same.equalSteps).toBe(first.scripts.reduce((sum, script) => sum + script.steps.length, 0));
  });

  it("compare: two servers differ where they really do, each difference with its step and raw entries (exit 1)", async () => {
    const scripts = ["core-04-roster", "xep-0045-muc"].map((name) => path.join("stanza-scripts", "compliance", `${name}.yaml`)).map((file) => parseScript(fs.readFileSync(file, "utf8"), file));
    const run = (instance: typeof TEST_SERVER | typeof TEST_PROSODY) => runScripts(scripts, { target: target(instance), allowlist, probe: true });
    fs.writeFileSync(path.join(temp, "e.json"), toJson(await run(TEST_SERVER)));
    fs.writeFileSync(path.join(temp, "p.json"), toJson(await run(TEST_PROSODY)));
    const { code, output } = await cli(["compare", path.join(temp, "e.json"), path.join(temp, "p.json")]);
    expect(output).toContain("- MUC create, configure, join (XEP-0045): e.json: passed; p.json: not offered");
    // Roster versioning (RFC 6121 §2.6): Prosody's roster result carries ver, this ejabberd's does not.
    expect(output).toMatch(/- Roster get, set, push and remove \(RFC 6121 §2\) \/ roster get: the answers differ: .*\n {4}A alice #\d+: <iq .*\n {4}B alice #\d+: <iq .*ver='1'/);
    expect(code).toBe(1);
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
