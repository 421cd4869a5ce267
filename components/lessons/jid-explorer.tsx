"use client";

import { useId, useState } from "react";
import { detectEscape, escapeLocal, parse, unescapeLocal } from "@xmpp/jid";
import { jidProblem } from "@/lib/xmpp-schema/jid-check";
import styles from "./lessons.module.css";

const EXAMPLES = ["juliet@example.com/balcony", "example.com", "d'artagnan@musketeers.lit", "space cadet@example.com", "room@conference.example.com/Nick Name", "@example.com", "romeo@example.com/"];
/** RFC 7622 §3.1: each part is at most 1023 octets once prepared. */
const MAX_PART_OCTETS = 1023;

interface Anatomy {
  local: string;
  domain: string;
  resource: string;
  bare: string;
  full: string | null;
  /** The localpart needs XEP-0106 escaping to be a valid JID. */
  needsEscaping: boolean;
  escapedLocal: string;
  unescapedLocal: string;
  lowercased: boolean;
}

/**
 * Type a JID and see it taken apart the way RFC 7622 §3.1 reads it (resourcepart after the
 * first "/", localpart before the "@"), as @xmpp/jid parses it, with XEP-0106 escaping.
 */
export function JidExplorer() {
  const [text, setText] = useState(EXAMPLES[0]!);
  const inputId = useId();
  const problem = text.trim() === "" ? "Type a JID, such as juliet@example.com/balcony." : explainProblem(text);
  const anatomy = dissect(text);

  return (
    <section className={styles.jidExplorer} aria-label="JID explorer" data-testid="jid-explorer">
      <h3>JID explorer</h3>
      <label htmlFor={inputId}>Type a JID</label>
      <input id={inputId} value={text} onChange={(event) => setText(event.target.value)} spellCheck={false} autoComplete="off" />
      <div className={styles.examples} role="group" aria-label="Examples">
        {EXAMPLES.map((example) => (
          <button key={example} type="button" className="button small" onClick={() => setText(example)}>
            {example}
          </button>
        ))}
      </div>
      {anatomy && (
        <dl className={styles.parts}>
          <dt>localpart</dt>
          <dd data-testid="jid-local">{anatomy.local === "" ? <em>none</em> : anatomy.local}</dd>
          <dt>domainpart</dt>
          <dd data-testid="jid-domain">{anatomy.domain === "" ? <em>none</em> : anatomy.domain}</dd>
          <dt>resourcepart</dt>
          <dd data-testid="jid-resource">{anatomy.resource === "" ? <em>none</em> : anatomy.resource}</dd>
          <dt>bare JID</dt>
          <dd data-testid="jid-bare">{anatomy.bare}</dd>
          <dt>full JID</dt>
          <dd data-testid="jid-full">{anatomy.full ?? <em>none: a full JID has a resourcepart</em>}</dd>
        </dl>
      )}
      {problem ? (
        <p role="alert" className="error-text" data-testid="jid-verdict">
          {problem}
        </p>
      ) : (
        <p role="status" className={styles.valid} data-testid="jid-verdict">
          {anatomy?.needsEscaping ? "As typed the localpart breaks RFC 7622 §3.3.1; once escaped (XEP-0106, below) it is a valid " : ""}
          {anatomy?.needsEscaping ? (anatomy.full ? "full JID." : "bare JID.") : anatomy?.full ? "A valid full JID: it names one connected resource (RFC 7622 §3.1)." : "A valid bare JID: the account (or the server, with no localpart) as a whole (RFC 7622 §3.1)."}
          {anatomy?.lowercased ? " @xmpp/jid lowercases the localpart and domainpart (RFC 7622 §3.2, §3.3)." : ""}
        </p>
      )}
      {anatomy?.needsEscaping && (
        <p className={styles.escaping} data-testid="jid-escaping">
          XEP-0106: the characters <code>{`space " & ' / : < > @`}</code> cannot appear in a localpart (RFC 7622 §3.3.1), so clients escape them:
          the localpart is sent as <code>{anatomy.escapedLocal}</code> and shown to people as <code>{anatomy.unescapedLocal}</code>.
        </p>
      )}
    </section>
  );
}

function explainProblem(text: string): string | null {
  const local = text.split("/")[0]!.split("@");
  // XEP-0106 first: an escapable localpart is not an error, it is a reason to escape.
  const candidate = local.length === 2 && local[0] !== "" && detectEscape(local[0]!) ? `${escapeLocal(local[0]!)}@${text.slice(local[0]!.length + 1)}` : text;
  const problem = jidProblem(candidate);
  if (problem) return problem.charAt(0) === '"' ? problem : `This ${problem}`;
  for (const [name, part] of Object.entries(splitParts(text))) {
    if (new TextEncoder().encode(part).length > MAX_PART_OCTETS) return `The ${name} is longer than ${MAX_PART_OCTETS} bytes (RFC 7622 §3.1).`;
  }
  return null;
}

function splitParts(text: string): Record<"localpart" | "domainpart" | "resourcepart", string> {
  const slash = text.indexOf("/");
  const bare = slash === -1 ? text : text.slice(0, slash);
  const at = bare.indexOf("@");
  return { localpart: at === -1 ? "" : bare.slice(0, at), domainpart: at === -1 ? bare : bare.slice(at + 1), resourcepart: slash === -1 ? "" : text.slice(slash + 1) };
}

function dissect(text: string): Anatomy | null {
  const parts = splitParts(text.trim());
  const needsEscaping = detectEscape(parts.localpart);
  try {
    const jid = parse(text.trim());
    const bare = jid.bare().toString();
    return {
      local: jid.local ?? "",
      domain: jid.domain,
      resource: jid.resource ?? "",
      bare,
      full: jid.resource ? jid.toString() : null,
      needsEscaping,
      escapedLocal: escapeLocal(parts.localpart),
      unescapedLocal: unescapeLocal(escapeLocal(parts.localpart)),
      lowercased: (jid.local ?? "") !== (needsEscaping ? escapeLocal(parts.localpart) : parts.localpart) || jid.domain !== parts.domainpart,
    };
  } catch {
    return null;
  }
}
