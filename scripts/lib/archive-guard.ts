/**
 * A bound on the bundled ejabberd's message archive. ejabberd/ejabberd.schema keeps the archive
 * in memory (logged to disk), where mod_mam's own dets file stopped storing at 2 GB: without a
 * bound, messages flooding an account that is never removed (alice, bob) would grow the server's
 * memory until the system ends it, and a restart would load them all again. Over the limit, the
 * guard empties the archive with ejabberd's own batched deletion.
 *
 * The bound counts messages (Mnesia's `size` of the table). Its `memory` figure would not do:
 * it counts the table's own words, not the binaries over 64 bytes that Erlang keeps outside
 * it, such as most bodies.
 */
import { UserFacingError } from "./errors";
import type { RunResult } from "./run";
import { outputTail } from "./run";

/** Runs `ejabberdctl ARGS` against the server (the local package's or the container's). */
export type Ejabberdctl = (args: readonly string[]) => Promise<RunResult>;

/** Default bound (about 200 MB of chat messages of 1 KB), and how often the launchers check it. */
export const ARCHIVE_LIMIT_MESSAGES = 200_000;
export const ARCHIVE_CHECK_MS = 5 * 60_000;

/** The number of archived messages in `ejabberdctl mnesia_table_info archive_msg` ({size,N}), or null. */
export function parseTableSize(output: string): number | null {
  const match = /\{size,\s*(\d+)\}/.exec(output);
  return match === null ? null : Number(match[1]);
}

/** How many messages the server's archive holds, every account together. */
export async function archivedMessages(ctl: Ejabberdctl): Promise<number> {
  const info = await ctl(["mnesia_table_info", "archive_msg"]);
  const size = info.code === 0 ? parseTableSize(info.stdout) : null;
  if (size === null) throw new Error(`ejabberdctl mnesia_table_info archive_msg gave no size:\n${outputTail(info)}`);
  return size;
}

/** Where the server keeps its archive table ("disc_copies" once ejabberd.schema applies), or null if it cannot say. */
export async function archiveStorage(ctl: Ejabberdctl): Promise<string | null> {
  const info = await ctl(["mnesia_table_info", "archive_msg"]);
  return info.code === 0 ? (/\{storage_type,\s*(\w+)\}/.exec(info.stdout)?.[1] ?? null) : null;
}

export interface GuardResult {
  messages: number;
  /** Whether the archive was over the limit and its emptying was started. */
  emptied: boolean;
}

/**
 * Empties the archive of `domain` when it holds more than `limitMessages`. Not with
 * `delete_old_mam_messages`: on Mnesia, ejabberd 23.01's turns the table back into a dets file
 * when it is done (mod_mam_mnesia:delete_old_messages). The batched deletion removes messages in
 * transactions of its own, in the background, and leaves the table as it is.
 */
export async function guardArchive(ctl: Ejabberdctl, options: { domain: string; limitMessages: number }): Promise<GuardResult> {
  const messages = await archivedMessages(ctl);
  if (messages <= options.limitMessages) return { messages, emptied: false };
  // Messages of every type, 0 days old or older (all of them), 1,000 per batch, at most 1,000,000 a minute.
  const started = await ctl(["delete_old_mam_messages_batch", options.domain, "all", "0", "1000", "1000000"]);
  if (started.code !== 0) throw new Error(`ejabberdctl delete_old_mam_messages_batch failed:\n${outputTail(started)}`);
  return { messages, emptied: true };
}

/** ARCHIVE_LIMIT_MESSAGES from the environment, or the default. */
export function archiveLimit(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const value = Number(env.ARCHIVE_LIMIT_MESSAGES ?? ARCHIVE_LIMIT_MESSAGES);
  if (!Number.isInteger(value) || value < 0) throw new UserFacingError(`ARCHIVE_LIMIT_MESSAGES=${env.ARCHIVE_LIMIT_MESSAGES} is not a whole number of messages: unset it for the default (${ARCHIVE_LIMIT_MESSAGES}), or give the most messages the archive may hold.`);
  return value;
}

/** One check, as the launchers run it: says so when it empties the archive, and never throws. */
export async function checkArchive(ctl: Ejabberdctl, domain: string, limitMessages: number): Promise<void> {
  try {
    const { messages, emptied } = await guardArchive(ctl, { domain, limitMessages });
    if (emptied) console.log(`Archive guard: the message archive held ${messages} messages, over its limit of ${limitMessages} (ARCHIVE_LIMIT_MESSAGES); emptying it.`);
  } catch (error) {
    console.error(`Archive guard: ${error instanceof Error ? error.message : String(error)}; trying again later.`);
  }
}
