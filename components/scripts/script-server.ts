import type { Transport } from "@/lib/bridge/protocol";

/**
 * Which server a script run talks to: the bundled one, with a fresh account per script account
 * (registered by the bridge, XEP-0077, and removed when the run ends), or another server on the
 * bridge's allowlist with accounts the person gives.
 */
export type ScriptTransport = Exclude<Transport, "websocket">;

export type ScriptServer =
  | { kind: "bundled"; transport: ScriptTransport }
  | { kind: "other"; host: string; port: number; transport: ScriptTransport; accounts: Record<string, { jid: string; password: string }> };

/** The server in a sentence, shown before anything runs. */
export function describeServer(server: ScriptServer, bundledDomain: string): string {
  if (server.kind === "bundled") return `the bundled server (domain ${bundledDomain}, ${server.transport}), with a fresh account for each of the script's accounts, removed when the run ends`;
  const who = Object.entries(server.accounts).map(([name, account]) => `${name} as ${account.jid || "?"}`).join(", ");
  return `${server.host}:${server.port} (${server.transport})${who ? `, ${who}` : ""}`;
}

/** What is missing before a run on another server can start, in words; null when nothing is. */
export function serverProblem(server: ScriptServer, accountNames: readonly string[]): string | null {
  if (server.kind === "bundled") return null;
  if (server.host.trim() === "") return "Give the other server's host name or address.";
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65_535) return "Give the other server's port, a number from 1 to 65535.";
  const missing = accountNames.find((name) => !server.accounts[name]?.jid.includes("@") || !server.accounts[name]?.password);
  return missing === undefined ? null : `Give ${missing}'s JID (user@domain) and password on that server.`;
}
