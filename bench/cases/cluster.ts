import { randomBytes } from "node:crypto";
import { WebSocket } from "ws";
import { BRIDGE_PATH } from "../../lib/bridge/protocol";
import { sweepDisposableAccounts } from "../../scripts/lib/account-sweeper";
import { startClusterStack, type ClusterStack } from "../../scripts/lib/cluster";
import { clusterMembers } from "../../scripts/lib/ejabberd-cluster";
import { findInstanceBeamPids, runLocalEjabberdctl } from "../../scripts/lib/ejabberd-local";
import { BENCH_CLUSTER, type XmppServerInstance } from "../../scripts/lib/instances";
import { LoadTab } from "../load-tab";
import { rssBytes } from "../proc-stats";
import type { Figure } from "../report";
import { round, summarize } from "../stats";

/**
 * Issue 18: the playground scaled out on this machine. Two ejabberd nodes in one cluster,
 * two app processes, nginx in front (scripts/lib/cluster.ts). The tabs are Node WebSocket
 * clients speaking the bridge protocol through nginx, each with its own browser cookie.
 *
 * 1. CLUSTER_SESSIONS sessions (400) spread by nginx over both app processes, and so over
 *    both nodes (each app dials its own node first). Pairs on the same node and pairs across
 *    nodes chat: nothing lost or reordered; a cross-node message's latency against a
 *    same-node one's, as a ratio.
 * 2. Kill ejabberd node A: the sessions on node B go on chatting untouched; new sessions
 *    land on node B; node A restarts and is back in the cluster.
 * 3. Kill app process 0: its tabs are told (their socket closes) and start new sessions on
 *    the other process; the other process's sessions never notice.
 * 4. The sweeper removes the disposable accounts the killed process left behind.
 */
const SESSIONS = positive("CLUSTER_SESSIONS", 400);
const CHAT_SECONDS = positive("CLUSTER_CHAT_SECONDS", 20);
const INTERVAL_MS = positive("CLUSTER_INTERVAL_MS", 1000);
const OPEN_AT_ONCE = 20;
const NEW_SESSIONS = 10;
// A message still queued this long after the chat stopped counts as lost.
const DRAIN_TIMEOUT_MS = 60_000;

interface Pair {
  a: LoadTab;
  b: LoadTab;
  crossNode: boolean;
}

export async function clusterCase(): Promise<Figure[]> {
  const stack = await startClusterStack(BENCH_CLUSTER, {
    log: () => undefined,
    appStdio: "ignore",
    appEnv: {
      BRIDGE_DETACHED_TIMEOUT_MS: "1000",
      BRIDGE_MAX_SESSIONS: String(SESSIONS + 100),
    },
  });
  try {
    return await measure(stack);
  } finally {
    await stack.stop();
  }
}

