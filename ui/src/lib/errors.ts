// The error codes the UI tells apart, in one typed place. `ErrorCode` is the
// core's one list of codes (crates/diary/src/error_code.rs), exported through
// the generated bindings, so a code the core does not have fails to type-check.

import type { ErrorCode } from "./bindings";

export type { ErrorCode };

/** The code of an error that did not come with one (a thrown string, a lost connection). */
export const UNKNOWN_ERROR = "error";

/** Whether an error (a `CoreError` or anything with a `code`) carries `code`. */
export function hasCode(e: unknown, code: ErrorCode): boolean {
  return !!e && typeof e === "object" && "code" in e && (e as { code: unknown }).code === code;
}

/** Looks a code up in a table keyed by codes (e.g. hints); undefined for codes not in it. */
export function byCode<T>(table: Partial<Record<ErrorCode, T>>, code: string): T | undefined {
  return Object.hasOwn(table, code) ? table[code as ErrorCode] : undefined;
}
