import { DirectClient, flood } from "../bench/direct-client";
import { registerDisposableAccount, removeAccount, type Credentials } from "../lib/xmpp/in-band-registration";
import type { XmppServerInstance } from "../scripts/lib/instances";
import { registrationOn } from "./fixtures";

/** Slow enough for a loaded 2-core machine, fast enough that every render brings several rows. */
const FLOOD_RATE = 200;
/** An upper bound only: a test stops its flood once it has seen what it needs. */
const FLOOD_SECONDS = 120;

export interface Flood {
  /** The flood's message ids start with this. */
  prefix: string;
  /** Ends the flood; resolves with the id of the last message sent. */
  stop(): Promise<string>;
  /** Ends the flood if it still runs and logs the flooder out, its account removed. */
  dispose(): Promise<void>;
}

/**
 * A peer of the test's own (a disposable account) on `server` floods `receiver` with chat messages until
 * stopped. Neither end archives them (XEP-0313 preferences), or the test would wait on
 * ejabberd's archive rather than on the page.
 */
export async function startFlood(server: XmppServerInstance, receiver: Credentials, prefix: string, rate = FLOOD_RATE): Promise<Flood> {
  const port = server.ports.plain;
  const receiverClient = await DirectClient.login(port, receiver.username, receiver.password);
  await receiverClient.stopArchiving();
  receiverClient.close();
  const sender = await registerDisposableAccount({ ...registrationOn(server), prefix: "e2e-flood" });
  const client = await DirectClient.login(port, sender.username, sender.password);
  await client.stopArchiving();
  const controller = new AbortController();
  const sending = flood(client, rate, FLOOD_SECONDS, prefix, `${receiver.username}@localhost`, controller.signal);
  return {
    prefix,
    async stop() {
      controller.abort();
      return `${prefix}${(await sending) - 1}`;
    },
    async dispose() {
      controller.abort();
      await sending;
      client.close();
      await removeAccount({ ...registrationOn(server), ...sender });
    },
  };
}
