/**
 * A link to one entry of a capture on /captures: `#capture=NAME&entry=87`, with
 * `&account=b` in a capture of two accounts. The fragment never reaches a server; NAME is
 * the file's name (the person opening the link opens that file), or `saved:KEY` for a
 * session saved in this browser, which opens by itself.
 */

export interface CaptureLink {
  capture: string;
  entry: number;
  account?: string;
}

export const SAVED_PREFIX = "saved:";

export function formatCaptureLink(link: CaptureLink): string {
  const params = new URLSearchParams({ capture: link.capture, entry: String(link.entry) });
  if (link.account !== undefined) params.set("account", link.account);
  return `#${params.toString()}`;
}

export function parseCaptureLink(hash: string): CaptureLink | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const capture = params.get("capture");
  const entry = Number(params.get("entry"));
  if (capture === null || capture === "" || !Number.isSafeInteger(entry) || entry < 1) return null;
  const account = params.get("account");
  return account === null ? { capture, entry } : { capture, entry, account };
}

/** The name a capture goes by in links: its .json file, the pair of stream files, or the saved session. */
export function captureName(fileNames: readonly string[], savedKey?: string): string {
  if (savedKey !== undefined) return `${SAVED_PREFIX}${savedKey}`;
  if (fileNames.length === 1) return fileNames[0]!;
  const bases = new Set(fileNames.map((name) => name.replace(/-(client|server)\.xml$/i, "")));
  return bases.size === 1 ? `${[...bases][0]!}-streams` : fileNames.join("+");
}
