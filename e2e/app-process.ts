import { spawn } from "node:child_process";
import { CERTS, fromRepoRoot, type XmppServerInstance } from "../scripts/lib/instances";
import { assertPortsFree, waitForPort } from "../scripts/lib/ports";

/** An app server (the built app and its bridge, `server/main.ts`) the end-to-end tests started. */
export interface AppProcess {
  readonly url: string;
  readonly pid: number;
  /** What the server printed, for a failing test's message. */
  readonly output: string[];
  /** Whether it has not exited. */
  readonly running: boolean;
  /** Sends `signal` to this app's PID and waits until it is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export interface AppProcessOptions {
  port: number;
  /** The ejabberd it offers as its bundled server. */
  server: XmppServerInstance;
  /** Settings of the app (XMPP_ALLOWED_HOSTS, BRIDGE_* limits...), over the defaults. */
  env?: Record<string, string>;
  /** When set, the server's lines are echoed to this process's output with it as a prefix. */
  echoAs?: string;
}

/** The environment that makes `server` the app's bundled server (server/config.ts). */
export function bundledServerEnv(server: XmppServerInstance): Record<string, string> {
  return {
    XMPP_HOST: server.host,
    XMPP_DOMAIN: server.domain,
    XMPP_PORT_STARTTLS: String(server.ports.starttls),
    XMPP_PORT_TLS: String(server.ports.directTls),
    XMPP_PORT_PLAIN: String(server.ports.plain),
    XMPP_PORT_HTTP: String(server.ports.http),
  };
}

/**
 * Starts `node --import tsx server/main.ts` in production mode on `port` and waits until it
 * accepts connections. Refuses a port already in use (an app left running would otherwise
 * answer in its place); fails with the server's output when it exits or never listens.
 */
export async function startAppProcess({ port, server, env = {}, echoAs }: AppProcessOptions): Promise<AppProcess> {
  await assertPortsFree([{ port, label: "an end-to-end app server" }]);
  const child = spawn(process.execPath, ["--import", "tsx", fromRepoRoot("server/main.ts")], {
    cwd: fromRepoRoot("."),
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production", PORT: String(port), ...bundledServerEnv(server), NODE_EXTRA_CA_CERTS: fromRepoRoot(CERTS.cert), ...env },
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = String(chunk);
    output.push(text);
    if (echoAs !== undefined) process.stdout.write(text.replace(/^(?=.)/gm, `[${echoAs}] `));
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`the app server for port ${port} did not start`);
  const ended = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? `code ${code}`)));
  const running = () => child.exitCode === null && child.signalCode === null;
  try {
    const exit = await Promise.race([waitForPort(port, "127.0.0.1", 60_000).then(() => null), ended]);
    if (exit !== null) throw new Error(`it exited (${exit})`);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`The app server did not listen on ${port}: ${error instanceof Error ? error.message : String(error)}\n${output.join("")}`);
  }
  return {
    url: `http://localhost:${port}`,
    pid,
    output,
    get running() {
      return running();
    },
    async kill(signal) {
      if (!running()) return;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 15_000)));
      const gone = await Promise.race([ended.then(() => true), gaveUp]);
      clearTimeout(timer);
      if (!gone) throw new Error(`the app server (pid ${pid}) did not exit on ${signal}`);
    },
  };
}