async function measure(stack: ClusterStack): Promise<Figure[]> {
  const [nodeA, nodeB] = stack.layout.nodes;
  const url = `ws://localhost:${stack.layout.balancerPort}${BRIDGE_PATH}`;
  const tabs: LoadTab[] = [];

  // 1. Sessions over both processes and nodes.
  const rssBefore = stack.layout.nodes.map(nodeRss);
  const opening = Date.now();
  await openTabs(url, SESSIONS, tabs);
  const openSeconds = (Date.now() - opening) / 1000;
  const nodes = await nodeOfSessions(nodeA);
  const onNode = (tab: LoadTab) => nodes.get(tab.jid) ?? "unknown";
  const tabsOn = (node: XmppServerInstance) => tabs.filter((tab) => onNode(tab) === node.node);
  const [onA, onB] = [tabsOn(nodeA), tabsOn(nodeB)];
  const instanceOfNode = (group: LoadTab[]) => new Set(group.map((tab) => tab.instance));
  // What a session costs a node: its VM's RSS growth over the sessions it took.
  const rssPerSession = [onA, onB].map((group, index) => (nodeRss(stack.layout.nodes[index]!) - rssBefore[index]!) / Math.max(group.length, 1));
  const pairs = makePairs(onA, onB);
  for (const pair of pairs) {
    pair.a.peerIndex = pair.b.index;
    pair.b.peerIndex = pair.a.index;
  }
  await chat(pairs, CHAT_SECONDS);
  await drain(pairs);
  const delivery = deliveryOf(pairs);
  const latencies = (cross: boolean) => pairs.filter((pair) => pair.crossNode === cross).flatMap((pair) => [...pair.a.latencies, ...pair.b.latencies]);
  const [same, cross] = [summarize(latencies(false)), summarize(latencies(true))];

  // 2. Node A dies: node B's pairs chat through it; new sessions land on B.
  const pairsOnB = pairs.filter((pair) => !pair.crossNode && onNode(pair.a) === nodeB.node);
  const bBefore = pairsOnB.flatMap((pair) => [pair.a, pair.b]).map((tab) => ({ tab, seq: tab.lastSeq, breaks: tab.seqBreaks }));
  await stack.killNode(0);
  await waitUntil(() => onA.every((tab) => tab.state === "closed"), 30_000);
  const aTold = onA.filter((tab) => tab.state === "closed").length;
  await chat(pairsOnB, CHAT_SECONDS / 2);
  await drain(pairsOnB);
  const afterNodeDeath = deliveryOf(pairsOnB);
  const bUntouched = bBefore.filter(({ tab, breaks }) => tab.state === "online" && tab.seqBreaks === breaks).length;
  const fresh: LoadTab[] = [];
  await openTabs(url, NEW_SESSIONS, fresh, tabs.length);
  const freshNodes = await nodeOfSessions(nodeB);
  const freshOnB = fresh.filter((tab) => freshNodes.get(tab.jid) === nodeB.node).length;
  const restarting = Date.now();
  await stack.restartNode(0);
  const rejoinSeconds = (Date.now() - restarting) / 1000;
  const members = await clusterMembers(nodeB);

  // 3. App process 0 dies: its tabs are told and reopen on process 1; process 1's never notice.
  const app0 = [...instanceOfNode(onA)][0];
  const app1Tabs = [...tabs, ...fresh].filter((tab) => tab.instance !== app0 && !tab.socketClosed);
  const app1Before = app1Tabs.map((tab) => ({ tab, breaks: tab.seqBreaks }));
  const app0Tabs = [...tabs, ...fresh].filter((tab) => tab.instance === app0);
  await stack.killApp(0);
  await waitUntil(() => app0Tabs.every((tab) => tab.socketClosed), 30_000);
  const app0Told = app0Tabs.filter((tab) => tab.socketClosed).length;
  const reopenTimes: number[] = [];
  const reopened: LoadTab[] = [];
  for (const old of app0Tabs.slice(0, 40)) {
    const started = Date.now();
    // The same browser (cookie) again: nginx's hash now maps it to the living process.
    const tab = new LoadTab(old.index, url, true, socketFor(url, old.cookie));
    await tab.open();
    reopenTimes.push(Date.now() - started);
    reopened.push(tab);
  }
  const reopenedElsewhere = reopened.filter((tab) => tab.instance !== app0 && tab.state === "online").length;
  await chat(pairsOnB, CHAT_SECONDS / 2);
  await drain(pairsOnB);
  const afterAppDeath = deliveryOf(pairsOnB);
  const app1Untouched = app1Before.filter(({ tab, breaks }) => !tab.socketClosed && tab.state === "online" && tab.seqBreaks === breaks).length;

  // 4. What the killed process could not remove.
  const swept = await sweepDisposableAccounts(nodeB, { olderThanMs: 0 });
  const online = [...tabs, ...fresh, ...reopened].filter((tab) => !tab.socketClosed && tab.state === "online").length;

  await Promise.all([...tabs, ...fresh, ...reopened].map((tab) => tab.close().catch(() => undefined)));

  const one = (value: number) => ({ n: 1, min: value, median: value, p99: value, max: value });
  const where = `${SESSIONS} sessions through nginx: ${onA.length} on node A, ${onB.length} on node B, ${instanceOfNode(tabs).size} app processes`;
  return [
    {
      case: "cluster",
      name: `${where}; ${pairs.length} pairs chatting ${CHAT_SECONDS} s, a message every ${INTERVAL_MS} ms each: messages delivered`,
      unit: "messages",
      value: one(delivery.received),
      target: "zero lost, zero reordered",
      verdict: delivery.lost === 0 && delivery.reordered === 0 && delivery.repeated === 0 ? "pass" : "miss",
      note: `sent ${delivery.sent}, lost ${delivery.lost}, reordered ${delivery.reordered}, repeated ${delivery.repeated}; ${pairs.filter((pair) => pair.crossNode).length} pairs across nodes; sessions opened in ${round(openSeconds, 1)} s (disposable accounts registered over STARTTLS through nginx)`,
    },
    {
      case: "cluster",
      name: "a message between two sessions on different ejabberd nodes, send request to the peer's tab",
      unit: "ms",
      value: cross,
      baseline: { name: "same node", value: same },
      target: "reported (cross-node adds one Erlang distribution hop)",
      verdict: "info",
      note: `ratio of medians ${round(cross.median / Math.max(same.median, 0.001), 2)}, of p99 ${round(cross.p99 / Math.max(same.p99, 0.001), 2)}`,
    },
    {
      case: "cluster",
      name: "ejabberd memory per session (each node's VM RSS growth over the sessions it took)",
      unit: "KB",
      value: summarize(rssPerSession.map((bytes) => bytes / 1024)),
      target: "reported (for the arithmetic in the README)",
      verdict: "info",
      note: `node A ${round(rssPerSession[0]! / 1024, 0)} KB over ${onA.length} sessions, node B ${round(rssPerSession[1]! / 1024, 0)} KB over ${onB.length}; includes each session's disposable account, roster and offline storage in Mnesia (replicated on both nodes)`,
    },
    {
      case: "cluster",
      name: "ejabberd node A killed (SIGKILL): node B's sessions chatting on",
      unit: "messages",
      value: one(afterNodeDeath.received),
      target: "zero lost; every node B session untouched; node A's sessions told; new sessions on node B",
      verdict: afterNodeDeath.lost === 0 && bUntouched === bBefore.length && aTold === onA.length && freshOnB === NEW_SESSIONS ? "pass" : "miss",
      note: `lost ${afterNodeDeath.lost} of ${afterNodeDeath.sent}; node B sessions untouched ${bUntouched}/${bBefore.length}; node A sessions closed and told ${aTold}/${onA.length}; new sessions on node B ${freshOnB}/${NEW_SESSIONS}; node A restarted and back in the cluster in ${round(rejoinSeconds, 1)} s (members: ${members.length})`,
    },
    {
      case: "cluster",
      name: "app process 0 killed (SIGKILL): its tabs reopen a session on the other process",
      unit: "ms",
      value: summarize(reopenTimes),
      target: "every tab told; reopens on the other process; the other process's sessions untouched",
      verdict: app0Told === app0Tabs.length && reopenedElsewhere === reopened.length && app1Untouched === app1Before.length && afterAppDeath.lost === 0 ? "pass" : "miss",
      note: `tabs told (socket closed) ${app0Told}/${app0Tabs.length}; reopened on the other process ${reopenedElsewhere}/${reopened.length} (the same browser cookies); other process's sessions untouched ${app1Untouched}/${app1Before.length}, their chat lost ${afterAppDeath.lost} of ${afterAppDeath.sent}`,
    },
    {
      case: "cluster",
      name: "disposable accounts the killed process left behind, removed by the sweeper",
      unit: "accounts",
      value: one(swept.removed.length),
      target: "every offline disposable account removed; every online one kept",
      verdict: swept.removed.length > 0 && swept.kept.length === online ? "pass" : "miss",
      note: `removed ${swept.removed.length}; kept ${swept.kept.length} (sessions online: ${online})`,
    },
  ];
}

