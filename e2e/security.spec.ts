import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { connectOnline, lanes, pane, ping, sendStanza } from "./workbench-page";

/**
 * The page's own defences, in Chromium against the real app: its headers and CSP (with
 * Monaco's workers still running), and sessions that another browser cannot reach even
 * with their ids. Credentials and limits run on an app of their own: security-app.spec.ts.
 */

const PAGES = ["/", "/playground", "/captures", "/no-such-page"];

test("every page and file carries the security headers, and each page a fresh script nonce", async ({ request, baseURL }) => {
  const nonces = new Set<string>();
  for (const path of [...PAGES, "/favicon.svg"]) {
    const response = await request.get(path);
    const headers = response.headers();
    const policy = headers["content-security-policy"] ?? "";
    expect(policy, path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(policy, path).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(policy, path).toContain(`connect-src 'self' ws://${new URL(baseURL!).host}`);
    for (const directive of ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "worker-src 'self'", "form-action 'self'"]) {
      expect(policy, `${path}: ${directive}`).toContain(directive);
    }
    expect(headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-resource-policy": "same-origin",
    });
    expect(headers["permissions-policy"]).toContain("camera=()");
    expect(headers["x-powered-by"]).toBeUndefined();
    if (path === "/favicon.svg") continue;

    // Every script tag Next.js and the layout wrote carries this response's nonce.
    const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
    nonces.add(nonce);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length, path).toBeGreaterThan(1);
    for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
  }
  expect(nonces.size).toBe(PAGES.length);
});

/** Records CSP violations (and console errors about them) from the first script on. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) consoleErrors.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  return async () => [...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)), ...consoleErrors];
}

test("the workbench runs under its CSP: theme script, hydration, Monaco and its worker, the bridge", async ({ page }) => {
  const violations = await watchViolations(page);
  // The inline theme boot script runs only if its nonce is right: it applies the stored theme before paint.
  await page.addInitScript(() => localStorage.setItem("xmpp-playground:theme", "light"));
  await page.goto("/playground");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");

  // Monaco: its diagnostics and completion work, and its web worker loaded from this origin and runs.
  await connectOnline(page, "alice");
  const editor = pane(page).getByTestId("stanza-editor");
  await sendStanza(page, `<iq type="get" id="csp-1" to="localhost"></iq>`);
  await expect(editor.locator(".squiggly-error").first()).toBeVisible();
  await page.keyboard.press("End");
  for (let i = 0; i < "</iq>".length; i++) await page.keyboard.press("ArrowLeft");
  await page.keyboard.type("<pi");
  await expect(editor.locator(".suggest-widget .monaco-list-row").filter({ hasText: "urn:xmpp:ping" }).first()).toBeVisible();
  // Monaco's worker: the page's own workers are named (transcript-writer, transcript-search, transcript-export), and
  // the transcript writer starts with the session, so it may be the first worker to start.
  const named = await Promise.all(page.workers().map(async (worker) => ({ worker, name: await worker.evaluate(() => self.name) })));
  const monacos = named.filter(({ name }) => name === "");
  if (monacos.length !== 1) throw new Error(`expected one unnamed worker (Monaco's); the page runs ${named.map(({ name }) => name || "(unnamed)").join(", ")}`);
  const running = monacos[0]!.worker;
  expect(new URL(running.url()).origin).toBe(new URL(page.url()).origin);
  // Monaco's worker script installs its message handler when it has loaded and run.
  expect(await running.evaluate(() => typeof onmessage)).toBe("function");

  // The bridge's WebSocket (connect-src) carried the session: a ping went out and came back.
  await page.keyboard.press("Escape");
  await ping(page, "csp-ping");
  expect(await violations()).toEqual([]);

  // The watch itself works: a script without the nonce is blocked and reported.
  const ran = await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.injectedRan = true";
    document.head.append(script);
    return (window as unknown as { injectedRan?: boolean }).injectedRan === true;
  });
  expect(ran).toBe(false);
  await expect.poll(violations).toEqual([expect.stringMatching(/^script-src-elem inline/), expect.stringMatching(/^Executing inline script violates/)]);
});

test("the page cannot be framed by another page", async ({ page }) => {
  const refusals: string[] = [];
  page.on("console", (message) => refusals.push(message.text()));
  await page.goto("/no-such-page");
  await page.setContent(`<iframe id="framed" src="${new URL("/playground", page.url()).href}"></iframe>`);
  await expect.poll(() => refusals.find((text) => /frame-ancestors 'none'/.test(text))).toBeDefined();
  await expect(page.frameLocator("#framed").getByRole("heading", { name: "Stanza" })).toHaveCount(0);
});

/** What a page can see of a session in its own storage: the pane's saved id and token. */
async function savedSession(page: Page): Promise<{ key: string; value: string; sessionId: string; token: string }> {
  const key = "xmpp-playground:session:a";
  const value = (await page.evaluate((name) => sessionStorage.getItem(name), key))!;
  return { key, value, ...(JSON.parse(value) as { sessionId: string; token: string }) };
}

