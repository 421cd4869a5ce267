import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { BENCH_SERVER, fromRepoRoot } from "../../scripts/lib/instances";
import { BENCH_APP_PORT, BENCH_URL, type AppUnderTest } from "../app-under-test";
import { startBareRelay } from "../bare-relay-process";
import { DirectClient } from "../direct-client";
import { runInFreeChromium } from "../free-chromium";
import type { Figure } from "../report";
import { round, summarize } from "../stats";

const ROUNDS = 10;
const PINGS_PER_ROUND = 100;
const WARM_UP = 100;

declare global {
  interface Window {
    benchLogin(): Promise<void>;
    benchPing(id: string): Promise<number>;
    benchBatch(prefix: string, count: number): Promise<number[]>;
    benchEcho(url: string, count: number): Promise<number[]>;
    benchRelayLogin(url: string): Promise<void>;
    benchRelayBatch(prefix: string, count: number): Promise<number[]>;
  }
}

/**
 * Case 1: an iq ping from a browser page through the bridge, against a direct Node TCP
 * client to the same server, interleaved batch by batch so both see the same machine; then
 * the same rounds from a Chromium no tool drives (pingsInFreeChromium). Beside them, the same
 * pings through a relay that only copies bytes (bench/bare-relay.ts): what is left between it
 * and the bridge is the bridge's own work.
 */
export async function roundTrip(app: AppUnderTest): Promise<Figure[]> {
  const relay = await startBareRelay("ws", BENCH_SERVER.ports.plain);
  try {
    return await roundTripThrough(app, `ws://127.0.0.1:${relay.port}`);
  } finally {
    relay.stop();
  }
}

async function roundTripThrough(app: AppUnderTest, relayUrl: string): Promise<Figure[]> {
  // The app's CSP forbids what the harness does on purpose (an injected script, a WebSocket to
  // an echo server on another port), so this page bypasses it; the bridge path is unchanged.
  const page = await app.browser.newPage({ bypassCSP: true });
  await page.goto(BENCH_URL);
  await page.addScriptTag({ path: fromRepoRoot("bench/browser/bridge-pinger.js") });
  await page.evaluate("window.benchLogin()");
  await page.evaluate(`window.benchRelayLogin("${relayUrl}")`);
  const direct = await DirectClient.login(BENCH_SERVER.ports.plain, "bob", "bob");

  for (let i = 0; i < WARM_UP; i++) {
    await direct.ping(`warm-d${i}`);
    await page.evaluate(`window.benchPing("warm-b${i}")`);
    await page.evaluate(`window.benchRelayPing("warm-r${i}")`);
  }
  // What the browser alone costs: a WebSocket echo, to show what dominates the bridge's figure.
  const echo = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  echo.on("connection", (socket) => socket.on("message", (data) => socket.send(String(data))));
  await new Promise((resolve) => echo.once("listening", resolve));
  const echoUrl = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}`;

  const viaBridge: number[] = [];
  const directly: number[] = [];
  const browserEcho: number[] = [];
  const viaRelay: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    viaBridge.push(...((await page.evaluate(`window.benchBatch("b${round}-", ${PINGS_PER_ROUND})`)) as number[]));
    for (let i = 0; i < PINGS_PER_ROUND; i++) directly.push(await direct.ping(`d${round}-${i}`));
    browserEcho.push(...((await page.evaluate(`window.benchEcho("${echoUrl}", ${PINGS_PER_ROUND})`)) as number[]));
    viaRelay.push(...((await page.evaluate(`window.benchRelayBatch("r${round}-", ${PINGS_PER_ROUND})`)) as number[]));
  }
  await page.close();
  const free = await pingsInFreeChromium(app, direct, echoUrl, relayUrl);
  direct.close();
  echo.close();

  return [
    roundTripFigure("iq ping: browser → bridge → ejabberd and back", { viaBridge, directly, browserEcho, viaRelay }),
    roundTripFigure(
      "iq ping from a Chromium no tool drives (no DevTools protocol): browser → bridge → ejabberd and back",
      free,
      "the same pings, echo, direct client and relay in a Chromium Playwright does not drive (to Playwright, Chromium reports every WebSocket frame over the DevTools protocol, and a person's browser does not), timed at 5 µs in a cross-origin isolated page where the Playwright page's clock has 100 µs steps",
    ),
    {
      case: "round-trip",
      name: "the browser's own WebSocket round trip (echo server, no XMPP)",
      unit: "ms",
      value: summarize(browserEcho),
      target: "reported: the part of the figure above that is Chromium's",
      verdict: "info",
    },
  ];
}

interface RoundTripSamples {
  viaBridge: number[];
  directly: number[];
  browserEcho: number[];
  /** Through bench/bare-relay.ts, the least any process between page and ejabberd adds. */
  viaRelay: number[];
}

/** Figure for pings through the bridge against their floor: Chromium's WebSocket echo plus the direct TCP client. */
function roundTripFigure(name: string, { viaBridge, directly, browserEcho, viaRelay }: RoundTripSamples, how?: string): Figure {
  const bridge = summarize(viaBridge);
  const relay = summarize(viaRelay);
  // The floor the bridge is held to: Chromium's own WebSocket round trip plus the direct TCP
  // one, sample by sample (both interleaved with the bridge's pings, so on the same machine).
  const floor = summarize(directly.map((direct, i) => direct + browserEcho[i]!));
  const addedMedian = bridge.median - floor.median;
  return {
    case: "round-trip",
    name,
    unit: "ms",
    value: bridge,
    baseline: { name: "Chromium WebSocket echo + direct Node TCP client (Nagle off), paired samples", value: floor },
    target: "median ≤ baseline + 0.3 ms, p99 ≤ 2 ms",
    verdict: addedMedian <= 0.3 && bridge.p99 <= 2 ? "pass" : "miss",
    note:
      `added ${round(addedMedian)} ms median; direct TCP alone ${round(summarize(directly).median)} ms median, the echo alone ${round(summarize(browserEcho).median)} ms; ` +
      `through a relay that only copies bytes (no parse, no JSON, no transcript) ${round(relay.median)} ms median, p99 ${round(relay.p99)} ms: ${round(relay.median - floor.median)} ms over the floor, so the bridge's own work adds ${round(bridge.median - relay.median)} ms` +
      (how === undefined ? "" : `; ${how}`),
  };
}

