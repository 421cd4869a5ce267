import { parse } from "@xmpp/jid";

/**
 * Says what is wrong with an address, or null when it is a JID. @xmpp/jid's parse only
 * throws for a missing domain, so the plain rules of RFC 7622 section 3 that learners
 * trip over are checked here too, each with the fix.
 */
export function jidProblem(value: string): string | null {
  if (value.trim() === "") return "is empty: write a JID such as bob@localhost, or leave the attribute out.";
  try {
    parse(value);
  } catch {
    return `"${value}" is not a JID: it needs a domain, as in bob@localhost or localhost (RFC 7622 section 3).`;
  }
  const slash = value.indexOf("/");
  const bare = slash === -1 ? value : value.slice(0, slash);
  const at = bare.indexOf("@");
  const local = at === -1 ? null : bare.slice(0, at);
  const domain = at === -1 ? bare : bare.slice(at + 1);
  // RFC 7622 section 3.2: the domainpart is a host name; section 3.3: a localpart, if present, is not empty.
  // (An empty domainpart never gets here: parse throws for it.)
  if (/\s/.test(bare)) return `"${value}" has a space before the resource: JIDs cannot contain spaces there (RFC 7622 section 3).`;
  if (local === "") return `"${value}" has nothing before "@": write a username there, or drop the "@" (RFC 7622 section 3.3).`;
  if (domain.includes("@")) return `"${value}" has more than one "@": a JID is local@domain/resource (RFC 7622 section 3.1).`;
  if (slash !== -1 && slash === value.length - 1) return `"${value}" ends with "/" but has no resource after it: add one or drop the "/" (RFC 7622 section 3.4).`;
  if (/[<>"'&]/.test(domain)) return `"${value}" has characters that cannot be in a domain (RFC 7622 section 3.2).`;
  return null;
}
