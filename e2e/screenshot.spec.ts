import { expect, test } from "@playwright/test";
import { connectAs, typeStanza } from "./workbench-page";

/**
 * The README's screenshot, taken from a real session. It is written to docs/ only when
 * UPDATE_SCREENSHOT=1, so a normal run leaves the tree clean; it always checks the layout.
 */
test("the workbench shows both lanes side by side after a message", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1400, height: 860 });
  await connectAs(page, "alice");
  await expect(page.getByTestId("connection-status")).toContainText("Online");
  await typeStanza(page, `<iq type="get" id="ping-1" to="localhost">\n  <ping xmlns="urn:xmpp:ping"/>\n</iq>`);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const answer = page.getByTestId("entry-in").filter({ hasText: "ping-1" });
  await expect(answer).toContainText("answers #");

  // The two lanes are side by side: requests on the left, answers on the right.
  const request = page.getByTestId("entry-out").filter({ hasText: "ping-1" });
  const requestBox = await request.boundingBox();
  const answerBox = await answer.boundingBox();
  expect(requestBox && answerBox && answerBox.x > requestBox.x + requestBox.width - 1).toBe(true);

  const path = process.env.UPDATE_SCREENSHOT === "1" ? "docs/workbench.png" : testInfo.outputPath("workbench.png");
  await page.screenshot({ path });
});
