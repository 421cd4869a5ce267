/**
 * XEP-0115 §5.1: the verification string of an entity's disco#info, whose hash is the `ver`
 * of the <c/> its presence carries. A server that has cached the features of one `ver` knows
 * every entity announcing it without asking again (§8.2).
 */

export interface CapsIdentity {
  category: string;
  type: string;
  lang?: string;
  name?: string;
}

/** §5.1 steps 1-6 (no data forms): identities sorted by category, type, lang; features sorted; each item ends in "<". */
export function capsVerificationString(identities: readonly CapsIdentity[], features: readonly string[]): string {
  const ids = identities.map((identity) => `${identity.category}/${identity.type}/${identity.lang ?? ""}/${identity.name ?? ""}`);
  // §5.1 sorts with "i;octet" collation (RFC 4790 §9.3): byte order, which is code unit order for these ASCII strings.
  const octets = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...[...ids].sort(octets), ...[...features].sort(octets)].map((item) => `${item}<`).join("");
}
