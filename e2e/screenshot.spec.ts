import { expect, test } from "./fixtures";
import { connectAs, pane, typeStanza } from "./workbench-page";

/**
 * The README's screenshot, taken from a real session. It is written to docs/ only when
 * UPDATE_SCREENSHOT=1, so a normal run leaves the tree clean; it always checks the layout.
 * The picture is never compared (live account data and times in it; see
 * e2e/lessons-screenshot.spec.ts): the checks are the expect() calls.
 */
test("two accounts: a message leaves alice's lanes and arrives in bob's", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/playground");
  await page.getByLabel("Two accounts").check();
  await connectAs(page, "alice", "alice", "a");
  await connectAs(page, "bob", "bob", "b");
  await expect(pane(page, "b").getByTestId("connection-status")).toContainText("Online");
  await typeStanza(page, `<message to="bob@localhost" type="chat"><body>Hello, Bob!</body></message>`, "a");
  await page.keyboard.press("ControlOrMeta+Enter");
  await typeStanza(page, `<iq type="get" id="ping-1" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`, "a");
  await page.keyboard.press("ControlOrMeta+Enter");
  const answer = pane(page, "a").getByTestId("entry-in").filter({ hasText: "ping-1" });
  await expect(answer).toContainText("answers #");
  await expect(pane(page, "b").getByTestId("entry-in").filter({ hasText: "Hello, Bob!" })).toHaveCount(1);

  // The two lanes are side by side: the request on the left, its answer on the right.
  const requestBox = await pane(page, "a").getByTestId("entry-out").filter({ hasText: "ping-1" }).boundingBox();
  const answerBox = await answer.boundingBox();
  expect(requestBox && answerBox && answerBox.x >= requestBox.x + requestBox.width - 1).toBe(true);

  const update = process.env.UPDATE_SCREENSHOT === "1";
  await page.screenshot({ path: update ? "docs/workbench.png" : testInfo.outputPath("workbench.png") });
  await page.getByRole("button", { name: "Light theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await page.screenshot({ path: update ? "docs/workbench-light.png" : testInfo.outputPath("workbench-light.png") });
});
