import type { SaxesTagNS } from "saxes";
import { escapeXml } from "../xml/escape";
import { CLIENT_STREAM_CONTEXT } from "../xml/parse-element";
import { MAX_XML_DEPTH, walkXml, withHeaderClosed } from "../xml/walk-xml";
import type { TranscriptEntry } from "../xmpp/entry";
import { redactXml } from "../xmpp/redaction";
import type { TranscriptMeta } from "./format";

/**
 * Anonymizes a capture so it can be attached to a public bug report: every JID, domain,
 * host name, resource and message text is replaced by a placeholder, the same original
 * always by the same one (alice@localhost/pg is user1@domain1.example/res1 everywhere), so
 * the capture still reads as one conversation. Credentials are masked by the one redactor
 * first, whatever was revealed.
 *
 * Two passes over the entries: the first learns every address the XML names (addressing
 * attributes, <jid>, <resource>, the stream header), the second rewrites each entry from
 * the walker's events with those replaced, and replaces any learnt value that still shows
 * inside other text (an id made from a JID, an event sentence). An entry that does not
 * parse cannot be rewritten safely: its text is left out and the entry says so. The
 * rewritten XML is equivalent, not byte-exact (quotes and entities are written anew).
 */

/** Attributes whose value is a JID (RFC 6120 section 8.1.1 to/from; item and invite jid; XEP-0359's by). */
const JID_ATTRIBUTES = new Set(["to", "from", "jid", "by"]);
/** Elements whose text is a JID (RFC 6120 section 7.6.1's bind result; vcard-temp's JABBERID). */
const JID_ELEMENTS = new Set(["jid", "JABBERID"]);
/** Elements whose text is a resource (RFC 6120 section 7.7.2.2). */
const RESOURCE_ELEMENTS = new Set(["resource"]);
/** Elements whose whole content is what people wrote: bodies and subjects (RFC 6121 section 5.2), statuses (4.7.2.2), XHTML-IM. */
const PRIVATE_TEXT_ELEMENTS = new Set(["body", "subject", "status", "html", "nick"]);

/** Attributes people choose: a roster item's name (RFC 6121 section 2.1.2.3), a bookmark's and a conference's (XEP-0402, XEP-0048). */
const PRIVATE_ATTRIBUTES = new Set(["item name", "conference name"]);
const MIN_FREE_TEXT_LENGTH = 3;
const LEFT_OUT = "[left out by anonymization: not readable as XML]";
/** Literal host names and addresses in plain text (targets, event sentences). Not used on XML. */
const HOST_LIKE = /\[[0-9A-Fa-f:.]+\]|\b\d{1,3}(?:\.\d{1,3}){3}\b|\b(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}\b/g;

/** Placeholders handed out in order of first sight, per kind of value. */
class Placeholders {
  private readonly byOriginal = new Map<string, string>();
  constructor(private readonly make: (n: number) => string) {}
  of(original: string): string {
    const key = original.toLowerCase();
    let placeholder = this.byOriginal.get(key);
    if (placeholder === undefined) {
      placeholder = this.make(this.byOriginal.size + 1);
      this.byOriginal.set(key, placeholder);
    }
    return placeholder;
  }
  has(original: string): boolean {
    return this.byOriginal.has(original.toLowerCase());
  }
  originals(): string[] {
    return [...this.byOriginal.keys()];
  }
}

export class Anonymizer {
  private readonly domains = new Placeholders((n) => `domain${n}.example`);
  private readonly users = new Placeholders((n) => `user${n}`);
  private readonly resources = new Placeholders((n) => `res${n}`);
  private readonly hosts = new Placeholders((n) => `host${n}.example.net`);
  private readonly texts = new Placeholders((n) => `[text ${n}]`);
  /** A localpart seen alone (an id made from it, a nickname) stands for the first bare JID it came with. */
  private readonly locals = new Map<string, string>();
  /** Every learnt original, longest first, as one case-insensitive pattern; rebuilt when more are learnt. */
  private pattern: RegExp | null = null;

  /** Learns the addresses in an entry (the first pass). */
  learn(entry: TranscriptEntry): void {
    if (entry.dir === "event") return this.learnHosts(entry.raw);
    for (const value of [entry.attrs?.to, entry.attrs?.from]) if (value) this.jid(value);
    const document = entry.kind === "stream-open";
    walkEntry(entry.raw, document, document && walkXml(entry.raw, { fragment: false, maxDepth: 1 }).error !== null, {
      open: (tag) => {
        for (const attribute of Object.values(tag.attributes)) if (JID_ATTRIBUTES.has(attribute.local) && attribute.prefix === "") this.jid(attribute.value);
      },
      text: (text, parent) => {
        if (parent !== null && JID_ELEMENTS.has(parent)) this.jid(text.trim());
        if (parent !== null && RESOURCE_ELEMENTS.has(parent) && text.trim() !== "") this.resources.of(text.trim());
      },
    });
    this.pattern = null;
  }

