/**
 * One direction's bytes to text. XMPP streams are UTF-8 only (RFC 6120 section 11.6), so
 * bytes that are not UTF-8 are a fact worth recording, not something to smooth over: each
 * invalid sequence becomes one U+FFFD in the text, and is reported with where it was and
 * what the bytes were, so the transcript can show it and nothing is silently lost.
 *
 * A multi-byte character split across two reads is held back until its end arrives.
 */

export interface InvalidSequence {
  /** Index (UTF-16) of the U+FFFD standing for it, in the text this call returned. */
  textOffset: number;
  /** Offset of its first byte in the direction's byte stream. */
  byteOffset: number;
  /** The bytes, as lowercase hex pairs separated by spaces: "c3 28". */
  hex: string;
}

export interface Decoded {
  text: string;
  invalid: InvalidSequence[];
}

const REPLACEMENT = "\uFFFD";
const NOTHING = new Uint8Array(0);

export class Utf8StreamDecoder {
  /** The start of a character whose remaining bytes have not arrived yet. */
  private carry: Uint8Array = NOTHING;
  /** Bytes decoded so far (the carry excluded). */
  private bytesDone = 0;
  private readonly fast = new TextDecoder("utf-8");

  decode(bytes: Uint8Array): Decoded {
    const data = this.carry.length === 0 ? bytes : concat(this.carry, bytes);
    const complete = completeLength(data);
    this.carry = complete === data.length ? NOTHING : data.slice(complete);
    return this.take(data.subarray(0, complete));
  }

  /** The stream ended: a character still waiting for its last bytes is invalid. */
  end(): Decoded {
    const rest = this.carry;
    this.carry = NOTHING;
    return this.take(rest);
  }

  private take(bytes: Uint8Array): Decoded {
    if (bytes.length === 0) return { text: "", invalid: [] };
    let decoded: Decoded = { text: this.fast.decode(bytes), invalid: [] };
    // The platform decoder is fast but says nothing about what it replaced: only text with a
    // U+FFFD in it (replaced, or sent as such) is decoded again, by hand, to find out.
    if (decoded.text.includes(REPLACEMENT)) decoded = decodeByHand(bytes, this.bytesDone);
    this.bytesDone += bytes.length;
    return decoded;
  }
}

/** How many leading bytes of `data` end on a character boundary (or on an invalid byte). */
function completeLength(data: Uint8Array): number {
  const length = data.length;
  for (let back = 1; back <= 3 && back <= length; back++) {
    const byte = data[length - back]!;
    if (byte < 0x80) return length; // ASCII: the end is a boundary
    if (byte < 0xc0) continue; // a continuation byte: look further back for its lead
    const needed = sequenceLength(byte);
    return needed > back ? length - back : length;
  }
  return length;
}

/** Bytes in a sequence led by `lead`; 1 for a byte that cannot lead one (RFC 3629 section 4). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 1;
}

/**
 * A strict decoder (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF) that
 * replaces each maximal invalid subpart with one U+FFFD, as the WHATWG Encoding standard does.
 */
function decodeByHand(bytes: Uint8Array, byteBase: number): Decoded {
  const parts: string[] = [];
  const invalid: InvalidSequence[] = [];
  let textLength = 0;
  let run: number[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const piece = String.fromCodePoint(...run);
    parts.push(piece);
    textLength += piece.length;
    run = [];
  };
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      run.push(lead);
      if (run.length >= 4096) flush();
      i++;
      continue;
    }
    const needed = sequenceLength(lead) - 1;
    let lower = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    let upper = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    let codePoint = needed === 1 ? lead & 0x1f : needed === 2 ? lead & 0x0f : lead & 0x07;
    let j = i + 1;
    let valid = needed > 0;
    for (let k = 0; k < needed; k++) {
      const next = bytes[j];
      if (next === undefined || next < lower || next > upper) {
        valid = false;
        break;
      }
      codePoint = (codePoint << 6) | (next & 0x3f);
      lower = 0x80;
      upper = 0xbf;
      j++;
    }
    if (valid) {
      run.push(codePoint);
    } else {
      flush();
      invalid.push({ textOffset: textLength, byteOffset: byteBase + i, hex: toHex(bytes.subarray(i, j)) });
      parts.push(REPLACEMENT);
      textLength += 1;
    }
    i = j;
  }
  flush();
  return { text: parts.join(""), invalid };
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(" ");
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
