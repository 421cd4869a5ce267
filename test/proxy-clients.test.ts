/**
 * Clients nobody here wrote, through `npm run proxy` (scripts/proxy.ts) to the test ejabberd:
 * slixmpp (python3-slixmpp, test/clients/slixmpp-client.py) logs in with STARTTLS trusting only
 * the proxy's certificate, messages itself and pings; go-sendxmpp sends bob a message. The
 * capture the command writes on SIGINT imports as /captures reads it, and its streams equal
 * what slixmpp itself logged writing and reading, byte for byte.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { xml } from "@xmpp/client";
import { parseTranscriptFile } from "../lib/transcript-files/import";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { ensureProxyCertificate } from "../scripts/lib/certificates";
import { REPO_ROOT, TEST_SERVER } from "../scripts/lib/instances";
import { TEST_CLIENT_PACKAGES, ensureDebianPackage } from "../scripts/lib/system-packages";
import { freePort, loggedInClient, type LoggedClient } from "./proxy-helpers";
import { waitFor } from "./helpers";

const SLIXMPP_SCRIPT = path.join(REPO_ROOT, "test/clients/slixmpp-client.py");
let python = "";
let sendxmpp = "";
let proxyCert = "";
const cleanups: (() => void | Promise<void>)[] = [];

beforeAll(async () => {
  const [slixmppPackage, sendxmppPackage] = TEST_CLIENT_PACKAGES;
  python = await ensureDebianPackage(slixmppPackage!);
  sendxmpp = await ensureDebianPackage(sendxmppPackage!);
  proxyCert = (await ensureProxyCertificate("localhost")).certPath;
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface RunningProxy {
  port: number;
  out: string;
  /** Sends SIGINT; resolves with the exit code and everything the command printed. */
  stop(): Promise<{ code: number | null; output: string }>;
}

async function startProxyCommand(upstreamPort: number): Promise<RunningProxy> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "proxy-capture-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, "capture.json");
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/proxy.ts", "--upstream", `127.0.0.1:${upstreamPort}`, "--listen", String(port), "--out", out, "--reveal"],
    { cwd: REPO_ROOT, env: { ...process.env, XMPP_ALLOWED_HOSTS: `127.0.0.1:${upstreamPort}` }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  cleanups.push(() => void (child.exitCode === null && child.kill("SIGKILL")));
  await waitFor(() => output.includes("Proxy listening on") || child.exitCode !== null, "the proxy command to listen", 15_000);
  expect(output).toContain(`Proxy listening on 127.0.0.1:${port} -> 127.0.0.1:${upstreamPort}`);
  return {
    port,
    out,
    stop: async () => {
      child.kill("SIGINT");
      const code = await exited;
      return { code, output };
    },
  };
}

function capturedEntries(file: string): TranscriptEntry[] {
  const parsed = parseTranscriptFile(readFileSync(file, "utf8"));
  if (!parsed.ok) throw new Error(parsed.message);
  expect(parsed.meta.mode).toBe("proxy");
  return parsed.entries;
}

const wireText = (entries: readonly TranscriptEntry[], dir: "in" | "out") => entries.filter((entry) => entry.dir === dir).map((entry) => entry.raw).join("");

describe("real Debian clients through `npm run proxy`", () => {
  it("slixmpp logs in with STARTTLS, gets its message back and a pong; the capture equals what slixmpp wrote and read", async () => {
    const proxy = await startProxyCommand(TEST_SERVER.ports.starttls);
    const body = `slixmpp through the proxy ${Date.now()}`;
    const run = await execFileText(python, [SLIXMPP_SCRIPT, "--host", "127.0.0.1", "--port", String(proxy.port), "--jid", "alice@localhost/slixmpp", "--password", "alice", "--ca", proxyCert, "--body", body]);
    const report = JSON.parse(run.stdout) as { sent: string[]; received: string[]; message_back: boolean; ping_rtt_ms: number | null; error: string | null };
    expect(report.error).toBeNull();
    expect(report.message_back).toBe(true);
    expect(report.ping_rtt_ms).toBeGreaterThan(0);
    console.log(`slixmpp ping round trip through the proxy: ${report.ping_rtt_ms?.toFixed(3)} ms`);

    const { code, output } = await proxy.stop();
    expect(code).toBe(0);
    expect(output).toContain(`Wrote ${proxy.out}`);
    const entries = capturedEntries(proxy.out);
    expect(wireText(entries, "out")).toBe(report.sent.join(""));
    expect(wireText(entries, "in")).toBe(report.received.join(""));
    // slixmpp would have chosen channel binding: the proxy took it out and said so.
    expect(entries.some((entry) => entry.code === "rewritten" && entry.raw.includes("SCRAM-SHA-1-PLUS"))).toBe(true);
    expect(entries.filter((entry) => entry.code === "tls-established")).toHaveLength(2);
  });

  it("go-sendxmpp sends bob a message through the proxy; the capture's server-to-client stream equals what go-sendxmpp logged reading", async () => {
    const proxy = await startProxyCommand(TEST_SERVER.ports.starttls);
    const bob: LoggedClient = await loggedInClient(TEST_SERVER.ports.starttls, "bob", "bob");
    cleanups.push(() => bob.entity.stop().catch(() => undefined));
    // Available (RFC 6121 section 4.2): a message to bob's bare JID then reaches this resource.
    await bob.entity.send(xml("presence"));
    const body = `go-sendxmpp through the proxy ${Date.now()}`;
    // Go reads its trusted roots from SSL_CERT_FILE: the proxy's certificate only.
    const run = await execFileText(sendxmpp, ["-d", "-u", "alice@localhost", "-p", "alice", "-j", `127.0.0.1:${proxy.port}`, "bob@localhost"], body, { SSL_CERT_FILE: proxyCert });
    await waitFor(() => bob.stanzas.some((stanza) => stanza.name === "message" && stanza.getChildText("body") === body), "bob receiving go-sendxmpp's message");
    const { code } = await proxy.stop();
    expect(code).toBe(0);
    const entries = capturedEntries(proxy.out);
    expect(entries.filter((entry) => entry.dir === "out" && entry.kind === "message").some((entry) => entry.raw.includes(body))).toBe(true);
    expect(entries.filter((entry) => entry.code === "tls-established")).toHaveLength(2);
    // go-sendxmpp's -d logs each read it made (go-xmpp's debug tee, a newline after each) and none of its writes.
    const received = wireText(entries, "in");
    expect(received).not.toContain("\n");
    expect(run.stderr.replaceAll("\n", "")).toBe(received);
    expect(received).toContain("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  });
});

function execFileText(file: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: 40_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

