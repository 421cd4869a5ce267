import { Transcript } from "../xmpp/transcript";
import { isStreamFile, readStreamFile } from "./stream-file";
import { MAX_TRANSCRIPT_FILE_BYTES, type ExportedEntry } from "./format";
import { parseTranscriptFile, tooLargeMessage, type ImportLimits, type ImportResult } from "./import";

/**
 * Stream files are the two directions' wire text and nothing else (stream-file.ts). They are
 * framed and classified by the same Transcript the live bridge uses, so kinds, pairs and
 * SASL masking match a live capture. What they cannot give back is time: the order between
 * the directions is known only at each stream restart, so the client's stream N is listed
 * before the server's stream N, and both before stream N+1 (after STARTTLS or SASL, RFC 6120
 * sections 5.4.3.3 and 6.4.6, the client opens each new stream once the server's last
 * answer arrived). Files from older exports (bare wire text) are one stream each.
 */

export const STREAM_FILES_NOTE =
  "Imported from stream files: they hold no timing, so the order between the two directions is known only at each stream restart (STARTTLS, SASL); within one stream every client entry is listed before the server's. The .json export keeps the true order and times.";

export function parseStreamFiles(client: string, server: string, limits: ImportLimits = {}): ImportResult {
  const maxChars = limits.maxChars ?? MAX_TRANSCRIPT_FILE_BYTES;
  if (client.length + server.length > maxChars) return { ok: false, message: tooLargeMessage(maxChars) };
  if (client.trim() === "" && server.trim() === "") {
    return { ok: false, message: "Both stream files are empty. Choose the -client.xml and -server.xml files of one export." };
  }
  const clientStreams = streamsOf(client, "client");
  if (!clientStreams.ok) return clientStreams;
  const serverStreams = streamsOf(server, "server");
  if (!serverStreams.ok) return serverStreams;
  try {
    const transcript = new Transcript({ now: () => 0, writesAreWhole: false });
    const count = Math.max(clientStreams.sections.length, serverStreams.sections.length);
    for (let index = 0; index < count; index++) {
      // Client first also lets iq pairing see each request before its answer.
      const out = clientStreams.sections[index];
      if (out !== undefined) transcript.record("out", out);
      const incoming = serverStreams.sections[index];
      if (incoming !== undefined) transcript.record("in", incoming);
    }
    transcript.end();
    const entries: ExportedEntry[] = transcript.since(0).map((entry) => {
      const copy: ExportedEntry = { ...entry, at: 0, wall: 0 };
      delete copy.rttMs; // a round trip measured against a clock that never moved
      return copy;
    });
    return { ok: true, entries, meta: { timing: "none", note: STREAM_FILES_NOTE } };
  } catch (error) {
    return { ok: false, message: `The stream files could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The streams of one file: a stream file's sections, or an older export's bare wire text as one. */
function streamsOf(text: string, side: "client" | "server"): { ok: true; sections: string[] } | { ok: false; message: string } {
  if (!isStreamFile(text)) return { ok: true, sections: text === "" ? [] : [text] };
  const read = readStreamFile(text);
  if (!read.ok) return { ok: false, message: `The ${side} stream file could not be read: ${read.message}. Export the stream files again from the playground.` };
  return { ok: true, sections: read.sections };
}

/** What a file input hands over; a File is one. */
export interface CaptureFile {
  readonly name: string;
  readonly size: number;
  text(): Promise<string>;
}

/**
 * One .json transcript, or the two stream files of one export (in either order).
 * Sizes are checked before anything is read, so a huge file is refused without loading it.
 */
export async function readCaptureFiles(files: readonly CaptureFile[], limits: ImportLimits = {}): Promise<ImportResult> {
  const maxBytes = limits.maxChars ?? MAX_TRANSCRIPT_FILE_BYTES;
  if (files.length === 0) return { ok: false, message: "No file chosen. Choose a .json transcript, or the two stream files of one export." };
  if (files.length > 2) return { ok: false, message: `${files.length} files chosen. Choose one .json transcript, or exactly two stream files (client and server).` };
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > maxBytes) return { ok: false, message: tooLargeMessage(maxBytes) };
  try {
    const texts = await Promise.all(files.map((file) => file.text()));
    const [first, second] = texts;
    if (second === undefined) return parseTranscriptFile(first ?? "", limits);
    const firstFile = files[0]!;
    const secondFile = files[1]!;
    const firstIsServer = looksLikeServerStream(firstFile.name, first ?? "", secondFile.name, second);
    return firstIsServer ? parseStreamFiles(second, first ?? "", limits) : parseStreamFiles(first ?? "", second, limits);
  } catch (error) {
    return { ok: false, message: `The file could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Exports name them `-client.xml` and `-server.xml`; failing that, the server's stream
 * header is the one with an `id` (RFC 6120 section 4.7.3: the receiving entity sets it).
 */
function looksLikeServerStream(firstName: string, first: string, secondName: string, second: string): boolean {
  // A stream file says which direction it holds.
  if (isStreamFile(first)) return first.slice(0, 512).includes('direction="server-to-client"');
  if (isStreamFile(second)) return second.slice(0, 512).includes('direction="client-to-server"');
  const named = (name: string, side: string) => name.toLowerCase().includes(side);
  if (named(firstName, "server") || named(secondName, "client")) return true;
  if (named(firstName, "client") || named(secondName, "server")) return false;
  return headerHasId(first) && !headerHasId(second);
}

const STREAM_HEADER = /<(?:[A-Za-z_][\w.-]*:)?stream\b[^>]*>/;

function headerHasId(text: string): boolean {
  const header = STREAM_HEADER.exec(text.slice(0, 4096))?.[0];
  return header !== undefined && /\sid\s*=/.test(header);
}
