import { describe, expect, it } from "vitest";
import { CoreError, toCoreError } from "../src/lib/api";
import { byCode, hasCode, UNKNOWN_ERROR } from "../src/lib/errors";

describe("error codes", () => {
  it("tells a core error by its code", () => {
    const e = toCoreError({ code: "keyring_entry_missing", message: "no key in the keyring" });
    expect(e).toBeInstanceOf(CoreError);
    expect(hasCode(e, "keyring_entry_missing")).toBe(true);
    expect(hasCode(e, "wrong_passphrase")).toBe(false);
    expect(hasCode("keyring_entry_missing", "keyring_entry_missing")).toBe(false);
    expect(hasCode(null, "io")).toBe(false);
  });

  it("gives errors without a code the unknown code", () => {
    expect(toCoreError("boom").code).toBe(UNKNOWN_ERROR);
    expect(toCoreError({ message: "x" }).code).toBe(UNKNOWN_ERROR);
  });

  it("looks codes up in tables, never in their prototype", () => {
    const hints = { wrong_passphrase: "Check Caps Lock." };
    expect(byCode(hints, "wrong_passphrase")).toBe("Check Caps Lock.");
    expect(byCode(hints, "io")).toBeUndefined();
    expect(byCode(hints, "constructor")).toBeUndefined();
  });
});