function nodeRss(node: XmppServerInstance): number {
  const [pid] = findInstanceBeamPids(node);
  if (pid === undefined) return 0;
  return rssBytes(pid);
}

function socketFor(url: string, cookie: string): WebSocket {
  return new WebSocket(url, { origin: new URL(url).origin.replace("ws:", "http:"), headers: { cookie: `playground-browser=${cookie}` } });
}

async function openTabs(url: string, count: number, into: LoadTab[], firstIndex = 0): Promise<void> {
  for (let start = 0; start < count; start += OPEN_AT_ONCE) {
    const batch = Array.from({ length: Math.min(OPEN_AT_ONCE, count - start) }, (_, offset) => {
      const cookie = randomBytes(24).toString("base64url");
      const tab = new LoadTab(firstIndex + start + offset, url, true, socketFor(url, cookie));
      tab.cookie = cookie;
      return tab;
    });
    await Promise.all(batch.map((tab) => tab.open()));
    into.push(...batch);
  }
}

/** Bare JID → the node its session is on, from ejabberd's own session table (cluster-wide). */
async function nodeOfSessions(node: XmppServerInstance): Promise<Map<string, string>> {
  const result = await runLocalEjabberdctl(node, ["connected_users_info"]);
  const map = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    const fields = line.split("\t");
    if (fields.length < 6) continue;
    map.set(fields[0]!.split("/")[0]!, fields[5]!);
  }
  return map;
}

/** Half the pairs across nodes, the rest within each node. */
function makePairs(onA: LoadTab[], onB: LoadTab[]): Pair[] {
  const crossCount = Math.floor(Math.min(onA.length, onB.length) / 2);
  const pairs: Pair[] = [];
  for (let i = 0; i < crossCount; i++) pairs.push({ a: onA[i]!, b: onB[i]!, crossNode: true });
  for (const rest of [onA.slice(crossCount), onB.slice(crossCount)]) {
    for (let i = 0; i + 1 < rest.length; i += 2) pairs.push({ a: rest[i]!, b: rest[i + 1]!, crossNode: false });
  }
  return pairs;
}

async function chat(pairs: Pair[], seconds: number): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    for (const { a, b } of pairs) {
      a.chat(b.jid);
      b.chat(a.jid);
    }
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
}

async function drain(pairs: Pair[]): Promise<void> {
  await waitUntil(() => pairs.every(({ a, b }) => a.received >= b.sent && b.received >= a.sent), DRAIN_TIMEOUT_MS);
}

function deliveryOf(pairs: Pair[]) {
  const tabs = pairs.flatMap((pair) => [pair.a, pair.b]);
  const sent = tabs.reduce((sum, tab) => sum + tab.sent, 0);
  const received = tabs.reduce((sum, tab) => sum + tab.received, 0);
  return {
    sent,
    received,
    lost: sent - received,
    reordered: tabs.reduce((sum, tab) => sum + tab.reordered, 0),
    repeated: tabs.reduce((sum, tab) => sum + tab.repeated, 0),
  };
}

/** Polls a condition the tabs' own messages make true; gives up quietly (the figure says what happened). */
async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}
