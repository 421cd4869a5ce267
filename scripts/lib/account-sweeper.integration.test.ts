import { afterAll, describe, expect, it } from "vitest";
import { GuidedSession } from "../../lib/xmpp/guided-session";
import { registerDisposableAccount, removeAccount, type Credentials } from "../../lib/xmpp/in-band-registration";
import { sweepDisposableAccounts } from "./account-sweeper";
import { runLocalEjabberdctl } from "./ejabberd-local";
import { TEST_SERVER } from "./instances";

// Integration: the sweeper against the real test ejabberd (test/vitest-global-setup.ts). A
// prefix of its own, so it never touches the accounts other tests are using at the same time.
const PREFIX = "sweeptest";
const plain = { host: TEST_SERVER.host, port: TEST_SERVER.ports.plain };
const accountServer = { server: plain, domain: TEST_SERVER.domain, transport: "plain" as const };
const made: Credentials[] = [];
let online: GuidedSession | undefined;

afterAll(async () => {
  await online?.close();
  for (const account of made) await removeAccount({ ...accountServer, ...account });
});

const registered = async () => (await runLocalEjabberdctl(TEST_SERVER, ["registered_users", TEST_SERVER.domain])).stdout.split("\n").map((line) => line.trim());

describe("sweepDisposableAccounts against ejabberd", () => {
  it("removes an offline disposable account past the age, keeps an online one and a person's account", async () => {
    const left = await registerDisposableAccount({ ...accountServer, prefix: PREFIX });
    const inUse = await registerDisposableAccount({ ...accountServer, prefix: PREFIX });
    made.push(left, inUse);
    online = new GuidedSession({ server: plain, transport: "plain", domain: TEST_SERVER.domain, ...inUse, mechanism: "PLAIN", initialPresence: true, resource: "sweep" });
    await online.connect();

    // Two hours from now, the one nobody uses is old enough; the online one never is.
    const later = await sweepDisposableAccounts(TEST_SERVER, { prefixes: [PREFIX], olderThanMs: 3_600_000, now: Date.now() + 2 * 3_600_000 });
    expect(later.removed).toEqual([left.username]);
    expect(later.kept).toEqual([inUse.username]);
    const users = await registered();
    expect(users).not.toContain(left.username);
    expect(users).toContain(inUse.username);
    expect(users).toContain("alice");
    // Five ejabberdctl calls, each starting an Erlang VM: 1-3 s apiece on a busy 2-core machine.
  }, 60_000);
});
