import { describe, expect, it } from "vitest";
import { nodeRegistered } from "./epmd";

const names = "epmd: up and running on port 4369 with data:\nname xmpp-playground-e2e at port 44611\nname xmpp-playground-test-s3 at port 45571\n";

describe("nodeRegistered", () => {
  it("finds a node by its name, which is all epmd knows of it", () => {
    expect(nodeRegistered(names, "xmpp-playground-e2e@localhost")).toBe(true);
    expect(nodeRegistered(names, "xmpp-playground-test-s3@localhost")).toBe(true);
  });

  it("does not take a longer or shorter name for it", () => {
    expect(nodeRegistered(names, "xmpp-playground-test@localhost")).toBe(false);
    expect(nodeRegistered(names, "xmpp-playground-e2@localhost")).toBe(false);
    expect(nodeRegistered("epmd: up and running on port 4369 with data:\n", "xmpp-playground-e2e@localhost")).toBe(false);
  });
});
