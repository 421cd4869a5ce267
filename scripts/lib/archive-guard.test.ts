import { describe, expect, it } from "vitest";
import { ARCHIVE_LIMIT_MESSAGES, archiveLimit, archiveStorage, parseTableSize } from "./archive-guard";

const DUMP = "[{access_mode,read_write},\n {memory,2791},\n {size,30},\n {storage_type,disc_copies},\n {type,bag}]\n";

describe("the archive guard's reading of ejabberdctl mnesia_table_info", () => {
  it("takes the table's size, not another number of the dump", () => {
    expect(parseTableSize(DUMP)).toBe(30);
  });

  it("says null when the output has no size (an error message, an unknown table)", () => {
    expect(parseTableSize("Error: badrpc\n")).toBeNull();
    expect(parseTableSize("{memory,2791}")).toBeNull();
  });

  it("reads the storage type, and null when ejabberdctl failed", async () => {
    expect(await archiveStorage(async () => ({ code: 0, stdout: DUMP, stderr: "", timedOut: false }))).toBe("disc_copies");
    expect(await archiveStorage(async () => ({ code: 1, stdout: DUMP, stderr: "", timedOut: false }))).toBeNull();
  });
});

describe("ARCHIVE_LIMIT_MESSAGES", () => {
  it("defaults when unset and takes a whole number", () => {
    expect(archiveLimit({})).toBe(ARCHIVE_LIMIT_MESSAGES);
    expect(archiveLimit({ ARCHIVE_LIMIT_MESSAGES: "500" })).toBe(500);
  });

  it("refuses anything else, naming the variable and what to give", () => {
    for (const bad of ["-1", "1.5", "lots"]) {
      expect(() => archiveLimit({ ARCHIVE_LIMIT_MESSAGES: bad })).toThrow(new RegExp(`ARCHIVE_LIMIT_MESSAGES=${bad} is not a whole number of messages: unset it for the default`));
    }
  });
});
