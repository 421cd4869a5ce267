import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { GuidedSession } from "./guided-session";
import { registerAccount, registerDisposableAccount, RegistrationRefused, removeAccount, type AccountServer, type Credentials } from "./in-band-registration";
import { TEST_SERVER } from "../../scripts/lib/instances";
import type { SessionState } from "../bridge/protocol";

// Integration: a real ejabberd on the test ports (test/vitest-global-setup.ts), with
// mod_register open to loopback and no registration throttle.
const PLAIN: AccountServer = {
  server: { host: TEST_SERVER.host, port: TEST_SERVER.ports.plain },
  domain: TEST_SERVER.domain,
  transport: "plain",
};
const STARTTLS: AccountServer = { ...PLAIN, server: { host: TEST_SERVER.host, port: TEST_SERVER.ports.starttls }, transport: "starttls" };

const sessions: GuidedSession[] = [];
const accounts: Credentials[] = [];
const fakeServers: net.Server[] = [];

async function register(options: AccountServer & { prefix?: string } = PLAIN): Promise<Credentials> {
  const account = await registerDisposableAccount(options);
  accounts.push(account);
  return account;
}

function login(account: Credentials): GuidedSession {
  const session = new GuidedSession({ ...PLAIN, ...account, mechanism: "PLAIN" });
  sessions.push(session);
  return session;
}

function closedWith(session: GuidedSession): Promise<string | undefined> {
  return new Promise((resolve) => session.onState((state: SessionState, detail) => state === "closed" && resolve(detail.message)));
}

/** A TCP server on loopback that answers each client chunk with `reply(chunk)`. */
async function fakeServer(reply: (chunk: string) => string | undefined): Promise<number> {
  const server = net.createServer((socket) => {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      const answer = reply(chunk);
      if (answer !== undefined) socket.write(answer);
    });
    socket.on("error", () => undefined);
  });
  fakeServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' version='1.0'><stream:features/>";

