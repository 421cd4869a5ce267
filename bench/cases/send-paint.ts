import type { Page } from "playwright-core";
import { fromRepoRoot } from "../../scripts/lib/instances";
import { BENCH_URL, type AppUnderTest } from "../app-under-test";
import type { Figure } from "../report";
import { round, summarize } from "../stats";
import { workbenchAsAlice } from "./ingest";

const ROUNDS = 6;
const SENDS_PER_ROUND = 10;
/** One frame at 60 Hz: what "painted within a frame of the wire" allows on top of the round trip. */
const FRAME_MS = 1000 / 60;

/**
 * Case: Ctrl+Enter in the workbench's editor to the frame that shows the reply's row, in the
 * real page (key event's timestamp to the animation frame after the row mounted), beside the
 * bare round trip of the same ping over the bridge from another page, interleaved round by round.
 */
export async function sendPaint(app: AppUnderTest): Promise<Figure[]> {
  const page = await workbenchAsAlice(app);
  const pinger = await app.browser.newPage({ bypassCSP: true });
  await pinger.goto(BENCH_URL);
  await pinger.addScriptTag({ path: fromRepoRoot("bench/browser/bridge-pinger.js") });
  await pinger.evaluate("window.benchLogin()");
  await pinger.evaluate(`window.benchBatch("warm-", 50)`);
  for (let i = 0; i < 5; i++) await sendAndPaint(page, `warm-${i}`);

  const painted: number[] = [];
  const roundTrips: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < SENDS_PER_ROUND; i++) painted.push(await sendAndPaint(page, `sp${round}-${i}`));
    roundTrips.push(...((await pinger.evaluate(`window.benchBatch("rt${round}-", ${SENDS_PER_ROUND})`)) as number[]));
  }
  await pinger.close();
  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.getByTestId("connection-status").filter({ hasText: "Closed" }).waitFor();
  await page.close();

  const value = summarize(painted);
  const floor = summarize(roundTrips);
  const allowed = floor.median + FRAME_MS;
  return [
    {
      case: "send-paint",
      name: "Ctrl+Enter to the reply's row painted (iq ping, workbench)",
      unit: "ms",
      value,
      baseline: { name: "the same ping's round trip over the bridge, no page", value: floor },
      target: "median ≤ round trip + one frame (16.7 ms), p99 ≤ 50 ms",
      verdict: value.median <= allowed && value.p99 <= 50 ? "pass" : "miss",
      note: `allowed median ${round(allowed, 1)} ms; measured from the key event's timestamp to the animation frame after the row mounted`,
    },
  ];
}

/** Types a ping into the editor, presses Ctrl+Enter, and returns the page's key-to-frame time. */
export async function sendAndPaint(page: Page, id: string): Promise<number> {
  const editor = page.getByTestId("pane-a").getByTestId("stanza-editor");
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(`<iq type="get" id="${id}-x" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`);
  // Installed before the key goes down: a capture listener sees the key before the editor does.
  // A string, not a function: the TypeScript loader's helpers would not exist in the page.
  await page.evaluate(`(() => {
    window.benchPainted = new Promise((resolve) => {
      let pressed = -1;
      const onKey = (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) pressed = event.timeStamp;
      };
      window.addEventListener("keydown", onKey, { capture: true });
      const list = document.querySelector('[data-testid="pane-a"] [aria-label="Transcript entries"]');
      const observer = new MutationObserver(() => {
        if (pressed < 0) return;
        for (const row of list.querySelectorAll('[data-testid="entry-in"]')) {
          if (!row.textContent.includes(${JSON.stringify(`${id}-x`)})) continue;
          observer.disconnect();
          window.removeEventListener("keydown", onKey, { capture: true });
          requestAnimationFrame(() => resolve(performance.now() - pressed));
          return;
        }
      });
      observer.observe(list, { childList: true, subtree: true, characterData: true });
    });
  })()`);
  await page.keyboard.press("ControlOrMeta+Enter");
  return (await page.evaluate("window.benchPainted")) as number;
}
