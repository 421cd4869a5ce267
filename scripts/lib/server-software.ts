import type { XmppSession } from "../../lib/xmpp/session";
import { TreeCache } from "../../lib/lessons/check";
import { until } from "../../lib/xmpp/until";
import { escapeXml } from "../../lib/xml/escape";
import { NS_VERSION } from "../../lib/xml/namespaces";

/** "ejabberd 23.01": the server's name and version (XEP-0092), for the report's header; undefined if it does not say. */
export async function serverSoftware(session: XmppSession, domain: string): Promise<string | undefined> {
  const start = session.transcript.lastSeq;
  await session.send(`<iq type='get' to='${escapeXml(domain)}' id='software-version'><query xmlns='${NS_VERSION}'/></iq>`);
  const answer = () => session.transcript.since(start).find((entry) => entry.dir === "in" && entry.attrs?.id === "software-version");
  await until(() => answer() !== undefined, 5_000);
  const query = answer() && new TreeCache().of(answer()!)?.children.find((child) => child.name === "query");
  const field = (name: string) => query?.children.find((child) => child.name === name)?.text.trim();
  return field("name") ? [field("name"), field("version")].filter(Boolean).join(" ") : undefined;
}
