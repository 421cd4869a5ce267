import { spawn, type ChildProcess } from "node:child_process";
import { CERTS, FAULTS_SERVER, SLOT, fromRepoRoot } from "../scripts/lib/instances";
import { waitForPort } from "../scripts/lib/ports";
import { processAlive, waitForExit } from "../scripts/lib/processes";

export { certificateFor, tlsListener, type OtherNameCertificate } from "../test/tls-targets";

/**
 * The fault specs' own app server, beside Playwright's (3100 + slot) and the bench's
 * (3200 + slot): started here and stopped only by its own PID, so killing it spares the suite's.
 */
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
