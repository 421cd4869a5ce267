import { TreeCache } from "../lessons/check";
import type { TranscriptEntry } from "../xmpp/entry";
import { until } from "../xmpp/until";
import { escapeXml } from "../xml/escape";
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from "../xml/namespaces";
import type { ScriptSession } from "./run";
import type { Requirement } from "./types";

/**
 * What a server says it offers, asked once per run so that a script for a feature it does
 * not advertise is "not offered", not "failed": the stream features (RFC 6120 §4.3.2), the
 * server's disco#info (XEP-0030 §3.1), the disco#info of each of its disco#items (§4, where
 * MUC and HTTP upload live) and of the account's bare JID (PEP, XEP-0163; MAM, XEP-0313 "Determining support").
 */

export interface Offers {
  stream: Set<string>;
  server: Set<string>;
  account: Set<string>;
  services: { jid: string; features: Set<string> }[];
  /** The probe's entries, by the part of the probe they answer: every verdict names its stanzas. */
  evidence: { stream: TranscriptEntry[]; server: TranscriptEntry[]; account: TranscriptEntry[]; services: TranscriptEntry[] };
}

export type Offered = { offered: true; values: Record<string, string> } | { offered: false; missing: string; evidence: TranscriptEntry[] };

const PROBE_TIMEOUT_MS = 5_000;

export async function probeOffers(session: ScriptSession, domain: string, bareJid: string): Promise<Offers> {
  const trees = new TreeCache();
  const features = session.transcript.since(0).filter((entry) => entry.dir === "in" && entry.kind === "features");
  const stream = new Set(features.flatMap((entry) => trees.of(entry)?.children.map((child) => child.ns) ?? []));
  const [server, items, account] = await Promise.all([
    ask(session, domain, NS_DISCO_INFO),
    ask(session, domain, NS_DISCO_ITEMS),
    ask(session, bareJid, NS_DISCO_INFO),
  ]);
  const itemJids = children(items, trees, "item").flatMap((item) => (item.attrs.jid ? [item.attrs.jid] : []));
  const infos = await Promise.all(itemJids.map((jid) => ask(session, jid, NS_DISCO_INFO)));
  const featureSet = (entry: TranscriptEntry | undefined) => new Set(children(entry, trees, "feature").flatMap((feature) => (feature.attrs.var ? [feature.attrs.var] : [])));
  return {
    stream,
    server: featureSet(server),
    account: featureSet(account),
    services: itemJids.map((jid, index) => ({ jid, features: featureSet(infos[index]) })),
    evidence: {
      stream: features,
      server: present([server]),
      account: present([account]),
      services: present([items, ...infos]),
    },
  };
}

/** Whether the server offers everything a script requires, and the values (service JIDs) they define. */
export function offered(requires: readonly Requirement[], offers: Offers): Offered {
  const values: Record<string, string> = {};
  for (const requirement of requires) {
    if ("service" in requirement) {
      const service = offers.services.find(({ features }) => features.has(requirement.service));
      if (!service) return { offered: false, missing: `no item of the server's disco#items lists ${requirement.service}`, evidence: offers.evidence.services };
      values[requirement.as] = service.jid;
    } else if ("feature" in requirement && !offers.server.has(requirement.feature)) {
      return { offered: false, missing: `the server's disco#info does not list ${requirement.feature}`, evidence: offers.evidence.server };
    } else if ("account" in requirement && !offers.account.has(requirement.account)) {
      return { offered: false, missing: `the account's disco#info does not list ${requirement.account}`, evidence: offers.evidence.account };
    } else if ("stream" in requirement && !offers.stream.has(requirement.stream)) {
      return { offered: false, missing: `no stream feature in ${requirement.stream}`, evidence: offers.evidence.stream };
    }
  }
  return { offered: true, values };
}

let probeCount = 0;

/** Sends a disco query and waits for its answer (an error or no answer: undefined features). */
async function ask(session: ScriptSession, to: string, ns: string): Promise<TranscriptEntry | undefined> {
  const id = `probe-${++probeCount}`;
  const start = session.transcript.lastSeq;
  await session.send(`<iq type='get' to='${escapeXml(to)}' id='${id}'><query xmlns='${ns}'/></iq>`);
  const answer = () => session.transcript.since(start).find((entry) => entry.dir === "in" && entry.kind === "iq" && entry.attrs?.id === id);
  await until(() => answer() !== undefined, PROBE_TIMEOUT_MS);
  return answer();
}

function children(entry: TranscriptEntry | undefined, trees: TreeCache, name: string) {
  const query = entry && entry.attrs?.type === "result" ? trees.of(entry)?.children.find((child) => child.name === "query") : undefined;
  return query?.children.filter((child) => child.name === name) ?? [];
}

function present(entries: (TranscriptEntry | undefined)[]): TranscriptEntry[] {
  return entries.filter((entry): entry is TranscriptEntry => entry !== undefined);
}
