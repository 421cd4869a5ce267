import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { runCommand } from "../scripts/lib/run";
import { CERTS, FAULTS_SERVER, SLOT, fromRepoRoot } from "../scripts/lib/instances";
import { waitForPort } from "../scripts/lib/ports";
import { processAlive, waitForExit } from "../scripts/lib/processes";

/**
 * What the fault specs break on purpose, each started here and stopped only by its own PID:
 * an app server of their own (so killing it spares the suite's), and a TLS listener with a
 * certificate for another name.
 */

/** The fault specs' own app, beside Playwright's (3100 + slot) and the bench's (3200 + slot). */
export const FAULTS_APP_PORT = 3300 + SLOT;

export interface OwnApp {
  readonly url: string;
  readonly pid: number;
  /** Lines the server printed, for a failing test's message. */
  readonly output: string[];
  /** Sends `signal` to this app's PID and waits until it is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `node --import tsx server/main.ts` (the built app) on FAULTS_APP_PORT against the faults ejabberd. */
export async function startOwnApp(env: Record<string, string>): Promise<OwnApp> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", fromRepoRoot("server/main.ts")], {
    cwd: fromRepoRoot("."),
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(FAULTS_APP_PORT),
      XMPP_HOST: FAULTS_SERVER.host,
      XMPP_DOMAIN: FAULTS_SERVER.domain,
      XMPP_PORT_STARTTLS: String(FAULTS_SERVER.ports.starttls),
      XMPP_PORT_TLS: String(FAULTS_SERVER.ports.directTls),
      XMPP_PORT_PLAIN: String(FAULTS_SERVER.ports.plain),
      XMPP_PORT_HTTP: String(FAULTS_SERVER.ports.http),
      NODE_EXTRA_CA_CERTS: fromRepoRoot(CERTS.cert),
      ...env,
    },
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(String(chunk)));
  child.stderr?.on("data", (chunk: Buffer) => output.push(String(chunk)));
  const pid = child.pid;
  if (pid === undefined) throw new Error("the app server did not start");
  try {
    await waitForPort(FAULTS_APP_PORT, "127.0.0.1", 60_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`the faults app did not listen on ${FAULTS_APP_PORT}: ${String(error)}\n${output.join("")}`);
  }
  return {
    url: `http://localhost:${FAULTS_APP_PORT}`,
    pid,
    output,
    async kill(signal) {
      if (!processAlive(pid)) return;
      process.kill(pid, signal);
      const left = await waitForExit([pid], 15_000);
      if (left.length > 0) throw new Error(`the faults app (pid ${pid}) did not exit on ${signal}`);
    },
  };
}

export interface OtherNameCertificate {
  dir: string;
  cert: string;
  key: string;
  /** The bundled certificate plus this one: what a bridge that trusts both reads. */
  trustBoth: string;
  remove(): void;
}

/** A self-signed certificate for `name` only (no IP address), made with openssl in a temp folder. */
export async function certificateFor(name: string): Promise<OtherNameCertificate> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "faults-cert-"));
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  const result = await runCommand(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj", `/CN=${name}`, "-addext", `subjectAltName=DNS:${name}`, "-keyout", key, "-out", cert],
    { timeoutMs: 60_000 },
  );
  if (result.code !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  const trustBoth = path.join(dir, "trusted.pem");
  writeFileSync(trustBoth, readFileSync(fromRepoRoot(CERTS.cert), "utf8") + readFileSync(cert, "utf8"));
  return { dir, cert, key, trustBoth, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A TLS listener on loopback that presents `certificate` and then hangs up: enough to fail a handshake check. */
export async function tlsListener(certificate: OtherNameCertificate): Promise<{ port: number; close(): Promise<void> }> {
  const server = tls.createServer({ cert: readFileSync(certificate.cert), key: readFileSync(certificate.key) }, (socket) => socket.end());
  // A client that rejects the certificate resets the socket: that is the expected outcome here.
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