  learnMeta(meta: TranscriptMeta): void {
    if (meta.jid) this.jid(meta.jid);
    if (meta.target) this.learnHosts(meta.target);
    this.pattern = null;
  }

  /** The placeholder of a JID: each part by its own table, so a domain maps the same in every JID. */
  jid(value: string): string {
    if (value === "") return value;
    const slash = value.indexOf("/");
    const bare = slash < 0 ? value : value.slice(0, slash);
    const at = bare.indexOf("@");
    const domain = this.domains.of(bare.slice(at + 1));
    if (at > 0 && !this.locals.has(bare.slice(0, at).toLowerCase())) this.locals.set(bare.slice(0, at).toLowerCase(), bare);
    const local = at < 0 ? "" : `${this.users.of(bare)}@`;
    const resource = slash < 0 ? "" : `/${this.resources.of(value.slice(slash + 1))}`;
    return `${local}${domain}${resource}`;
  }

  /** Text with every learnt value replaced (an id made from a JID, a room name in a form). */
  text(value: string): string {
    const pattern = this.originalsPattern();
    return pattern === null ? value : value.replace(pattern, (match) => this.placeholderOf(match));
  }

  /**
   * Prose the playground wrote (an event sentence, the target): also every word that looks
   * like a host name or address. Never used on XML, where `jabber.org` in a namespace is protocol.
   */
  prose(value: string): string {
    return this.text(value).replace(HOST_LIKE, (match) => (/\.example(\.net)?$/.test(match) ? match : this.hosts.of(match)));
  }

  entry(entry: TranscriptEntry): TranscriptEntry {
    const copy: TranscriptEntry = { ...entry, raw: this.raw(entry) };
    delete copy.invalidBytes; // offsets into the original text
    if (entry.attrs) {
      copy.attrs = { ...entry.attrs };
      if (entry.attrs.to !== undefined) copy.attrs.to = this.jid(entry.attrs.to);
      if (entry.attrs.from !== undefined) copy.attrs.from = this.jid(entry.attrs.from);
      if (entry.attrs.id !== undefined) copy.attrs.id = this.text(entry.attrs.id);
    }
    if (entry.error !== undefined) copy.error = this.prose(entry.error);
    return copy;
  }

  meta(meta: TranscriptMeta): TranscriptMeta {
    const copy: TranscriptMeta = { ...meta };
    if (meta.jid !== undefined) copy.jid = this.jid(meta.jid);
    if (meta.target !== undefined) copy.target = this.prose(meta.target);
    return copy;
  }

  private raw(entry: TranscriptEntry): string {
    if (entry.dir === "event") return this.prose(entry.raw);
    if (entry.kind === "whitespace") return entry.raw;
    // `</stream:stream>`: an end tag alone, nothing in it to replace (RFC 7395's <close/> is an element, below).
    if (entry.kind === "stream-close" && /^\s*<\/[^\s<>@]+\s*>\s*$/.test(entry.raw)) return entry.raw;
    // Credentials first, by the one redactor: a SASL payload can hold the JID in base64.
    const masked = redactXml(entry.raw);
    // A TCP stream header never closes on the wire (RFC 6120 section 4.2); RFC 7395's <open/> does.
    const header = entry.kind === "stream-open" && walkXml(masked, { fragment: false, maxDepth: 1 }).error !== null;
    let out = entry.kind === "stream-open" && /^\s*<\?xml/.test(masked) ? "<?xml version='1.0'?>" : "";
    let privateDepth = 0;
    let privateText = "";
    const stack: { name: string; selfClosing: boolean }[] = [];
    const walked = walkEntry(masked, entry.kind === "stream-open", header, {
      open: (tag, depth) => {
        stack.push({ name: tag.name, selfClosing: tag.isSelfClosing });
        if (privateDepth > 0) return;
        out += `<${tag.name}`;
        for (const attribute of Object.values(tag.attributes)) {
          const jidValued = JID_ATTRIBUTES.has(attribute.local) && attribute.prefix === "";
          const value =
            attribute.prefix === "xmlns" || attribute.name === "xmlns"
              ? attribute.value
              : jidValued
                ? this.jid(attribute.value)
                : PRIVATE_ATTRIBUTES.has(`${tag.local} ${attribute.local}`)
                  ? this.texts.of(attribute.value)
                  : this.text(attribute.value);
          out += ` ${attribute.name}='${escapeXml(value)}'`;
        }
        out += tag.isSelfClosing ? "/>" : ">";
        if (PRIVATE_TEXT_ELEMENTS.has(tag.local) && !tag.isSelfClosing) {
          privateDepth = depth;
          privateText = "";
        }
      },
      text: (text, parent) => {
        if (privateDepth > 0) privateText += text;
        else if (parent !== null && JID_ELEMENTS.has(parent)) out += escapeXml(this.jid(text.trim()));
        else if (parent !== null && RESOURCE_ELEMENTS.has(parent) && text.trim() !== "") out += escapeXml(this.resources.of(text.trim()));
        else out += escapeXml(this.text(text));
      },
      close: (depth) => {
        const element = stack.pop();
        if (privateDepth > 0 && depth > privateDepth) return;
        if (depth === privateDepth) {
          out += escapeXml(privateText.trim() === "" ? privateText : this.texts.of(privateText));
          privateDepth = 0;
        }
        // The stream header is never closed on the wire.
        if (header && depth === 1) return;
        if (element && !element.selfClosing) out += `</${element.name}>`;
      },
    });
    return walked ? out : LEFT_OUT;
  }

