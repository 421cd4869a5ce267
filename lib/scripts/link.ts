/**
 * A script, a single stanza or a lesson step's XML shared as a link: the text deflated
 * ("deflate-raw", RFC 1951) and written in base64url (RFC 4648 §5) in the URL's fragment,
 * which browsers never send to a server (RFC 3986 §3.5), so nothing is stored anywhere but in
 * the link itself. The page that opens one shows it and sends nothing until the person does.
 */

/** What a link carries, and the fragment's key for it: /scripts#script=..., /playground#stanza=..., /lessons/SLUG#at=STEP&step=... */
export type LinkKind = "script" | "stanza" | "step";

const NOUN: Record<LinkKind, string> = { script: "script", stanza: "stanza", step: "step's XML" };

/** The fragment's key of a script link. */
export const LINK_KEY: LinkKind = "script";

/**
 * The longest encoded text a link carries. Browsers take far more, but mail and chat clients
 * cut or refuse long URLs; past this the page says to export a file instead.
 */
export const MAX_LINK_CHARS = 16_000;

/** What a link may inflate to: a link that claims to be small must not fill the tab's memory. */
export const MAX_SCRIPT_CHARS = 200_000;

export type LinkResult = { ok: true; fragment: string } | { ok: false; problem: string };
/** `params`: the fragment's other values (a lesson step's `at`). */
export type OpenedLink = { ok: true; text: string; params: Record<string, string> } | { ok: false; problem: string };

export function scriptToFragment(text: string): Promise<LinkResult> {
  return toFragment("script", text);
}

/** The script in a location's hash ("#script=..."); null when the hash holds none. */
export function scriptFromFragment(hash: string): Promise<OpenedLink | null> {
  return fromFragment(hash, "script");
}

/** `params` go before the text, in the clear (a lesson step's slug): short values, not content. */
export async function toFragment(kind: LinkKind, text: string, params: Record<string, string> = {}): Promise<LinkResult> {
  const packed = base64url(await pump(new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"))));
  if (packed.length > MAX_LINK_CHARS) {
    const instead = kind === "script" ? "export it as a file and share that instead" : "share it as a file (Export) instead";
    return { ok: false, problem: `This ${NOUN[kind]} makes a link of ${packed.length.toLocaleString("en")} characters, more than the ${MAX_LINK_CHARS.toLocaleString("en")} a link may carry here; ${instead}.` };
  }
  const before = new URLSearchParams(params).toString();
  return { ok: true, fragment: `${before === "" ? "" : `${before}&`}${kind}=${packed}` };
}

/** The text of a `kind` link in a location's hash; null when the hash holds none. */
export async function fromFragment(hash: string, kind: LinkKind): Promise<OpenedLink | null> {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const packed = params.get(kind);
  if (packed === null) return null;
  params.delete(kind);
  if (packed.length > MAX_LINK_CHARS) return { ok: false, problem: `This link carries ${packed.length.toLocaleString("en")} characters, more than the ${MAX_LINK_CHARS.toLocaleString("en")} a link may have; ask for the ${NOUN[kind]} as a file.` };
  const bytes = fromBase64url(packed);
  if (bytes === null) return { ok: false, problem: `This link's ${NOUN[kind]} is not base64url text (RFC 4648 §5); it was probably cut or changed on the way. Ask for the link again.` };
  try {
    const inflated = await pump(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate-raw")), MAX_SCRIPT_CHARS * 4);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(inflated);
    if (text.length > MAX_SCRIPT_CHARS) throw new RangeError("too long");
    return { ok: true, text, params: Object.fromEntries(params) };
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, problem: `This link's ${NOUN[kind]} is longer than ${MAX_SCRIPT_CHARS.toLocaleString("en")} characters once unpacked; it was not opened.` };
    return { ok: false, problem: `This link's ${NOUN[kind]} does not unpack (it is not deflated UTF-8 text); it was probably cut on the way. Ask for the link again.` };
  }
}

/** Reads a stream to its end; past `limit` bytes it stops with a RangeError. */
async function pump(stream: ReadableStream<Uint8Array>, limit = Infinity): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    length += read.value.length;
    if (length > limit) {
      await reader.cancel();
      throw new RangeError("too long");
    }
    chunks.push(read.value);
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
