import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_ACCOUNTS, type DemoAccount } from "../../lib/demo-accounts";

export { DEMO_ACCOUNTS, type DemoAccount };

/** The repository root, found from this file's location (scripts/lib/). */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Absolute path of a repo-relative path. */
export const fromRepoRoot = (relative: string): string => path.resolve(REPO_ROOT, relative);

export interface ServerPorts {
  /** c2s with optional STARTTLS (RFC 6120 section 5). */
  starttls: number;
  /** c2s with TLS from the first byte (XEP-0368). */
  directTls: number;
  /** c2s without any TLS: plaintext streams for teaching, loopback only. */
  plain: number;
  /** HTTP: XMPP over WebSocket at /ws (RFC 7395) and BOSH at /bosh (XEP-0206). */
  http: number;
}


export interface XmppServerInstance {
  /** Short name used in messages and the compose project ("playground", "test"). */
  name: string;
  /** Instance folder, relative to the repo root (git-ignored). */
  dir: string;
  /** Erlang node name; each instance needs its own. */
  node: string;
  /** XMPP domain (the `hosts` entry of ejabberd.yml). */
  domain: string;
  /** Address the listeners bind to and clients connect to. */
  host: string;
  ports: ServerPorts;
  /** Accounts registered on every start. */
  accounts: readonly DemoAccount[];
}


/** The server the app talks to. */
export const PLAYGROUND_SERVER: XmppServerInstance = {
  name: "playground",
  dir: ".playground/playground",
  node: "xmpp-playground@localhost",
  domain: "localhost",
  host: "127.0.0.1",
  ports: { starttls: 5222, directTls: 5223, plain: 5224, http: 5280 },
  accounts: DEMO_ACCOUNTS,
};

/** A second server for tests, on its own ports so it can run next to the playground. */
export const TEST_SERVER: XmppServerInstance = {
  name: "test",
  dir: ".playground/test",
  node: "xmpp-playground-test@localhost",
  domain: "localhost",
  host: "127.0.0.1",
  ports: { starttls: 15222, directTls: 15223, plain: 15224, http: 15280 },
  accounts: DEMO_ACCOUNTS,
};

/** The benchmarks' server (npm run bench), on ports of its own. */
export const BENCH_SERVER: XmppServerInstance = {
  name: "bench",
  dir: ".playground/bench",
  node: "xmpp-playground-bench@localhost",
  domain: "localhost",
  host: "127.0.0.1",
  ports: { starttls: 17222, directTls: 17223, plain: 17224, http: 17280 },
  accounts: DEMO_ACCOUNTS,
};

/** The end-to-end tests' server: apart from the unit tests' one, so both suites can run at once. */
export const E2E_SERVER: XmppServerInstance = {
  name: "e2e",
  dir: ".playground/e2e",
  node: "xmpp-playground-e2e@localhost",
  domain: "localhost",
  host: "127.0.0.1",
  ports: { starttls: 16222, directTls: 16223, plain: 16224, http: 16280 },
  accounts: DEMO_ACCOUNTS,
};

/**
 * The self-signed certificate shared by all instances (repo-relative paths).
 * Point NODE_EXTRA_CA_CERTS at `cert` so Node clients trust the server.
 */
export const CERTS = {
  dir: ".playground/certs",
  /** Certificate only (SAN DNS:localhost, DNS:conference.localhost, IP:127.0.0.1). */
  cert: ".playground/certs/localhost.crt.pem",
  /** Private key only. */
  key: ".playground/certs/localhost.key.pem",
  /** Certificate followed by key: the form ejabberd's `certfiles` wants. */
  combined: ".playground/certs/localhost.pem",
} as const;

/** Human-readable labels for the listeners, used in messages. */
export const PORT_LABELS: Record<keyof ServerPorts, string> = {
  starttls: "c2s STARTTLS",
  directTls: "c2s direct TLS",
  plain: "c2s plaintext",
  http: "HTTP WebSocket/BOSH",
};

/** Client-facing addresses of an instance. */
export function serviceUrls(instance: XmppServerInstance): { websocket: string; bosh: string } {
  const base = `${instance.host}:${instance.ports.http}`;
  return { websocket: `ws://${base}/ws`, bosh: `http://${base}/bosh` };
}

/** The listener kinds, in display order. */
export const LISTENERS = Object.keys(PORT_LABELS) as (keyof ServerPorts)[];

/** One listener a line: "c2s STARTTLS         127.0.0.1:5222". */
export function describePorts(instance: XmppServerInstance): string {
  return LISTENERS
    .map((key) => `${PORT_LABELS[key].padEnd(20)} ${instance.host}:${instance.ports[key]}`)
    .join("\n");
}

/** All listeners on one line, for messages: "c2s STARTTLS 5222, c2s direct TLS 5223, ...". */
export function portSummary(instance: XmppServerInstance): string {
  return LISTENERS
    .map((key) => `${PORT_LABELS[key]} ${instance.ports[key]}`)
    .join(", ");
}
