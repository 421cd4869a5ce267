import { exportJson } from "../lib/transcript-files/export";
import type { TranscriptEntry } from "../lib/xmpp/entry";

/**
 * `node --import tsx bench/export-node.ts`: the JSON export of the big-log case's transcript
 * in Node, without a page: EXPORT_ENTRIES messages of the flood's shape (990,000 by
 * default), each parsed from JSON as the page gets them from the bridge. Add --cpu-prof
 * to see where the time goes. The page's own figure is the big-log case's.
 */
const ENTRIES = Number(process.env.EXPORT_ENTRIES ?? 990_000);
const RUNS = Number(process.env.EXPORT_RUNS ?? 3);

function floodEntries(count: number): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  const wall = Date.now();
  for (let start = 0; start < count; start += 1000) {
    const batch: TranscriptEntry[] = [];
    for (let n = start; n < Math.min(count, start + 1000); n++) {
      const raw = `<message xml:lang='en' to='alice@localhost' from='alice@localhost/bench' type='chat' id='big-${n}' xmlns='jabber:client'><body>${n}</body></message>`;
      const attrs = { to: "alice@localhost", from: "alice@localhost/bench", id: `big-${n}`, type: "chat" };
      batch.push({ seq: n + 10, at: 300 + n * 0.05, wall: wall + Math.floor(n / 20), dir: "in", raw, kind: "message", name: "message", ns: "jabber:client", attrs });
    }
    // The page gets each batch from the bridge as JSON text.
    for (const entry of JSON.parse(JSON.stringify(batch)) as TranscriptEntry[]) entries.push(entry);
  }
  return entries;
}

const entries = floodEntries(ENTRIES);
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const blob = exportJson(entries, { jid: "alice@localhost/bench" });
  console.log(`export of ${entries.length} entries: ${((performance.now() - started) / 1000).toFixed(2)} s, ${(blob.size / 1e6).toFixed(0)} MB`);
}
