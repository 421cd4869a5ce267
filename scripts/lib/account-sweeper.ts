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
  const users = (await ctl(["registered_users", instance.domain])).split("\n").map((line) => line.trim()).filter(Boolean);
  const result: SweepResult = { removed: [], kept: [] };
  for (const username of users.filter((name) => isDisposableName(name, options.prefixes))) {
    const last = parseGetLast(await ctl(["get_last", username, instance.domain]));
    // Never seen (no login recorded): judged like one seen at the sweep's start, so kept this time.
    const offlineFor = last.online ? 0 : now - (last.at ?? now);
    if (last.online || offlineFor < options.olderThanMs) {
      result.kept.push(username);
      continue;
    }
    await ctl(["unregister", username, instance.domain]);
    result.removed.push(username);
  }
  return result;
}