  private learnHosts(text: string): void {
    for (const match of text.matchAll(HOST_LIKE)) this.hosts.of(match[0]);
  }

  private originalsPattern(): RegExp | null {
    if (this.pattern !== null) return this.pattern;
    // Shorter values would also hit inside unrelated words; a resource that short is kept where it is not a JID's.
    const originals = [...this.domains.originals(), ...this.users.originals(), ...this.locals.keys(), ...this.resources.originals(), ...this.hosts.originals()].filter((value) => value.length >= MIN_FREE_TEXT_LENGTH);
    if (originals.length === 0) return null;
    originals.sort((a, b) => b.length - a.length);
    const alternatives = originals.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
    this.pattern = new RegExp(`(?<![A-Za-z0-9])(?:${alternatives})(?![A-Za-z0-9])`, "gi");
    return this.pattern;
  }

  /** A learnt original's placeholder; a bare JID (users are keyed by it) as a whole. */
  private placeholderOf(match: string): string {
    if (this.users.has(match)) return this.jid(match);
    const bareOfLocal = this.locals.get(match.toLowerCase());
    if (bareOfLocal !== undefined) return this.users.of(bareOfLocal);
    if (this.domains.has(match)) return this.domains.of(match);
    if (this.resources.has(match)) return this.resources.of(match);
    return this.hosts.of(match);
  }
}

interface RewriteEvents {
  open(tag: SaxesTagNS, depth: number): void;
  /** `parent`: the local name of the element the text is directly in, null outside any. */
  text(text: string, parent: string | null): void;
  close?(depth: number): void;
}

/** Walks an entry's XML with the one walker; false when it is not well-formed or nested too deep. */
function walkEntry(raw: string, document: boolean, unclosed: boolean, events: RewriteEvents): boolean {
  const names: string[] = [];
  const result = walkXml(
    unclosed ? withHeaderClosed(raw) : raw,
    document ? { fragment: false } : { namespaces: { ...CLIENT_STREAM_CONTEXT.prefixes, "": CLIENT_STREAM_CONTEXT.defaultNs }, maxDepth: MAX_XML_DEPTH },
    {
      open(tag, depth) {
        names.push(tag.local);
        events.open(tag, depth);
      },
      text(text) {
        events.text(text, names.at(-1) ?? null);
      },
      close(depth) {
        names.pop();
        events.close?.(depth);
      },
    },
  );
  return result.error === null && !result.tooDeep;
}

/** The capture with every address and message text replaced consistently, credentials masked. */
export function anonymizeCapture(entries: readonly TranscriptEntry[], meta: TranscriptMeta): { entries: TranscriptEntry[]; meta: TranscriptMeta } {
  return anonymizeCaptures([{ entries, meta }])[0]!;
}

/** Several accounts' captures with one set of placeholders, so a JID is the same one in each. */
export function anonymizeCaptures<M extends TranscriptMeta>(captures: readonly { entries: readonly TranscriptEntry[]; meta: M }[]): { entries: TranscriptEntry[]; meta: M }[] {
  const anonymizer = new Anonymizer();
  for (const { meta } of captures) anonymizer.learnMeta(meta);
  for (const { entries } of captures) for (const entry of entries) anonymizer.learn(entry);
  return captures.map(({ entries, meta }) => ({ entries: entries.map((entry) => anonymizer.entry(entry)), meta: { ...meta, ...anonymizer.meta(meta), anonymized: true } }));
}
