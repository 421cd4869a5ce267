import { expect, test } from "./fixtures";
import type { ClientMessage, ServerMessage } from "../lib/bridge/protocol";
import type { Page } from "@playwright/test";
import { helpButton, openLesson, sendDraft, solveAndPass, stepButtons, stepCheck } from "./lesson-page";

/** Solves the first two steps (the mechanisms, the client-first-message) and opens the third, the proof. */
async function toProofStep(page: Page): Promise<void> {
  await solveAndPass(page);
  await page.getByRole("button", { name: "Next step" }).click();
  await solveAndPass(page);
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(stepButtons(page).nth(2)).toHaveAttribute("aria-current", "step");
}

/**
 * The SCRAM lesson's calculator as a learner uses it (its own disposable account, so it runs
 * beside any other spec): after the client-first step it shows every RFC 5802 §3 value from
 * this session's wire, writes the <response> into the editor, and once the server says
 * <success/> it compares the server's v= with the ServerSignature it computed.
 */
test("SCRAM by hand: the calculator derives the proof from the wire and checks the server signature", async ({ page }) => {
  await openLesson(page, "scram");
  await toProofStep(page);

  const calculator = page.getByTestId("scram-calculator");
  await expect(calculator.getByText("HMAC(StoredKey, AuthMessage)")).toBeVisible();
  // The values come from this session's exchange: the server's nonce extends the client's own.
  const text = await calculator.innerText();
  const clientNonce = /client-first\s+n,,n=[^,]+,r=([^\s,]+)/.exec(text)?.[1];
  expect(clientNonce, "the calculator shows the decoded client-first-message").toBeTruthy();
  expect(text).toMatch(new RegExp(`server-first\\s+r=${clientNonce!.replace(/[+/=]/g, "\\$&")}[^,]+,s=[^,]+,i=\\d+`));

  await page.getByTestId("scram-write").click();
  await sendDraft(page);
  await expect(stepCheck(page)).toHaveAttribute("data-state", "passed", { timeout: 10_000 });
  await expect(page.getByTestId("scram-verdict")).toContainText("the ServerSignature computed here");
});

test("Solve on the proof step shows the diff only once the calculated <response> is in the editor, so a Send right after it sends the proof", async ({ page }) => {
  // Solve's calculator needs this session's unmasked exchange from the bridge (a `reveal`): the
  // test holds that answer back, as a slow link would, and lets it through when it has looked.
  let holding = false;
  const held: (() => void)[] = [];
  let revealAsked: () => void = () => undefined;
  const revealSeen = new Promise<void>((resolve) => (revealAsked = resolve));
  await page.routeWebSocket(/\/bridge$/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      if (holding && (JSON.parse(String(message)) as ClientMessage).op === "reveal") revealAsked();
      server.send(message);
    });
    server.onMessage((message) => {
      if (holding && (JSON.parse(String(message)) as ServerMessage).op === "secrets") held.push(() => socket.send(message));
      else socket.send(message);
    });
  });
  await openLesson(page, "scram");
  // The first two steps' Solve loads the diff's code, so the third can show it in the click's own render.
  await toProofStep(page);
  await expect(page.getByTestId("scram-calculator").getByText("HMAC(StoredKey, AuthMessage)")).toBeVisible();

  const diff = page.getByTestId("solution-diff");
  const editor = page.getByTestId("stanza-editor").locator(".view-lines");
  await helpButton(page, /^Hint$/).click();
  await helpButton(page, "Show goal").click();
  holding = true;
  await helpButton(page, "Solve").click();
  await revealSeen;
  // The calculator is still waiting for this session's exchange: the editor holds the starter's
  // <auth>, so nothing may say the solution is there (the diff did, and a quick Send sent the <auth>).
  expect(await diff.isVisible(), "the diff while the <response> is still being computed").toBe(false);
  await expect(editor).toContainText("<auth");

  holding = false;
  for (const release of held.splice(0)) release();
  await expect(diff).toBeVisible();
  await expect(editor).toContainText("<response");
  const sent = await sendDraft(page);
  await expect(page.locator(`[data-testid="entry-out"][data-seq="${sent}"]`)).toContainText("<response");
  await expect(stepCheck(page)).toHaveAttribute("data-state", "passed", { timeout: 10_000 });
});
