import { describe, expect, it } from "vitest";
import { tablesNotReady } from "./ejabberd-local";

describe("tablesNotReady", () => {
  it("reads Mnesia's missing table in ejabberdctl's output as a node still starting", () => {
    // As ejabberdctl register printed it in a fresh-clone test run, the listeners already open.
    const output = `Unhandled exception occurred executing the command:
** exception exit: {aborted,{no_exists,passwd,storage_type}}
   in function  mnesia:abort/1 (mnesia.erl, line 362)
   in call from ejabberd_auth_mnesia:use_cache/1 (ejabberd_auth_mnesia.erl, line 76)`;
    expect(tablesNotReady(output)).toBe(true);
  });

  it("leaves every other failure to be reported at once", () => {
    expect(tablesNotReady("Error: conflict")).toBe(false);
    expect(tablesNotReady("Failed RPC connection to the node ejabberd@localhost: nodedown")).toBe(false);
    expect(tablesNotReady("the user name no_exists is taken")).toBe(false);
  });
});
