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
 * in both, and through the byte-copying relay at `relayPort` if given (STARTTLS end to end with
 * ejabberd), interleaved by batch of PINGS_PER_ROUND after a warm-up; the clients stop at the end.
 */
export async function pingsThroughAndDirect(
  proxyPort: number,
  label: string,
  relayPort?: number,
): Promise<{ through: number[]; straight: number[]; relayed: number[] }> {
  const clients = [
    await loggedInClient(proxyPort, "alice", "alice", false, `${label}-proxied`),
    await loggedInClient(BENCH_SERVER.ports.starttls, "bob", "bob", false, `${label}-direct`),
    ...(relayPort === undefined ? [] : [await loggedInClient(relayPort, "alice", "alice", false, `${label}-relayed`)]),
  ];
  const samples: number[][] = clients.map(() => []);
  for (let i = 0; i < WARM_UP; i++) {
    for (const [n, client] of clients.entries()) await ping(client, `warm-${n}-${i}`);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [n, client] of clients.entries()) {
      for (let i = 0; i < PINGS_PER_ROUND; i++) samples[n]!.push(await ping(client, `${n}-${round}-${i}`));
    }
  }
  for (const client of clients) await client.entity.stop().catch(() => undefined);
  return { through: samples[0]!, straight: samples[1]!, relayed: samples[2] ?? [] };
}

/**
 * Runs a measuring process (`node --import tsx <script> <args>`) that trusts both the server's and the
 * proxy's certificates (NODE_EXTRA_CA_CERTS, which Node reads only at startup), and returns the
 * JSON its last line of output holds.
 */
export async function runTrustingWorker<T>(script: string, nodeFlags: string[] = [], args: string[] = []): Promise<T> {
  const server = await ensureCertificates();
  const proxy = await ensureProxyCertificate("localhost");
  const trusted = fromRepoRoot(`${CERTS.dir}/bench-trusted.pem`);
  writeFileSync(trusted, readFileSync(server.cert, "utf8") + proxy.cert);
  const run = spawnSync(process.execPath, [...nodeFlags, "--import", "tsx", fromRepoRoot(script), ...args], {
    cwd: fromRepoRoot("."),
    encoding: "utf8",
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: trusted },
  });
  if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr.slice(-2000)}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!) as T;
}
