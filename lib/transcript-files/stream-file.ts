import { walkXml } from "../xml/walk-xml";

/**
 * The stream file: one direction's wire text as a well-formed XML document.
 *
 * The wire text itself cannot be one: each stream restart (after STARTTLS, RFC 6120
 * section 5.4.3.3, and after SASL, section 6.4.6) sends a new header, often with its own
 * `<?xml ...?>`, and a stream's start tag is never closed before the next one opens. So the
 * file wraps it:
 *
 *     <?xml version="1.0" encoding="UTF-8"?>
 *     <xmpp-stream-file xmlns="urn:xmpp-playground:stream-file:1" direction="client-to-server">
 *     <stream n="1"><![CDATA[<?xml version='1.0'?><stream:stream ...><starttls .../>]]></stream>
 *     <stream n="2"><![CDATA[<?xml version='1.0'?><stream:stream ...><auth ...>]]></stream>
 *     </xmpp-stream-file>
 *
 * One `<stream>` per stream (a new one starts at each stream header), its text exactly what
 * crossed the wire, readable as is inside CDATA. What CDATA cannot carry is written outside
 * it: a `]]>` in the text is split over two sections, and each character XML cannot hold or
 * would change (a NUL or other control character; a carriage return, which every parser
 * turns into a line feed, XML 1.0 section 2.11) is a `<char code="N"/>` with its code point.
 * Reading the text of each `<stream>` with `<char>`s put back gives the wire text again.
 *
 * The file holds no timing: that is the JSON transcript's job.
 */

export const STREAM_FILE_NS = "urn:xmpp-playground:stream-file:1";
export const STREAM_FILE_ROOT = "xmpp-stream-file";

export type StreamDirection = "client-to-server" | "server-to-client";

export const STREAM_FILE_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function streamFileOpen(direction: StreamDirection): string {
  return `${STREAM_FILE_HEAD}<${STREAM_FILE_ROOT} xmlns="${STREAM_FILE_NS}" direction="${direction}">\n`;
}

export const STREAM_FILE_CLOSE = `</${STREAM_FILE_ROOT}>\n`;

// XML 1.0 section 2.2's Char, less CR (normalised away by parsers): everything else goes in a <char/>.
const NOT_CDATA_SAFE = /\]\]>|[^\t\n\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Writes the sections' CDATA as text arrives in pieces (one entry at a time). A `]]>` may
 * span two pieces, so up to two trailing `]` wait for the next piece.
 */
export class StreamSectionWriter {
  private held = "";
  private open = false;
  private count = 0;

  /** Starts the next `<stream>` (closing the current one). */
  begin(): string {
    const close = this.end();
    this.count++;
    this.open = true;
    return `${close}<stream n="${this.count}"><![CDATA[`;
  }

  write(text: string): string {
    const prefix = this.open ? "" : this.begin();
    const whole = this.held + text;
    const keep = whole.endsWith("]]") ? 2 : whole.endsWith("]") ? 1 : 0;
    this.held = whole.slice(whole.length - keep);
    return prefix + escapeCdata(whole.slice(0, whole.length - keep));
  }

  /** Ends the current `<stream>`, if any. */
  end(): string {
    if (!this.open) return "";
    this.open = false;
    const rest = escapeCdata(this.held);
    this.held = "";
    return `${rest}]]></stream>\n`;
  }
}

function escapeCdata(text: string): string {
  return text.replace(NOT_CDATA_SAFE, (match) => (match === "]]>" ? "]]]]><![CDATA[>" : `]]><char code="${match.codePointAt(0)!}"/><![CDATA[`));
}

export type StreamFileResult = { ok: true; direction: StreamDirection; sections: string[] } | { ok: false; message: string };

/** Whether `text` starts like a stream file (as opposed to bare wire text, as older exports were). */
export function isStreamFile(text: string): boolean {
  const head = text.slice(0, 512);
  return head.includes(`<${STREAM_FILE_ROOT}`) && head.includes(STREAM_FILE_NS);
}

const DIRECTIONS = new Set<string>(["client-to-server", "server-to-client"]);

/** Reads a stream file back into its streams' wire texts, with the one XML walker (depth 3 is all it has). */
export function readStreamFile(text: string): StreamFileResult {
  // Fields, not locals: the walker's callbacks set them.
  const state: { direction: StreamDirection | null; current: string[] | null; problem: string | null } = { direction: null, current: null, problem: null };
  const sections: string[] = [];
  const fail = (message: string) => {
    state.problem ??= message;
  };
  const result = walkXml(
    text,
    { fragment: false, maxDepth: 3 },
    {
      open(tag, depth) {
        if (depth === 1) {
          const value = tag.attributes.direction?.value ?? "";
          if (tag.local !== STREAM_FILE_ROOT || tag.uri !== STREAM_FILE_NS) return fail(`the root element is <${tag.name}>, not a stream file's <${STREAM_FILE_ROOT}>`);
          if (!DIRECTIONS.has(value)) return fail(`\`direction\` must be client-to-server or server-to-client, found "${value.slice(0, 40)}"`);
          state.direction = value as StreamDirection;
        } else if (depth === 2) {
          if (tag.local !== "stream" || tag.uri !== STREAM_FILE_NS) return fail(`<${tag.name}> where a <stream> was expected`);
          state.current = [];
        } else {
          const code = Number(tag.attributes.code?.value);
          if (tag.local !== "char" || tag.uri !== STREAM_FILE_NS || !Number.isInteger(code) || code < 0 || code > 0x10ffff) return fail(`<${tag.name}> inside a <stream>: only <char code="N"/> may be there`);
          state.current?.push(String.fromCodePoint(code));
        }
      },
      close(depth) {
        if (depth === 2 && state.current !== null) {
          sections.push(state.current.join(""));
          state.current = null;
        }
      },
      text(data, depth) {
        if (depth === 2) state.current?.push(data);
        else if (data.trim() !== "") fail("text outside a <stream>");
      },
    },
  );
  if (result.error !== null) return { ok: false, message: `it is not well-formed XML (${result.error})` };
  if (result.tooDeep) return { ok: false, message: "elements are nested inside a <char>" };
  if (state.problem !== null) return { ok: false, message: state.problem };
  if (state.direction === null) return { ok: false, message: "it has no root element" };
  return { ok: true, direction: state.direction, sections };
}