/**
 * The same rounds in a page of a Chromium no tool drives (bench/free-chromium.ts): bridge pings
 * with bridge-pinger.js, then the direct client's, then the echo's, then the relay's, round by round.
 */
async function pingsInFreeChromium(app: AppUnderTest, direct: DirectClient, echoUrl: string, relayUrl: string): Promise<RoundTripSamples> {
  const directly: number[] = [];
  const html = `<!doctype html><meta charset="utf-8"><title>round trip</title>
<script src="/files/bridge-pinger.js"></script>
<script>
window.benchBridgeUrl = "ws://localhost:${BENCH_APP_PORT}/bridge";
(async () => {
  try {
    await window.benchLogin();
    await window.benchRelayLogin("${relayUrl}");
    for (let i = 0; i < ${WARM_UP}; i++) {
      await window.benchPing("free-warm-" + i);
      await window.benchRelayPing("free-warm-r" + i);
    }
    const viaBridge = [], browserEcho = [], viaRelay = [];
    for (let round = 0; round < ${ROUNDS}; round++) {
      viaBridge.push(...(await window.benchBatch("free" + round + "-", ${PINGS_PER_ROUND})));
      await fetch("/call/direct", { method: "POST", body: String(round) });
      browserEcho.push(...(await window.benchEcho("${echoUrl}", ${PINGS_PER_ROUND})));
      viaRelay.push(...(await window.benchRelayBatch("free-r" + round + "-", ${PINGS_PER_ROUND})));
    }
    await fetch("/done", { method: "POST", body: JSON.stringify({ viaBridge, browserEcho, viaRelay, isolated: self.crossOriginIsolated }) });
  } catch (error) {
    await fetch("/failed", { method: "POST", body: String(error && error.stack || error) });
  }
})();
</script>`;
  const reported = await runInFreeChromium(app.chromium, {
    html,
    files: { "bridge-pinger.js": readFileSync(fromRepoRoot("bench/browser/bridge-pinger.js"), "utf8") },
    calls: {
      direct: async (round) => {
        for (let i = 0; i < PINGS_PER_ROUND; i++) directly.push(await direct.ping(`free-d${round}-${i}`));
        return "ok";
      },
    },
  });
  const { viaBridge, browserEcho, viaRelay, isolated } = JSON.parse(reported) as Omit<RoundTripSamples, "directly"> & { isolated: boolean };
  // Without isolation Chromium rounds performance.now() to 100 µs, and every figure with it.
  if (!isolated) throw new Error("the free Chromium's page is not cross-origin isolated: its timings would be rounded to 100 µs");
  return { viaBridge, directly, browserEcho, viaRelay };
}
