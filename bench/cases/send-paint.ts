import type { Page } from "playwright-core";
import { fromRepoRoot } from "../../scripts/lib/instances";
import { BENCH_URL, type AppUnderTest } from "../app-under-test";
import type { Figure } from "../report";
import { round, summarize } from "../stats";
import { workbenchAsAlice } from "./ingest";

const ROUNDS = 6;
const SENDS_PER_ROUND = 10;
/** Between the last keystroke and Ctrl+Enter: a person's pause (keystrokes come 100–300 ms apart). */
const PERSON_PAUSE_MS = 300;
/** One frame at 60 Hz: what "painted within a frame of the wire" allows on top of the round trip. */
const FRAME_MS = 1000 / 60;

/**
 * Case: Ctrl+Enter in the workbench's editor to the frame that shows the reply's row, in the
 * real page (key event's timestamp to that frame's layout of the row), beside the
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

  // The browser's own share: on the pinger's page (no editor, no lanes), a key that changes the
  // page and sends the same ping from its keydown handler.
  await pinger.evaluate(`window.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    window.keyedPing = window.benchPing("key-" + performance.now());
    document.body.append(document.createElement("span"));
  })`);
  const sends: SendTimes[] = [];
  const roundTrips: number[] = [];
  const keyedTrips: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < SENDS_PER_ROUND; i++) sends.push(await sendAndPaint(page, `sp${round}-${i}`));
    roundTrips.push(...((await pinger.evaluate(`window.benchBatch("rt${round}-", ${SENDS_PER_ROUND})`)) as number[]));
    for (let i = 0; i < SENDS_PER_ROUND; i++) {
      await pinger.keyboard.press("Enter");
      keyedTrips.push((await pinger.evaluate("window.keyedPing")) as number);
    }
  }
  await pinger.close();
  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.getByTestId("connection-status").filter({ hasText: "Closed" }).waitFor();
  await page.close();

  const value = summarize(sends.map((send) => send.painted));
  // Medians of each phase: where the time between the key and the frame goes.
  const median = (phase: (send: SendTimes) => number) => round(summarize(sends.map(phase)).median, 1);
  const phases = `key to socket ${median((send) => send.sent)} ms, socket to reply ${median((send) => send.replied - send.sent)} ms, reply to row ${median((send) => send.mounted - send.replied)} ms, row to frame ${median((send) => send.painted - send.mounted)} ms`;
  const floor = summarize(roundTrips);
  const keyed = summarize(keyedTrips);
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
      note: `allowed median ${round(allowed, 1)} ms; measured from the key event's timestamp to the layout of the frame that shows the row (medians by phase: ${phases})`,
    },
    {
      case: "send-paint",
      name: "the same ping sent from a keydown that changes a bare page, to its reply in the page's script",
      unit: "ms",
      value: keyed,
      baseline: { name: "the same ping's round trip over the bridge, no page", value: floor },
      target: "reported: what the browser adds to a reply after a key that changes the page",
      verdict: "info",
      note: "Chromium runs the reply's task only after the frame the key made necessary: without the DOM change the same ping takes its plain round trip",
    },
  ];
}

/** Where one send's time went, each from the key event's timestamp (ms). */
export interface SendTimes {
  /** The page wrote the stanza to the bridge's WebSocket. */
  sent: number;
  /** The reply's WebSocket message reached the page (the event's own timestamp). */
  replied: number;
  /** The reply's row was in the lane's DOM. */
  mounted: number;
  /** The frame that shows it laid it out (its paint follows at once). */
  painted: number;
}

/** Types a ping into the editor, presses Ctrl+Enter, and returns the page's key-to-frame times. */
export async function sendAndPaint(page: Page, id: string): Promise<SendTimes> {
  const editor = page.getByTestId("pane-a").getByTestId("stanza-editor");
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(`<iq type="get" id="${id}-x" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`);
  // A person's pause between the last keystroke and Ctrl+Enter. Without it the editor's own
  // work on the text just typed (its checks run VALIDATE_DELAY_MS after the last change) lands
  // inside the measured send; that is typing's cost, and a person has stopped typing by then.
  await page.evaluate(`new Promise((resolve) => setTimeout(resolve, ${PERSON_PAUSE_MS}))`);
  // Installed before the key goes down: a capture listener sees the key before the editor does.
  // The WebSocket's send is wrapped on its prototype, so it sees the page's socket as it writes.
  // A string, not a function: the TypeScript loader's helpers would not exist in the page.
  await page.evaluate(`(() => {
    window.benchPainted = new Promise((resolve) => {
      const marker = ${JSON.stringify(`${id}-x`)};
      const times = { key: -1, sent: -1, replied: -1, mounted: -1 };
      const onKey = (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) times.key = event.timeStamp;
      };
      const onMessage = (event) => {
        if (times.replied < 0 && times.sent >= 0 && typeof event.data === "string" && event.data.includes(marker) && event.data.includes("result")) times.replied = event.timeStamp;
      };
      const send = WebSocket.prototype.send;
      let socket;
      WebSocket.prototype.send = function (data) {
        if (times.key >= 0 && times.sent < 0 && typeof data === "string" && data.includes(marker)) {
          times.sent = performance.now();
          socket = this;
          this.addEventListener("message", onMessage);
        }
        return send.call(this, data);
      };
      window.addEventListener("keydown", onKey, { capture: true });
      const list = document.querySelector('[data-testid="pane-a"] [aria-label="Transcript entries"]');
      const observer = new MutationObserver(() => {
        if (times.key < 0) return;
        for (const row of list.querySelectorAll('[data-testid="entry-in"]')) {
          if (!row.textContent.includes(marker)) continue;
          times.mounted = performance.now();
          observer.disconnect();
          window.removeEventListener("keydown", onKey, { capture: true });
          WebSocket.prototype.send = send;
          // Shown by the frame that lays it out: a ResizeObserver's first call on an element comes
          // in the rendering step of that frame, after its layout and just before its paint. (A
          // frame loop here would itself keep a frame pending, which delays the page's tasks.)
          const laidOut = new ResizeObserver(() => {
            laidOut.disconnect();
            // Not sooner: the page may render the reply inside its own message handler, so this
            // observer can run before the listener behind it has seen the message.
            socket?.removeEventListener("message", onMessage);
            const since = (at) => (at < 0 ? -1 : at - times.key);
            resolve({ sent: since(times.sent), replied: since(times.replied), mounted: since(times.mounted), painted: performance.now() - times.key });
          });
          laidOut.observe(row);
          return;
        }
      });
      observer.observe(list, { childList: true, subtree: true, characterData: true });
    });
  })()`);
  // Held as a person holds it: the keys come up after the reply showed, not a few
  // milliseconds after going down (each key event is input that the page answers with a frame).
  await page.keyboard.down("ControlOrMeta");
  await page.keyboard.down("Enter");
  const times = (await page.evaluate("window.benchPainted")) as SendTimes;
  await page.keyboard.up("Enter");
  await page.keyboard.up("ControlOrMeta");
  return times;
}
