import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fromRepoRoot } from "../../scripts/lib/instances";
import { TAB_BUFFER_LIMIT } from "../../server/bridge";
import { BENCH_URL, type AppUnderTest } from "../app-under-test";
import { flood, type DirectClient } from "../direct-client";
import type { Figure } from "../report";
import { round, summarize } from "../stats";
import { unarchivedFlooder } from "./ingest";

const RATE = 20_000;
const SECONDS = 3;
/** How long the bridge may take to read a flood once it is written, and the page to catch up. */
const LIMIT_MS = 60_000;

/**
 * Case: a tab that stops reading while its session is flooded. Its page's main thread is held
 * (a synchronous request, as a debugger's pause holds it), so Chromium stops reading the tab's
 * socket. What the bridge holds for it then is compared with the same flood to the same page
 * reading, and the page's catch-up once released is timed, every message counted.
 */
export async function stalledTab(app: AppUnderTest): Promise<Figure[]> {
  const page = await app.browser.newPage({ bypassCSP: true });
  await page.goto(BENCH_URL);
  await page.addScriptTag({ path: fromRepoRoot("bench/browser/bridge-pinger.js") });
  await page.evaluate("window.benchLogin(true)");
  const jid = (await page.evaluate("window.benchJid")) as string;
  const flooder = await unarchivedFlooder();

  // The page's request waits here until the case lets it go.
  let release: () => void = () => undefined;
  let markHeld: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  const holder = createServer((_request, response: ServerResponse) => {
    response.setHeader("access-control-allow-origin", "*");
    release = () => response.end("released");
    markHeld();
  });
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const holdUrl = `http://127.0.0.1:${(holder.address() as AddressInfo).port}/hold`;

  /** What the bridge holds (heap and buffers, after a full collection) grew by while `during` ran, in MB. */
  const growth = async (during: () => Promise<void>): Promise<number> => {
    const before = await app.memory();
    await during();
    const after = await app.memory();
    return (after.heapUsed + after.external - (before.heapUsed + before.external)) / 1e6;
  };

  try {
    const messagesBefore = (await page.evaluate("window.benchMessagesIn")) as number;
    await page.evaluate(`window.benchWatch("reading-end")`);
    let sent = 0;
    const reading = await growth(async () => {
      sent += await floodAndWait(flooder, "reading-", jid);
      await page.waitForFunction(`window.benchArrivedAt["reading-end"] !== null`, undefined, { timeout: LIMIT_MS });
    });

    await page.evaluate(`window.benchWatch("held-end")`);
    const released = page.evaluate(`window.benchHold(${JSON.stringify(holdUrl)})`) as Promise<number>;
    await held;
    // The flood is read by the bridge while the page is held: the session answers the iq after it.
    const holding = await growth(async () => {
      sent += await floodAndWait(flooder, "held-", jid);
    });
    release();
    const releasedAt = await released;
    await page.waitForFunction(`window.benchArrivedAt["held-end"] !== null`, undefined, { timeout: LIMIT_MS });
    const arrivedAt = (await page.evaluate(`window.benchArrivedAt["held-end"]`)) as number;
    const received = ((await page.evaluate("window.benchMessagesIn")) as number) - messagesBefore;

    const beyond = holding - reading;
    const bound = (2 * TAB_BUFFER_LIMIT) / 1e6;
    const catchUpMs = arrivedAt - releasedAt;
    return [
      {
        case: "stalled-tab",
        name: `a tab held for a ${RATE.toLocaleString("en")}/s flood of ${SECONDS} s: what the bridge holds beyond the same flood to the tab reading (heap + buffers after a full GC)`,
        unit: "MB",
        value: summarize([beyond]),
        baseline: { name: "the same flood, the tab reading", value: summarize([reading]) },
        target: `≤ ${round(bound, 1)} MB (TAB_BUFFER_LIMIT and one message): the entries wait in the transcript, not as a second copy`,
        verdict: beyond <= bound ? "pass" : "miss",
        note: `held: grew ${round(holding, 1)} MB; reading: ${round(reading, 1)} MB`,
      },
      {
        case: "stalled-tab",
        name: "the held tab's catch-up: from its release to the flood's last entry in the page",
        unit: "ms",
        value: summarize([catchUpMs]),
        target: "every message arrives",
        verdict: received === sent ? "pass" : "miss",
        note: `${received} of ${sent} messages arrived (both floods)`,
      },
    ];
  } finally {
    release();
    flooder.close();
    holder.close();
    await page.close();
  }
}

/** Floods `jid`, then asks its session an iq, which it answers only once it has read the whole flood; returns how many it sent. */
async function floodAndWait(flooder: DirectClient, prefix: string, jid: string): Promise<number> {
  const sent = await flood(flooder, RATE, SECONDS, prefix, jid.split("/")[0]);
  const answered = flooder.readUntil(`id='${prefix}end'`, LIMIT_MS);
  flooder.write(`<iq type='get' id='${prefix}end' to='${jid}'><ping xmlns='urn:xmpp:ping'/></iq>`);
  await answered;
  return sent;
}