test("another browser cannot attach to, read or drive a session, even with its ids and token", async ({ browser, page }) => {
  await connectOnline(page, "alice");
  await ping(page, "owner-before");
  const stolen = await savedSession(page);
  const intruder = await browser.newContext();
  try {
    // 1. The intruder's page starts with the owner's saved session, as a copied profile would.
    const replay = await intruder.newPage();
    await replay.addInitScript(({ key, value }) => sessionStorage.setItem(key, value), stolen);
    await replay.goto("/playground");
    await expect.poll(() => replay.evaluate((key) => sessionStorage.getItem(key), stolen.key)).toBeNull();
    await expect(pane(replay).getByTestId("connection-status")).toHaveText("Not connected");
    await expect(lanes(replay).getByTestId("entry-in")).toHaveCount(0);

    // 2. It speaks to the bridge by hand: ids replayed, tokens guessed, seqs made up.
    const answers = await replay.evaluate(async ({ sessionId, token }) => {
      const socket = new WebSocket(`ws://${location.host}/bridge`);
      const received: { op: string; ref?: string; message?: string; sessionId?: string }[] = [];
      socket.onmessage = (event) => received.push(JSON.parse(String(event.data)) as (typeof received)[number]);
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      const requests = [
        { op: "attach", sessionId, token, afterSeq: 0 },
        { op: "attach", sessionId, token: token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"), afterSeq: 0 },
        { op: "attach", sessionId, token: "", afterSeq: -1 },
        { op: "attach", sessionId: crypto.randomUUID(), token, afterSeq: 0 },
        { op: "send", sessionId, xml: "<message to='alice@localhost' id='intruder'><body>hi</body></message>" },
        { op: "reveal", sessionId },
        { op: "close", sessionId },
      ];
      requests.forEach((request, index) => socket.send(JSON.stringify({ ...request, ref: `r${index}` })));
      const deadline = Date.now() + 5000;
      while (received.filter((message) => message.ref !== undefined).length < requests.length && Date.now() < deadline) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      socket.close();
      return received;
    }, stolen);
    // Every request is answered, and refused; the bridge's greeting (op "hello") carries no ref.
    const replies = answers.filter((answer) => answer.ref !== undefined);
    expect(replies).toHaveLength(7);
    for (const answer of replies) expect(answer).toMatchObject({ op: "failed" });
    expect(answers.some((answer) => answer.sessionId === stolen.sessionId)).toBe(false);
  } finally {
    await intruder.close();
  }

  // The owner's session is untouched: still online, still answering, and nothing of the intruder's in it.
  await expect(pane(page).getByTestId("connection-status")).toContainText("Online as alice@localhost/");
  await ping(page, "owner-after");
  await expect(lanes(page).getByText("intruder")).toHaveCount(0);
});
