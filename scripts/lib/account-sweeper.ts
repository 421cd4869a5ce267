/**
 * Removes disposable accounts that a crashed app process left behind (issue 18). An app
 * removes each account it registered when the session ends (XEP-0077 section 3.2); a process
 * that dies cannot, so its guests would fill the server over a term. The sweeper asks
 * ejabberd's admin interface (ejabberdctl, mod_admin_extra) for the accounts whose names
 * have a disposable prefix, and removes those offline for longer than the given age.
 */
import { UserFacingError } from "./errors";
import { runLocalEjabberdctl } from "./ejabberd-local";
import type { XmppServerInstance } from "./instances";
import { outputTail } from "./run";

/**
 * The prefixes the app registers under: guests (lib/xmpp/in-band-registration.ts), the
 * scripted peer, scripts run from the command line, and the registration lesson's new account.
 */
export const DISPOSABLE_PREFIXES = ["guest", "peer", "script", "new"] as const;

export interface SweepOptions {
  /** Default DISPOSABLE_PREFIXES. */
  prefixes?: readonly string[];
  /** Offline for at least this long. An online account is never removed. */
  olderThanMs: number;
  now?: number;
}

export interface SweepResult {
  removed: string[];
  /** Disposable accounts kept: online, or offline for less than the age. */
  kept: string[];
}

/** The last activity ejabberd knows of an account (XEP-0012, mod_last). */
export type LastSeen = { online: true } | { online: false; at: number | null };

/** Parses `ejabberdctl get_last` output: "TIMESTAMP\tSTATUS" (STATUS "ONLINE" when connected). */
export function parseGetLast(output: string): LastSeen {
  const [stamp = "", status = ""] = output.trim().split("\t");
  if (status === "ONLINE") return { online: true };
  const at = Date.parse(stamp);
  return { online: false, at: Number.isNaN(at) ? null : at };
}

/** Offline for at least `olderThanMs`. An unreadable time is judged like one at the sweep's start: kept this time. */
export function isLeftBehind(last: LastSeen, now: number, olderThanMs: number): boolean {
  if (last.online) return false;
  return now - (last.at ?? now) >= olderThanMs && last.at !== null;
}

export function isDisposableName(username: string, prefixes: readonly string[] = DISPOSABLE_PREFIXES): boolean {
  return prefixes.some((prefix) => new RegExp(`^${prefix.replace(/[^a-z0-9-]/g, "")}-[a-z0-9]+$`).test(username));
}

export async function sweepDisposableAccounts(instance: XmppServerInstance, options: SweepOptions): Promise<SweepResult> {
  const now = options.now ?? Date.now();
  const ctl = async (args: string[]) => {
    const result = await runLocalEjabberdctl(instance, args);
    if (result.code !== 0) throw new UserFacingError(`ejabberdctl ${args[0]} failed on ${instance.node}:\n${outputTail(result)}`);
    return result.stdout;
  };
  const lines = (text: string) => text.split("\n").map((line) => line.trim()).filter(Boolean);
  const users = lines(await ctl(["registered_users", instance.domain])).filter((name) => isDisposableName(name, options.prefixes));
  // One call for everyone online (full JIDs, cluster-wide), so get_last runs only for the rest.
  const online = new Set(lines(await ctl(["connected_users"])).map((jid) => jid.split("@")[0]));
  const result: SweepResult = { removed: [], kept: users.filter((name) => online.has(name)) };
  // Each ejabberdctl call starts a small Erlang VM: a few at once, not hundreds.
  await eachAtMost(CONCURRENT_CALLS, users.filter((name) => !online.has(name)), async (username) => {
    const last = parseGetLast(await ctl(["get_last", username, instance.domain]));
    if (!isLeftBehind(last, now, options.olderThanMs)) {
      result.kept.push(username);
      return;
    }
    await ctl(["unregister", username, instance.domain]);
    result.removed.push(username);
  });
  return result;
}

const CONCURRENT_CALLS = 6;

async function eachAtMost<T>(limit: number, items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
