import { parse } from "@xmpp/jid";

/**
 * A JID as the diagram needs it: bare part compared case-insensitively (RFC 7622 sections
 * 3.2 and 3.3), resource kept as written (section 3.4). Text that is no JID stays as it is.
 */
export interface JidParts {
  /** localpart@domainpart, or the domainpart alone; lowercased. */
  bare: string;
  local: string;
  domain: string;
  resource: string;
}

export function jidParts(text: string): JidParts | null {
  try {
    const jid = parse(text);
    const local = jid.local;
    const domain = jid.domain;
    if (domain === "") return null;
    return { bare: local ? `${local}@${domain}` : domain, local, domain, resource: jid.resource };
  } catch {
    return null;
  }
}
