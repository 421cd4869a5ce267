import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { ensureCertificates, ensureProxyCertificate } from "../scripts/lib/certificates";
import { BENCH_SERVER, CERTS, fromRepoRoot } from "../scripts/lib/instances";
import { loggedInClient, ping } from "../test/proxy-helpers";

/** What the proxy cases measure a ping by, and how, shared by their measuring processes. */

const ROUNDS = 10;
const PINGS_PER_ROUND = 100;
const WARM_UP = 100;

/**
 * The same iq ping through the proxy at `proxyPort` and straight to ejabberd, STARTTLS both ways
 * in both, interleaved by batch of PINGS_PER_ROUND after a warm-up; the clients stop at the end.
 */
export async function pingsThroughAndDirect(proxyPort: number, label: string): Promise<{ through: number[]; straight: number[] }> {
  const proxied = await loggedInClient(proxyPort, "alice", "alice", false, `${label}-proxied`);
  const direct = await loggedInClient(BENCH_SERVER.ports.starttls, "bob", "bob", false, `${label}-direct`);
  for (let i = 0; i < WARM_UP; i++) {
    await ping(proxied, `warm-p${i}`);
    await ping(direct, `warm-d${i}`);
  }
  const through: number[] = [];
  const straight: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PINGS_PER_ROUND; i++) through.push(await ping(proxied, `p${round}-${i}`));
    for (let i = 0; i < PINGS_PER_ROUND; i++) straight.push(await ping(direct, `d${round}-${i}`));
  }
  await proxied.entity.stop().catch(() => undefined);
  await direct.entity.stop().catch(() => undefined);
  return { through, straight };
}

/**
 * Runs a measuring process (`node --import tsx <script>`) that trusts both the server's and the
 * proxy's certificates (NODE_EXTRA_CA_CERTS, which Node reads only at startup), and returns the
 * JSON its last line of output holds.
 */
export async function runTrustingWorker<T>(script: string, nodeFlags: string[] = []): Promise<T> {
  const server = await ensureCertificates();
  const proxy = await ensureProxyCertificate("localhost");
  const trusted = fromRepoRoot(`${CERTS.dir}/bench-trusted.pem`);
  writeFileSync(trusted, readFileSync(server.cert, "utf8") + proxy.cert);
  const run = spawnSync(process.execPath, [...nodeFlags, "--import", "tsx", fromRepoRoot(script)], {
    cwd: fromRepoRoot("."),
    encoding: "utf8",
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: trusted },
  });
  if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!) as T;
}
