import { createServer } from "node:http";
import next from "next";
import { BRIDGE_PATH } from "../lib/bridge/protocol";
import { createBridge } from "./bridge";
import { bundledServerFromEnv, defaultAllowlist } from "./config";
import { ALLOWED_HOSTS_VARIABLE, allowlistFrom } from "./allowlist";
import { limitsFromEnv } from "./session-registry";
import { ALLOWED_ORIGINS_VARIABLE } from "./origin-check";
import { applySecurityHeaders } from "./security-headers";
import { ensureBrowserId } from "./browser-id";
import { operatorLog } from "./operator-log";
import { ProxyHub, maxProxiesFromEnv } from "./proxy/proxy-hub";
import { proxySettingsFromEnv } from "./proxy/launch-proxy";
import { ensureProxyCertificate } from "../scripts/lib/certificates";
import { heartbeatFromEnv } from "./heartbeat";

/**
 * One process serves the Next.js app and the bridge's WebSocket on the same port,
 * so the page reaches its bridge at the origin it was loaded from.
 */
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME_BIND ?? "127.0.0.1";

// Settings first: a mistake in one is a message and exit 1, before anything listens.
let bridge: ReturnType<typeof createBridge>;
const log = operatorLog();
try {
  const bundled = bundledServerFromEnv();
  const allowlist = allowlistFrom(process.env[ALLOWED_HOSTS_VARIABLE], defaultAllowlist(bundled));
  // Refusals shown to visitors from elsewhere do not list the entries: the operator reads them here.
  log(`allowed targets (${ALLOWED_HOSTS_VARIABLE}): ${allowlist.describe()}`);
  const limits = limitsFromEnv();
  bridge = createBridge({
    server: bundled,
    allowlist,
    limits,
    log,
    allowedOrigins: process.env[ALLOWED_ORIGINS_VARIABLE],
    proxies: new ProxyHub({ settings: proxySettingsFromEnv(), maxProxies: maxProxiesFromEnv(), certificate: ensureProxyCertificate, detachedMs: limits.detachedTimeoutMs }),
    heartbeatMs: heartbeatFromEnv(),
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

const app = next({ dev, hostname: "localhost", port, dir: process.cwd() });
const handleRequest = app.getRequestHandler();
await app.prepare();
const handleNextUpgrade = app.getUpgradeHandler();
const server = createServer((request, response) => {
  applySecurityHeaders(request, response, dev);
  ensureBrowserId(request, response);
  void handleRequest(request, response);
});
server.on("upgrade", (request, socket, head) => {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (path === BRIDGE_PATH) bridge.handleUpgrade(request, socket, head);
  else void handleNextUpgrade(request, socket, head); // hot reload in dev
});
server.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EADDRINUSE") {
    console.error(`Port ${port} is already in use. See who holds it: ss -ltnp 'sport = :${port}'. Or run on another port: PORT=3001 npm run playground`);
    process.exit(1);
  }
  throw error;
});
server.listen(port, hostname, () => {
  console.log(`ready: http://localhost:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    // Close streams politely (and remove disposable accounts), but never hang the exit.
    setTimeout(() => process.exit(0), 3000).unref();
    void bridge.close().finally(() => process.exit(0));
  });
}
