import { ANY, EMPTY, attribute, element, ref } from "./define";
import { STREAM_LEVEL, xep } from "./namespaces";
import { NS_SM_3, NS_STREAM } from "../xml/namespaces";
import type { ElementSpec } from "./types";

/**
 * Stream management, XEP-0198 (urn:xmpp:sm:3): nonzas directly in the stream, never
 * counted as stanzas. The playground's server offers it on its sm.<domain> host only
 * (ejabberd/ejabberd.yml), for the raw lesson that teaches it.
 */

const h = (doc: string) => attribute("h", doc);

export const STREAM_MANAGEMENT_ELEMENTS: readonly ElementSpec[] = [
  element("sm", NS_SM_3, ref("features", NS_STREAM), "In features, once you are authenticated: the server offers stream management; send <enable/> after binding.", xep("0198", "feature"), { content: ANY }),
  element("enable", NS_SM_3, STREAM_LEVEL, "Turns on stream management after resource binding: from the server's <enabled/> on, both sides count the stanzas they receive.", xep("0198", "enable"), {
    content: EMPTY,
    attributes: [
      attribute("resume", "true asks the server to keep the session after a lost connection, so it can be resumed.", { values: [{ value: "true", doc: "Resumable." }, { value: "false", doc: "Counting only." }] }),
      attribute("max", "The longest time, in seconds, you would like the server to wait for a resumption."),
    ],
  }),
  element("enabled", NS_SM_3, STREAM_LEVEL, "The server counts from now on. Its id names the session for a later <resume previd='...'/>; max is how many seconds it waits for one.", xep("0198", "enable"), {
    content: EMPTY,
    attributes: [attribute("id", "The session's stream management id, for <resume previd/>."), attribute("resume", "true: the session can be resumed."), attribute("max", "Seconds the server keeps a lost session."), attribute("location", "Where to reconnect to resume, if not here.")],
  }),
  element("r", NS_SM_3, STREAM_LEVEL, "A request: how many stanzas have you received? The other side answers <a h='N'/>.", xep("0198", "acking"), { content: EMPTY }),
  element("a", NS_SM_3, STREAM_LEVEL, "An ack: h is the number of stanzas (message, presence, iq) the sender has received since <enabled/>; nonzas such as <r/> do not count.", xep("0198", "acking"), {
    content: EMPTY,
    attributes: [h("Stanzas handled (received) since stream management began.")],
  }),
  element("resume", NS_SM_3, STREAM_LEVEL, "After a lost connection, on a new stream, once authenticated and instead of binding: resume the session named previd; h says what you had received.", xep("0198", "resumption"), {
    content: EMPTY,
    attributes: [attribute("previd", "The id from the lost session's <enabled/>.", { required: true }), h("Stanzas you had received on the lost session.")],
  }),
  element("resumed", NS_SM_3, STREAM_LEVEL, "The session is back: h is how many of your stanzas the server had received; what you sent after that, send again. The server resends what you had not acknowledged.", xep("0198", "resumption"), {
    content: EMPTY,
    attributes: [attribute("previd", "The session that was resumed."), h("Stanzas the server had received from you.")],
  }),
  element("failed", NS_SM_3, STREAM_LEVEL, "Stream management refused the request; the child names why (ejabberd: <not-authorized/> before binding, <unexpected-request/> for a wrong version, <item-not-found/> for an unknown previd).", xep("0198", "errors"), {
    content: ANY,
    attributes: [h("When resumption failed: the stanzas the server had received, if it still knows.")],
  }),
];
