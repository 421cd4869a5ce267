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


/**
 * An instance on loopback with its four listeners at base, base+1, base+2 and, for HTTP,
 * base+58 (so 5222 gives the usual 5222/5223/5224/5280).
 */
function loopbackInstance(name: string, node: string, base: number): XmppServerInstance {
  return {
    name,
    dir: `.playground/${name}`,
    node,
    domain: "localhost",
    host: "127.0.0.1",
    ports: { starttls: base, directTls: base + 1, plain: base + 2, http: base + 58 },
    accounts: DEMO_ACCOUNTS,
  };
}

/**
 * Parallel work slot (PLAYGROUND_SLOT=0..9, default 0). Each slot shifts the test, e2e and
 * bench instances and app ports, so several checkouts on one machine can run their suites at
 * once without sharing a server. The playground itself always uses the standard ports.
 */
export const SLOT = parseSlot(process.env.PLAYGROUND_SLOT);

function parseSlot(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 0;
  const slot = Number(raw);
  if (!Number.isInteger(slot) || slot < 0 || slot > 9) {
    throw new Error(`PLAYGROUND_SLOT must be a whole number from 0 to 9, not "${raw}".`);
  }
  return slot;
}

const slotted = (node: string): string => (SLOT === 0 ? node : node.replace("@", `-s${SLOT}@`));

/** The server the app talks to. */
export const PLAYGROUND_SERVER = loopbackInstance("playground", "xmpp-playground@localhost", 5222);

/** A second server for the unit and integration tests, on its own ports so it can run next to the playground. */
export const TEST_SERVER = loopbackInstance("test", slotted("xmpp-playground-test@localhost"), 15222 + 100 * SLOT);

/** The end-to-end tests' server: apart from the unit tests' one, so both suites can run at once. */
export const E2E_SERVER = loopbackInstance("e2e", slotted("xmpp-playground-e2e@localhost"), 16222 + 100 * SLOT);

/**
 * How many Playwright workers run, each with an e2e ejabberd of its own (e2e/worlds.ts):
 * E2E_WORKERS, 1 or 2 (the default). One worker keeps about 1.2 of 2 cores busy (Chromium's
 * renderer most of it); the second takes the rest: the end-to-end stage 593 → 519 s in a fresh
 * clone on a quiet machine (issue 17). On a machine loaded by other work two took as long as
 * one, and tests ran past their 30 s: E2E_WORKERS=1 then.
 */
export const E2E_SERVER_COUNT = e2eWorkersFrom(process.env.E2E_WORKERS);

function e2eWorkersFrom(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 2;
  if (raw === "1" || raw === "2") return Number(raw);
  throw new Error(`E2E_WORKERS must be 1 or 2, not "${raw}".`);
}

/**
 * The e2e ejabberd of Playwright worker `parallelIndex`: E2E_SERVER for the first, then one
 * 30 ports up, still inside this slot's block of 100 ports.
 */
export function e2eServer(parallelIndex: number): XmppServerInstance {
  if (!Number.isInteger(parallelIndex) || parallelIndex < 0 || parallelIndex >= E2E_SERVER_COUNT) {
    throw new Error(`There are e2e servers for ${E2E_SERVER_COUNT} Playwright workers, not for worker ${parallelIndex}.`);
  }
  if (parallelIndex === 0) return E2E_SERVER;
  const name = `e2e-${parallelIndex + 1}`;
  return loopbackInstance(name, slotted(`xmpp-playground-${name}@localhost`), E2E_SERVER.ports.starttls + 30 * parallelIndex);
}

/** The benchmarks' server (npm run bench), on ports of its own. */
export const BENCH_SERVER = loopbackInstance("bench", slotted("xmpp-playground-bench@localhost"), 17222 + 100 * SLOT);

/**
 * The fault tests' own server (e2e/faults.spec.ts): they kill it with SIGKILL and start it
 * again, so no other spec shares it.
 */
export const FAULTS_SERVER = loopbackInstance("faults", slotted("xmpp-playground-faults@localhost"), 18222 + 100 * SLOT);

/**
 * ejabberd with its stock negotiation_timeout (30 s) instead of the playground's: the control
 * of the person-pace test (test/person-pace.test.ts), which must see this server cut an idle
 * stream while the teaching config keeps one alive through the same wait.
 */
export const STOCK_TIMEOUT_SERVER = loopbackInstance("stock-timeout", slotted("xmpp-playground-stock-timeout@localhost"), 19222 + 100 * SLOT);

/**
 * The teaching server of the person-pace test (the playground's own config, as TEST_SERVER),
 * twenty ports above STOCK_TIMEOUT_SERVER: a server of its own, so that test runs beside the
 * other Vitest files instead of after them (scripts/test.ts).
 */
export const PACE_SERVER = loopbackInstance("pace", slotted("xmpp-playground-pace@localhost"), 19242 + 100 * SLOT);

