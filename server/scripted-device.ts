import { client, xml, type Client, type XmlElement as Stanza } from "@xmpp/client";
import { NS_CARBONS, NS_FORWARD } from "../lib/xml/namespaces";
import type { ServerAddress } from "../lib/xmpp/server-address";

/**
 * The learner's other device (lessons/README.md, `otherDevice`): a second client logged in to
 * the learner's own account at the resource "phone", so a lesson alone can show what Message
 * Carbons (XEP-0280) do between two devices of one person. It has carbons enabled, relays to
 * the peer what the learner asks it to say, and tells the learner about each copy it gets.
 */

export interface ScriptedDeviceOptions {
  /** The server's plaintext c2s listener (loopback), or STARTTLS elsewhere, as for the scripted peer:
   * @xmpp/client takes STARTTLS whenever the listener offers it. */
  server: ServerAddress;
  domain: string;
  /** The learner's own account: the device is another resource of it. */
  username: string;
  password: string;
  /** The scripted peer's bare JID: where the device sends what the learner asks it to say. */
  peer: string;
  log?: (line: string) => void;
}

export interface ScriptedDevice {
  /** The device's full JID, `{{me}}/phone`. */
  fullJid: string;
  stop(): Promise<void>;
}

export const DEVICE_RESOURCE = "phone";

export async function startScriptedDevice(options: ScriptedDeviceOptions): Promise<ScriptedDevice> {
  const log = options.log ?? (() => undefined);
  const own = `${options.username}@${options.domain}`;
  const host = options.server.host.includes(":") ? `[${options.server.host}]` : options.server.host;
  const entity = client({
    service: `xmpp://${host}:${options.server.port}`,
    domain: options.domain,
    resource: DEVICE_RESOURCE,
    credentials: (authenticate) => authenticate({ username: options.username, password: options.password }, "PLAIN"),
  });
  entity.reconnect.stop();
  entity.on("error", (error: unknown) => log(`error: ${error instanceof Error ? error.message : String(error)}`));
  entity.on("stanza", (stanza: Stanza) => {
    void react(entity, stanza, { own, peer: options.peer, log }).catch((error: unknown) => log(`could not answer: ${String(error)}`));
  });

  try {
    await entity.start();
    // XEP-0280 §4: this device wants copies of what the account's other resources send and receive.
    await entity.iqCaller.request(xml("iq", { type: "set" }, xml("enable", { xmlns: NS_CARBONS })));
    await entity.send(xml("presence", null, xml("status", null, "Your other device: tell me what to say to the peer.")));
  } catch (error) {
    await entity.stop().catch(() => undefined);
    throw new Error(`the scripted other device could not log in: ${error instanceof Error ? error.message : String(error)}`);
  }
  const fullJid = `${own}/${DEVICE_RESOURCE}`;
  log(`online as ${fullJid}`);

  let stopping: Promise<void> | undefined;
  return {
    fullJid,
    stop() {
      stopping ??= entity.stop().then(
        () => log("stopped"),
        () => undefined,
      );
      return stopping;
    },
  };
}

interface DeviceState {
  own: string;
  peer: string;
  log: (line: string) => void;
}

async function react(entity: Client, stanza: Stanza, state: DeviceState): Promise<void> {
  if (stanza.name !== "message" || stanza.attrs.type === "error") return;
  const from = stanza.attrs.from ?? "";
  // XEP-0280 §11: a copy is only genuine when it comes from the account's own bare JID.
  const sent = stanza.getChild("sent", NS_CARBONS);
  const received = stanza.getChild("received", NS_CARBONS);
  if (sent !== undefined || received !== undefined) {
    if (from !== state.own) return;
    return reportCopy(entity, sent ?? received!, sent !== undefined ? "sent" : "received", state);
  }
  // A message from one of the learner's own resources, to this device: say its body to the peer.
  if (from.split("/")[0] !== state.own || from.endsWith(`/${DEVICE_RESOURCE}`)) return;
  const body = stanza.getChildText("body");
  if (body === null || body.trim() === "") return;
  await entity.send(xml("message", { to: state.peer, type: "chat" }, xml("body", null, body)));
  state.log(`said "${body}" to ${state.peer}`);
}

/**
 * Tells the learner, in a headline (not eligible for carbons, XEP-0280 §6, so the report is
 * not copied back), which copy arrived. XEP-0280 §10.4: a copy is never answered as a chat.
 */
async function reportCopy(entity: Client, wrapper: Stanza, direction: "sent" | "received", state: DeviceState): Promise<void> {
  const inner = wrapper.getChild("forwarded", NS_FORWARD)?.getChild("message");
  if (inner === undefined) return;
  // The learner's own words to this device come back as a copy too; they are instructions, not conversation.
  if (direction === "sent" && (inner.attrs.to ?? "").endsWith(`/${DEVICE_RESOURCE}`)) return;
  const body = inner.getChildText("body");
  if (body === null) return;
  const other = direction === "sent" ? inner.attrs.to : inner.attrs.from;
  const text = direction === "sent" ? `phone: copy of what you sent to ${other}: ${body}` : `phone: copy of what you received from ${other}: ${body}`;
  await entity.send(xml("message", { to: state.own, type: "headline" }, xml("body", null, text)));
  state.log(text);
}
