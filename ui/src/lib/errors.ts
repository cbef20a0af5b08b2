// The error codes the UI tells apart, in one typed place. They mirror
// `DiaryError::code` in crates/diary/src/error.rs; once the bindings export an
// error-code enum, `ErrorCode` becomes that enum and nothing else has to change.

/** Codes the core gives its errors (see crates/diary/src/error.rs). */
export type ErrorCode =
  | "no_diary"
  | "already_exists"
  | "not_a_diary"
  | "damaged_key_file"
  | "damaged_database"
  | "missing_database"
  | "wrong_passphrase"
  | "wrong_recovery_key"
  | "malformed_recovery_key"
  | "passphrase_required"
  | "keyring_entry_missing"
  | "keyring_unavailable"
  | "weak_passphrase"
  | "newer_schema"
  | "invalid_date"
  | "invalid_amount"
  | "empty_field"
  | "invalid_input"
  | "unknown_id"
  | "duplicate_case_number"
  | "next_date_not_after"
  | "database"
  | "document"
  | "io"
  | "output_failed";

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
