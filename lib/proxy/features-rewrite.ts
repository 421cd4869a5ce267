import { NS_TLS } from "../xml/namespaces";

/**
 * The proxy's only edits to what it forwards, on the text of a <stream:features/> element
 * that already parsed as well-formed. Everything outside the edit stays byte for byte.
 */

export interface FeaturesRewrite {
  raw: string;
  /** SASL mechanisms taken out (SCRAM-SHA-1-PLUS, ...). */
  removed: string[];
  /** <starttls/> was put in. */
  addedStarttls: boolean;
  /** <starttls/> was taken out. */
  removedStarttls: boolean;
}

/** A <mechanism> (any prefix) whose name ends in -PLUS: SCRAM with channel binding (RFC 5802 section 6). */
const PLUS_MECHANISM = /[ \t\r\n]*<((?:[A-Za-z_][\w.-]*:)?mechanism)(?:[ \t\r\n][^>]*)?>[ \t\r\n]*([A-Za-z0-9_-]+-PLUS)[ \t\r\n]*<\/\1[ \t\r\n]*>/g;
const HAS_STARTTLS = /<(?:[A-Za-z_][\w.-]*:)?starttls[\s/>]/;
const STARTTLS = `<starttls xmlns='${NS_TLS}'/>`;

/**
 * Channel binding (RFC 5802 section 6, RFC 9266 tls-exporter) ties SASL to the TLS session
 * the client sees; behind a proxy that ends TLS the server sees another one, so a -PLUS
 * login fails. Offering only the mechanisms that can work is the honest rewrite.
 */
export function removePlusMechanisms(raw: string): { raw: string; removed: string[] } {
  const removed: string[] = [];
  const rewritten = raw.replace(PLUS_MECHANISM, (_match, _name: string, mechanism: string) => {
    removed.push(mechanism);
    return "";
  });
  return { raw: rewritten, removed };
}

/** RFC 6120 section 5.3.1: the receiving entity offers STARTTLS in the features of a stream not yet secured. */
export function addStarttls(raw: string): { raw: string; added: boolean } {
  if (HAS_STARTTLS.test(raw)) return { raw, added: false };
  const selfClosing = /^<([^\s/>]+)([^>]*?)\/>\s*$/.exec(raw);
  if (selfClosing) return { raw: `<${selfClosing[1]}${selfClosing[2]}>${STARTTLS}</${selfClosing[1]}>`, added: true };
  const openEnd = raw.indexOf(">");
  if (openEnd < 0) return { raw, added: false };
  return { raw: raw.slice(0, openEnd + 1) + STARTTLS + raw.slice(openEnd + 1), added: true };
}

/** Takes <starttls/> out, for a client side that cannot upgrade (a plain or direct TLS listener). */
export function removeStarttls(raw: string): { raw: string; removed: boolean } {
  const rewritten = raw.replace(/<((?:[A-Za-z_][\w.-]*:)?starttls)(?:[ \t\r\n][^>]*)?(?:\/>|>[\s\S]*?<\/\1[ \t\r\n]*>)/, "");
  return { raw: rewritten, removed: rewritten !== raw };
}

/** What the proxy forwards in place of the server's features, for a client side that is or is not yet secure. */
export function rewriteFeatures(raw: string, options: { offerStarttls: boolean; stripStarttls: boolean }): FeaturesRewrite {
  const plus = removePlusMechanisms(raw);
  let out = plus.raw;
  let addedStarttls = false;
  let removedStarttls = false;
  if (options.stripStarttls) {
    const stripped = removeStarttls(out);
    out = stripped.raw;
    removedStarttls = stripped.removed;
  } else if (options.offerStarttls) {
    const added = addStarttls(out);
    out = added.raw;
    addedStarttls = added.added;
  }
  return { raw: out, removed: plus.removed, addedStarttls, removedStarttls };
}

/**
 * What a features rewrite changed and why, for the event entry that says so (the proxy
 * changes nothing silently); undefined when nothing changed.
 */
export function describeFeaturesRewrite(rewrite: FeaturesRewrite, serverSent: string): string | undefined {
  const changes: string[] = [];
  if (rewrite.removed.length > 0) {
    changes.push(`removed ${rewrite.removed.join(", ")}: channel binding (RFC 5802 section 6, RFC 9266) ties SASL to the TLS session, and TLS ends at this proxy, so the server would see another session and the login would fail`);
  }
  if (rewrite.addedStarttls) changes.push("added <starttls/>: the proxy offers TLS to the client with its own certificate (RFC 6120 section 5.3.1)");
  if (rewrite.removedStarttls) changes.push("removed <starttls/>: the proxy itself secures the connection to the server, and this client side does not upgrade");
  return changes.length === 0 ? undefined : `the proxy changed the server's features: ${changes.join("; ")}. The server sent: ${serverSent}`;
}
