import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuidedSession } from "../lib/xmpp/guided-session";
import { registerDisposableAccount, removeAccount } from "../lib/xmpp/in-band-registration";
import { buildLessonVariables, type LessonVariables } from "../lib/lessons/variables";
import { TEST_SERVER } from "../scripts/lib/instances";
import { learnerWaits, waitFor } from "../test/helpers";
import { startScriptedDevice, type ScriptedDevice } from "./scripted-device";
import { startScriptedPeer, type ScriptedPeer } from "./scripted-peer";

// Integration: the learner, their other device and the scripted peer on the real ejabberd with mod_carboncopy (XEP-0280).
const plain = { host: TEST_SERVER.host, port: TEST_SERVER.ports.plain };
const accountServer = { server: plain, domain: TEST_SERVER.domain, transport: "plain" as const };

let peer: ScriptedPeer;
let device: ScriptedDevice;
let learner: GuidedSession;
let credentials: { username: string; password: string };
let vars: LessonVariables;
const deviceLog: string[] = [];

const { expectTranscript, send } = learnerWaits(
  () => learner,
  () => vars,
);

beforeAll(async () => {
  peer = await startScriptedPeer({ server: plain, domain: TEST_SERVER.domain });
  credentials = await registerDisposableAccount({ ...accountServer, prefix: "learner" });
  device = await startScriptedDevice({ server: plain, domain: TEST_SERVER.domain, ...credentials, peer: peer.jid, log: (line) => deviceLog.push(line) });
  learner = new GuidedSession({ server: plain, transport: "plain", domain: TEST_SERVER.domain, ...credentials, mechanism: "PLAIN", initialPresence: true, resource: "web" });
  await learner.connect();
  vars = buildLessonVariables({ ...credentials, domain: TEST_SERVER.domain, peer: peer.jid });
});

afterAll(async () => {
  await learner?.close();
  await device?.stop();
  await peer?.stop();
  if (credentials) await removeAccount({ ...accountServer, ...credentials });
});

describe("the learner's other device, with carbons (XEP-0280)", () => {
  it("is another resource of the learner's account", () => {
    expect(device.fullJid).toBe(`${credentials.username}@${TEST_SERVER.domain}/phone`);
  });

  it("says to the peer what the learner asks it to, and the learner with carbons enabled gets the sent and received copies (§7, §8)", async () => {
    const from = await send(`<iq type='set' id='carbons-on'><enable xmlns='urn:xmpp:carbons:2'/></iq><message to='${device.fullJid}' type='chat' id='ask-1'><body>hello from the phone</body></message>`);
    await expectTranscript(
      [
        { name: "enable", dir: "out", stanza: "iq", attrs: { id: "carbons-on" } },
        { dir: "in", stanza: "iq", type: "result", answers: "enable" },
        { name: "sentCopy", dir: "in", stanza: "message", from: "{{me}}", has: [{ path: "sent/forwarded/message/body", text: "hello from the phone" }] },
        { dir: "in", stanza: "message", from: "{{me}}", has: [{ path: "received/forwarded/message/body", text: "echo: hello from the phone" }] },
      ],
      from,
      "the sent and received copies",
    );
    // §8: the copy's wrapper comes from the bare JID, and wraps the device's own message to the peer.
    const copy = learner.transcript.since(from).find((entry) => entry.dir === "in" && entry.raw.includes("urn:xmpp:carbons:2") && entry.raw.includes("<sent"));
    expect(copy?.raw).toContain(`from='${credentials.username}@${TEST_SERVER.domain}/phone'`);
  });

  it("reports each copy it gets of what the learner sends, and gets none of a private message (§9)", async () => {
    const from = await send(
      `<message to='${peer.jid}' type='chat' id='secret-1'><body>just between us</body><private xmlns='urn:xmpp:carbons:2'/></message>` +
        `<message to='${peer.jid}' type='chat' id='open-1'><body>for every device</body></message>`,
    );
    await expectTranscript(
      [{ dir: "in", stanza: "message", type: "headline", from: "{{me}}", has: [{ path: "body", contains: "copy of what you sent to" }, { path: "body", contains: "for every device" }] }],
      from,
      "the device's report of the open message",
    );
    // The echoes of both come back to the learner, and the device gets received copies of them;
    // what it never gets is a sent copy of the private one.
    await waitFor(() => deviceLog.some((line) => line.includes("received from") && line.includes("echo: for every device")), "the device's copy of the second echo");
    expect(deviceLog.filter((line) => line.includes("copy of what you sent") && line.includes("just between us"))).toEqual([]);
    expect(deviceLog.filter((line) => line.includes("copy of what you sent") && line.includes("for every device"))).toHaveLength(1);
  });
});
