import { expect, test } from "./fixtures";
import { openLesson, sendDraft, solveAndPass, stepButtons, stepCheck } from "./lesson-page";

/**
 * The SCRAM lesson's calculator as a learner uses it (its own disposable account, so it runs
 * beside any other spec): after the client-first step it shows every RFC 5802 §3 value from
 * this session's wire, writes the <response> into the editor, and once the server says
 * <success/> it compares the server's v= with the ServerSignature it computed.
 */
test("SCRAM by hand: the calculator derives the proof from the wire and checks the server signature", async ({ page }) => {
  await openLesson(page, "scram");
  await solveAndPass(page);
  await page.getByRole("button", { name: "Next step" }).click();
  await solveAndPass(page);
  await page.getByRole("button", { name: "Next step" }).click();
  await expect(stepButtons(page).nth(2)).toHaveAttribute("aria-current", "step");

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
