import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuidedSession } from "./guided-session";
import { registerDisposableAccount, removeAccount } from "./in-band-registration";
import { isFromOwnServer } from "./push-answers";
import { TEST_SERVER } from "../../scripts/lib/instances";
import { waitFor } from "../../test/helpers";
import type { TranscriptEntry } from "./entry";
import type { XmlElement } from "@xmpp/client";

// Integration: ejabberd runs mod_blocking (XEP-0191) and mod_privacy (XEP-0016); see ejabberd/ejabberd.yml.
const plain = { host: TEST_SERVER.host, port: TEST_SERVER.ports.plain };
const accountServer = { server: plain, domain: TEST_SERVER.domain, transport: "plain" as const };
let credentials: { username: string; password: string };
let session: GuidedSession;

beforeAll(async () => {
  credentials = await registerDisposableAccount({ ...accountServer, prefix: "pushed" });
  session = new GuidedSession({ server: plain, transport: "plain", domain: TEST_SERVER.domain, ...credentials, mechanism: "PLAIN" });
  await session.connect();
});

afterAll(async () => {
  await session?.close();
  if (credentials) await removeAccount({ ...accountServer, ...credentials });
});

/** Sends `xml`, waits for the server's push of `child` and the session's answer to it. */
async function pushAnswered(xml: string, child: RegExp): Promise<{ push: TranscriptEntry; answer: TranscriptEntry; request: TranscriptEntry }> {
  const after = session.transcript.lastSeq;
  await session.send(xml);
  let push: TranscriptEntry | undefined;
  let answer: TranscriptEntry | undefined;
  await waitFor(() => {
    const entries = session.transcript.since(after);
    push = entries.find((entry) => entry.dir === "in" && entry.kind === "iq" && entry.attrs?.type === "set" && child.test(entry.raw));
    answer = push && entries.find((entry) => entry.dir === "out" && entry.pair === push!.seq);
    return answer !== undefined;
  }, "the push and its answer");
  const request = session.transcript.since(after).find((entry) => entry.dir === "out")!;
  return { push: push!, answer: answer!, request };
}

describe("pushes from the server, answered as a real client does (RFC 6120 section 8.2.3)", () => {
  it("answers a XEP-0191 block push with a result, marked automatic", async () => {
    const { answer, request } = await pushAnswered(
      "<iq type='set' id='block-1'><block xmlns='urn:xmpp:blocking'><item jid='mallory@localhost'/></block></iq>",
      /<block xmlns=['"]urn:xmpp:blocking/,
    );
    expect(answer.attrs?.type).toBe("result");
    expect(answer.auto).toBe(true);
    // What the person typed is theirs.
    expect(request.attrs?.id).toBe("block-1");
    expect(request.auto).toBeUndefined();
  });

  it("answers the unblock push the same way", async () => {
    const { answer } = await pushAnswered("<iq type='set' id='unblock-1'><unblock xmlns='urn:xmpp:blocking'><item jid='mallory@localhost'/></unblock></iq>", /<unblock xmlns=['"]urn:xmpp:blocking/);
    expect(answer).toMatchObject({ auto: true, attrs: { type: "result" } });
  });

  it("answers a XEP-0016 privacy list push with a result, marked automatic", async () => {
    const { answer } = await pushAnswered(
      "<iq type='set' id='privacy-1'><query xmlns='jabber:iq:privacy'><list name='quiet'><item type='jid' value='mallory@localhost' action='deny' order='1'/></list></query></iq>",
      /<query xmlns=['"]jabber:iq:privacy/,
    );
    expect(answer).toMatchObject({ auto: true, attrs: { type: "result" } });
    expect(answer.raw).not.toContain("service-unavailable");
  });
});

describe("isFromOwnServer", () => {
  const stanza = (from?: string) => ({ attrs: from === undefined ? {} : { from } }) as unknown as XmlElement;
  it("takes a push with no from, or from the account's bare JID, and nobody else's", () => {
    expect(isFromOwnServer(stanza(), "alice@localhost")).toBe(true);
    expect(isFromOwnServer(stanza("alice@localhost"), "alice@localhost")).toBe(true);
    expect(isFromOwnServer(stanza("Alice@LOCALHOST"), "alice@localhost")).toBe(true);
    expect(isFromOwnServer(stanza("mallory@localhost"), "alice@localhost")).toBe(false);
    expect(isFromOwnServer(stanza("localhost"), "alice@localhost")).toBe(false);
  });
});
