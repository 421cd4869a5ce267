import { readStreamFile } from "../lib/transcript-files/stream-file";
import type { TranscriptEntry } from "../lib/xmpp/entry";

/** Polls until `predicate` holds; fails with what it waited for. Never a fixed sleep. */
export function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

/** One direction's text as it crossed the wire: its entries' raw, concatenated. */
export function wire(entries: readonly TranscriptEntry[], dir: "in" | "out"): string {
  return entries.filter((entry) => entry.dir === dir).map((entry) => entry.raw).join("");
}

/** The wire text an exported stream file holds, every stream of it in order. */
export function wireInStreamFile(file: string): string {
  const read = readStreamFile(file);
  if (!read.ok) throw new Error(read.message);
  return read.sections.join("");
}
