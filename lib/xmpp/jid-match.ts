import { parse, type JID } from "@xmpp/jid";

/**
 * JIDs compare as JIDs, not as strings (RFC 7622 section 3): the domainpart (section 3.2)
 * and the localpart (section 3.3, the UsernameCaseMapped profile) are compared after case
 * mapping; the resourcepart (section 3.4, the OpaqueString profile) keeps its case, so
 * "alice@example.org/Phone" and "alice@example.org/phone" are two resources.
 * @xmpp/jid lowercases the first two parts and keeps the resource as written.
 */
export function sameJid(a: string, b: string): boolean {
  const first = tryParse(a);
  const second = tryParse(b);
  if (first === undefined || second === undefined) return a === b;
  return first.equals(second);
}

/**
 * A pattern without a resource stands for the bare JID and every full JID under it; one
 * with a resource matches only that full JID. Text that is no JID matches only itself,
 * ignoring case (a lesson's pattern like "{{domain}}" typed in capitals).
 */
export function jidMatches(pattern: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const wanted = tryParse(pattern);
  const seen = tryParse(actual);
  if (wanted === undefined || seen === undefined) return pattern.toLowerCase() === actual.toLowerCase();
  if (wanted.resource) return wanted.equals(seen);
  return wanted.equals(seen.bare());
}

function tryParse(text: string): JID | undefined {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}