/** Answers the stream header, then every iq with the given error payload. */
function refusingServer(errorPayload: string): Promise<number> {
  return fakeServer((chunk) => {
    if (chunk.includes("<stream:stream")) return HEADER;
    const id = /<iq [^>]*id='([^']+)'/.exec(chunk)?.[1];
    return id ? `<iq type='error' id='${id}'>${errorPayload}</iq>` : undefined;
  });
}

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await Promise.all(accounts.splice(0).map((account) => removeAccount({ ...PLAIN, ...account })));
  await Promise.all(fakeServers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe("disposable accounts on ejabberd (XEP-0077)", () => {
  it("registers on the plain port, logs in, and is gone after removal", async () => {
    const account = await register();
    expect(account.username).toMatch(/^guest-[a-z0-9]{6}$/);
    expect(account.password).toMatch(/^[A-Za-z0-9_-]{18}$/);

    const session = login(account);
    expect(await session.connect()).toMatch(new RegExp(`^${account.username}@localhost/.+`));
    const kicked = closedWith(session);

    await removeAccount({ ...PLAIN, ...account });
    // ejabberd ends the removed account's other sessions with a conflict stream error.
    expect(await kicked).toMatch(/conflict/);
    await expect(login(account).connect()).rejects.toThrow(/wrong username or password/);
  });

  it("registers and removes through STARTTLS", async () => {
    const account = await register({ ...STARTTLS, prefix: "class-7" });
    expect(account.username).toMatch(/^class-7-[a-z0-9]{6}$/);
    const session = login(account);
    expect(await session.connect()).toMatch(new RegExp(`^${account.username}@localhost/`));
    const kicked = closedWith(session);
    await removeAccount({ ...STARTTLS, ...account });
    // Closing a session while the server is ending it trips @xmpp/client: let the kick finish.
    expect(await kicked).toMatch(/conflict/);
    await expect(login(account).connect()).rejects.toThrow(/wrong username or password/);
  });

  it("gives parallel registrations different names and passwords", async () => {
    const [first, second] = await Promise.all([register(), register()]);
    expect(first?.username).not.toBe(second?.username);
    expect(first?.password).not.toBe(second?.password);
    for (const account of [first, second]) {
      if (account) expect(await login(account).connect()).toContain(account.username);
    }
  });

  it("resolves when the account is already gone", async () => {
    const account = await register();
    await removeAccount({ ...PLAIN, ...account });
    await expect(removeAccount({ ...PLAIN, ...account })).resolves.toBeUndefined();
    await expect(removeAccount({ ...STARTTLS, username: "never-registered", password: "x" })).resolves.toBeUndefined();
  });

  it("says where nothing listens", async () => {
    const port = await fakeServer(() => undefined);
    await new Promise((resolve) => fakeServers.pop()?.close(resolve));
    const attempt = registerDisposableAccount({ ...PLAIN, server: { host: "127.0.0.1", port } });
    await expect(attempt).rejects.toThrow(new RegExp(`registering a disposable account at 127\\.0\\.0\\.1:${port} failed: .*nothing is listening`));
  });

  it("says registration must be enabled when the server refuses it", async () => {
    const port = await refusingServer("<error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
    const attempt = registerDisposableAccount({ ...PLAIN, server: { host: "127.0.0.1", port } });
    await expect(attempt).rejects.toThrow(/127\.0\.0\.1:\d+ .*not-allowed.*in-band registration \(XEP-0077, mod_register\) must be enabled for localhost/);
  });

  it("says when the server wants a data form", async () => {
    const form = "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='form'/></query><error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>";
    const attempt = registerDisposableAccount({ ...PLAIN, server: { host: "127.0.0.1", port: await refusingServer(form) } });
    await expect(attempt).rejects.toThrow(/data form.*CAPTCHA/);
  });

  it("gives up after three taken names", async () => {
    let tries = 0;
    const port = await fakeServer((chunk) => {
      if (chunk.includes("<stream:stream")) return HEADER;
      tries += (chunk.match(/<iq /g) ?? []).length;
      const id = /<iq [^>]*id='([^']+)'/.exec(chunk)?.[1];
      return id ? `<iq type='error' id='${id}'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>` : undefined;
    });
    await expect(registerDisposableAccount({ ...PLAIN, server: { host: "127.0.0.1", port } })).rejects.toThrow(/3 random names/);
    expect(tries).toBe(3);
  });

  it("registers a named account once, and says it exists the second time, leaving its password as it was", async () => {
    const account = { username: `named-${Date.now().toString(36)}`, password: "first" };
    accounts.push(account);
    expect(await registerAccount({ ...PLAIN, ...account })).toBe("created");
    expect(await registerAccount({ ...STARTTLS, ...account, password: "second" })).toBe("exists");
    expect(await login(account).connect()).toContain(account.username);
    await expect(login({ ...account, password: "second" }).connect()).rejects.toThrow(/wrong username or password/);
  });

  it("names the condition of a refused named registration, for a caller that must tell a refusal from a server not ready", async () => {
    const port = await refusingServer("<error type='wait'><internal-server-error xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
    const failure = await registerAccount({ ...PLAIN, server: { host: "127.0.0.1", port }, username: "someone", password: "secret-pw" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/registering an account at 127\.0\.0\.1:\d+ failed: the server rejected the registration: internal-server-error/);
    // Credentials never reach an error message.
    expect((failure as Error).message).not.toContain("secret-pw");
    expect((failure as Error).cause).toBeInstanceOf(RegistrationRefused);
    expect(((failure as Error).cause as RegistrationRefused).errorCondition).toBe("internal-server-error");
  });

  it("times out with the step it was waiting for", async () => {
    const port = await fakeServer(() => undefined);
    const attempt = registerDisposableAccount({ ...PLAIN, server: { host: "127.0.0.1", port }, timeoutMs: 300 });
    await expect(attempt).rejects.toThrow(/no answer within 300 ms while opening the stream/);
  });
});