/** The ports the e2e app's proxies listen on (PROXY_PORTS), shifted by slot like every server's. */
export const E2E_PROXY_PORTS = { first: 20400 + 100 * SLOT, last: 20419 + 100 * SLOT };

/**
 * A Prosody of the test bed (scripts/lib/prosody-local.ts): the second real server, so the
 * transport matrix and the byte-exactness tests run against two implementations.
 */
export interface ProsodyInstance extends Omit<XmppServerInstance, "node"> {
  /** Where mod_websocket serves XMPP over WebSocket (Prosody's default, unlike ejabberd's /ws here). */
  websocketPath: string;
}

/**
 * Prosody's listeners sit ten ports above the ejabberd instance of the same role (so 15222
 * gives 15232/15233/15234 and HTTP 15290), shifted by PLAYGROUND_SLOT with it.
 */
function prosodyBeside(ejabberd: XmppServerInstance, name: string): ProsodyInstance {
  const base = ejabberd.ports.starttls + 10;
  return {
    name,
    dir: `.playground/${name}`,
    domain: "localhost",
    host: "127.0.0.1",
    ports: { starttls: base, directTls: base + 1, plain: base + 2, http: base + 58 },
    accounts: DEMO_ACCOUNTS,
    websocketPath: "/xmpp-websocket",
  };
}

/** The unit and integration tests' Prosody, beside TEST_SERVER. */
export const TEST_PROSODY = prosodyBeside(TEST_SERVER, "test-prosody");

/** The end-to-end tests' Prosody, beside E2E_SERVER. */
export const E2E_PROSODY = prosodyBeside(E2E_SERVER, "e2e-prosody");

/** The benchmarks' Prosody, beside BENCH_SERVER (the compliance suite's time on both servers). */
export const BENCH_PROSODY = prosodyBeside(BENCH_SERVER, "bench-prosody");

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

/** What the port helpers need of a server, whichever software runs it. */
export type ListeningServer = Pick<XmppServerInstance, "host" | "ports">;

/** The listener kinds, in display order. */
export const LISTENERS = Object.keys(PORT_LABELS) as (keyof ServerPorts)[];

/** One listener a line: "c2s STARTTLS         127.0.0.1:5222". */
export function describePorts(instance: ListeningServer): string {
  return LISTENERS
    .map((key) => `${PORT_LABELS[key].padEnd(20)} ${instance.host}:${instance.ports[key]}`)
    .join("\n");
}

/** All listeners on one line, for messages: "c2s STARTTLS 5222, c2s direct TLS 5223, ...". */
export function portSummary(instance: ListeningServer): string {
  return LISTENERS
    .map((key) => `${PORT_LABELS[key]} ${instance.ports[key]}`)
    .join(", ");
}

/**
 * An ejabberd cluster behind a load balancer (issue 18, scripts/lib/cluster.ts): two nodes
 * joined in one Mnesia cluster, two app processes, and nginx in front of both layers. Every
 * port derives from two bases, so the bench's cluster runs beside the one people start.
 */
export interface ClusterLayout {
  name: string;
  /** nginx's prefix folder (config, pid, logs), relative to the repo root. */
  dir: string;
  /** Node 0 is the one the other joins (`ejabberdctl join_cluster`). */
  nodes: readonly [XmppServerInstance, XmppServerInstance];
  /** Where nginx serves the app to browsers, with sticky routing on the browser cookie. */
  balancerPort: number;
  appPorts: readonly [number, number];
  /**
   * The listeners app process i dials for XMPP: nginx stream proxies to node i first and to
   * the other node as its backup, so each app's sessions sit on "its" node until that node dies.
   */
  xmppPorts: readonly [ServerPorts, ServerPorts];
}

function clusterLayout(name: string, nodeBase: number, httpBase: number, nodeName: (node: string) => string): ClusterLayout {
  const node = (index: number) => loopbackInstance(`${name}-${"ab"[index]}`, nodeName(`xmpp-${name}-${"ab"[index]}@localhost`), nodeBase + 100 * index);
  const balanced = (index: number): ServerPorts => {
    const base = nodeBase + 200 + 10 * index;
    return { starttls: base, directTls: base + 1, plain: base + 2, http: base + 3 };
  };
  return {
    name,
    dir: `.playground/${name}-balancer`,
    nodes: [node(0), node(1)],
    balancerPort: httpBase,
    appPorts: [httpBase + 1, httpBase + 2],
    xmppPorts: [balanced(0), balanced(1)],
  };
}

/** `npm run cluster`: the app at http://localhost:3080. */
export const CLUSTER = clusterLayout("cluster", 30222, 3080, (node) => node);

/** The bench's cluster case, shifted by PLAYGROUND_SLOT (a layout spans 230 ports). */
export const BENCH_CLUSTER = clusterLayout("bench-cluster", 20222 + 1000 * SLOT, 3300 + 10 * SLOT, slotted);
