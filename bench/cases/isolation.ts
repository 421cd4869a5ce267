import type net from "node:net";
import { fromRepoRoot } from "../../scripts/lib/instances";
import { startHostileServer } from "../../test/hostile-server";
import { BENCH_HOSTILE_PORT, BENCH_URL, type AppUnderTest } from "../app-under-test";
import { LoadTab } from "../load-tab";
import type { Figure } from "../report";
import { round, summarize } from "../stats";

const ROUNDS = 3;
const PINGS_PER_PHASE = 100;
/** A phase whose pings have not all come back by then counts as stalled (the bench must end). */
const PHASE_LIMIT_MS = 90_000;
/** Under the bridge's default stanza limit (BRIDGE_MAX_STANZA_CHARS, 1,000,000), so each is kept whole. */
const STANZA_CHARS = 900_000;

/**
 * Case: one session's iq pings (a browser page through the bridge to ejabberd) while another
 * session of the same bridge receives 900 KB stanzas from a hostile server as fast as the
 * bridge reads them, against the same pings with the hostile server silent, phase by phase.
 */
export async function isolation(app: AppUnderTest): Promise<Figure[]> {
  let flooding = false;
  let sentStanzas = 0;
  const body = "x".repeat(STANZA_CHARS);
  const hostile = await startHostileServer({
    port: BENCH_HOSTILE_PORT,
    script: () => [],
    afterBind: (socket) => void pace(socket),
  });
  /** Writes a 900 KB message whenever the socket takes it, while `flooding`. */
  async function pace(socket: net.Socket): Promise<void> {
    while (!socket.destroyed) {
      if (!flooding) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      const more = socket.write(`<message from='mallory@localhost/x' to='victim@localhost/hostile' type='chat' id='big${sentStanzas++}'><body>${body}</body></message>`);
      if (!more) await new Promise((resolve) => socket.once("drain", resolve));
    }
  }

  const victim = new LoadTab(0, `${BENCH_URL.replace("http:", "ws:")}/bridge`);
  await victim.open({
    mode: "guided",
    transport: "plain",
    mechanism: "PLAIN",
    initialPresence: false,
    account: { kind: "existing", jid: "victim@localhost", password: "anything" },
    server: { host: "127.0.0.1", port: BENCH_HOSTILE_PORT },
  });

  const page = await app.browser.newPage({ bypassCSP: true });
  await page.goto(BENCH_URL);
  await page.addScriptTag({ path: fromRepoRoot("bench/browser/bridge-pinger.js") });
  await page.evaluate("window.benchLogin()");
  await page.evaluate(`window.benchBatch("warm-", 100)`);

  const quiet: number[] = [];
  const underFlood: number[] = [];
  const seqBefore = victim.lastSeq;
  let floodMs = 0;
  let stalled = false;
  const phase = async (prefix: string): Promise<number[] | null> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), PHASE_LIMIT_MS)));
    const samples = await Promise.race([(page.evaluate(`window.benchBatch("${prefix}", ${PINGS_PER_PHASE})`) as Promise<number[]>).catch(() => null), limit]);
    clearTimeout(timer);
    return samples;
  };
  for (let round = 0; round < ROUNDS && !stalled; round++) {
    const alone = await phase(`q${round}-`);
    flooding = true;
    // Let the flood reach the bridge before measuring under it.
    const started = performance.now();
    while (victim.lastSeq === seqBefore && performance.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 10));
    const beside = await phase(`h${round}-`);
    floodMs += performance.now() - started;
    flooding = false;
    if (alone === null || beside === null) stalled = true;
    quiet.push(...(alone ?? []));
    underFlood.push(...(beside ?? []));
    console.log(`  isolation round ${round + 1}: ${quiet.length} quiet pings, ${underFlood.length} under the flood, ${victim.lastSeq - seqBefore} hostile entries${stalled ? " (a phase stalled)" : ""}`);
    // Let what is in flight drain, so the next quiet phase is quiet.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const received = victim.lastSeq - seqBefore;
  await page.close();
  await hostile.close();
  await Promise.race([victim.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (stalled && (quiet.length === 0 || underFlood.length === 0)) {
    return [{ case: "isolation", name: "iq ping of one session while another receives 900 KB stanzas from a hostile server", unit: "ms", value: summarize([PHASE_LIMIT_MS]), target: "p99 ≤ 2× the baseline's p99", verdict: "miss", note: `the quiet session's pings stalled: a phase of ${PINGS_PER_PHASE} did not finish in ${PHASE_LIMIT_MS / 1000} s` }];
  }

  const alone = summarize(quiet);
  const beside = summarize(underFlood);
  return [
    {
      case: "isolation",
      name: "iq ping of one session while another receives 900 KB stanzas from a hostile server",
      unit: "ms",
      value: beside,
      baseline: { name: "the same pings with the hostile server silent, alternating phases", value: alone },
      target: "p99 ≤ 2× the baseline's p99",
      verdict: !stalled && beside.p99 <= 2 * alone.p99 ? "pass" : "miss",
      note: `${stalled ? `a phase stalled (over ${PHASE_LIMIT_MS / 1000} s); ` : ""}p99 ratio ${round(beside.p99 / alone.p99, 2)}×; the hostile session got ${received} entries (${sentStanzas} stanzas of 900 KB written, ${round((sentStanzas * STANZA_CHARS) / 1e6 / (floodMs / 1000), 0)} MB/s)`,
    },
  ];
}
