import { tagStop } from "./tag-scan";

/**
 * RFC 6120 section 11.1: an XMPP stream carries a restricted subset of XML. No comments,
 * no processing instructions, no DTD (internal or external subset), no entity references
 * beyond the five predefined ones. A DTD is how the "billion laughs" attack declares its
 * nested entities, so refusing the DTD refuses the attack before any parser sees it.
 *
 * This finds the first such construct in text someone wants to send, wherever it sits
 * (between stanzas or inside one), skipping what is only text: attribute values and CDATA.
 * An XML declaration (`<?xml version='1.0'?>`) is allowed: it may precede a stream header.
 */

export interface RestrictedXml {
  /** Where the construct starts, and how long it is (UTF-16 offsets into the text). */
  offset: number;
  length: number;
  what: "comment" | "processing instruction" | "DTD or entity declaration";
  /** A sentence that says what is wrong and what to do. */
  message: string;
}

const MESSAGES: Record<RestrictedXml["what"], string> = {
  comment: "XML comments are not allowed in XMPP (RFC 6120 section 11.1): remove the <!-- ... --> part",
  "processing instruction": "processing instructions are not allowed in XMPP (RFC 6120 section 11.1): remove the <?...?> part (only an XML declaration may precede a stream header)",
  "DTD or entity declaration":
    "DTDs and entity declarations (<!DOCTYPE>, <!ENTITY>) are not allowed in XMPP (RFC 6120 section 11.1): remove them, and write characters as &lt; &gt; &amp; &quot; &apos; or numeric references such as &#233;",
};

const XML_DECLARATION = /^<\?xml[ \t\r\n?]/;

export function findRestrictedXml(text: string): RestrictedXml | null {
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    if (lt === -1) return null;
    const next = text[lt + 1];
    if (next === "!") {
      if (text.startsWith("<![CDATA[", lt)) {
        const end = text.indexOf("]]>", lt + 9);
        if (end === -1) return null; // all the rest is CDATA text
        i = end + 3;
        continue;
      }
      if (text.startsWith("<!--", lt)) return found(text, lt, "-->", "comment");
      // A DOCTYPE with an internal subset ends at "]>", after the declarations inside it.
      const gt = text.indexOf(">", lt);
      const bracket = text.indexOf("[", lt);
      const closer = bracket !== -1 && (gt === -1 || bracket < gt) ? "]>" : ">";
      return found(text, lt, closer, "DTD or entity declaration");
    }
    if (next === "?") {
      if (XML_DECLARATION.test(text.slice(lt, lt + 6))) {
        const end = text.indexOf("?>", lt + 2);
        if (end === -1) return null;
        i = end + 2;
        continue;
      }
      return found(text, lt, "?>", "processing instruction");
    }
    i = skipTag(text, lt + 1);
  }
  return null;
}

/** Past the `>` that ends the tag starting before `from`, skipping quoted attribute values. */
function skipTag(text: string, from: number): number {
  const stop = tagStop(text, from);
  if (stop === -1) return text.length;
  // A "<" inside a tag is a well-formedness error for the parser to report; scan on from it.
  return text[stop] === ">" ? stop + 1 : stop;
}

function found(text: string, offset: number, closer: string, what: RestrictedXml["what"]): RestrictedXml {
  const end = text.indexOf(closer, offset + 2);
  const length = (end === -1 ? text.length : end + closer.length) - offset;
  return { offset, length, what, message: MESSAGES[what] };
}

/** The refusal a session gives when asked to send restricted XML. */
export function restrictedXmlRefusal(found: RestrictedXml): string {
  return `Not sent: ${found.message}. It was at character ${found.offset + 1}. A server must close the stream with <restricted-xml/> on receiving it, so the playground never sends it.`;
}
