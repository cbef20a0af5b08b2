// Thin layer over the generated bindings: a command's `{status:"error"}` result
// becomes a thrown `CoreError` carrying the core's code and message, so pages can
// use try/catch and show `message` as it is (codes: lib/errors.ts).

import { UNKNOWN_ERROR } from "./errors";

export class CoreError extends Error {
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = "CoreError";
  }
}

type Res<T> = { status: "ok"; data: T } | { status: "error"; error: unknown };

/** Turns anything thrown or returned as an error into a CoreError. */
export function toCoreError(e: unknown): CoreError {
  if (e instanceof CoreError) return e;
  if (e && typeof e === "object" && "message" in e) {
    const o = e as { code?: unknown; message?: unknown };
    return new CoreError(typeof o.code === "string" ? o.code : UNKNOWN_ERROR, String(o.message));
  }
  if (typeof e === "string") return new CoreError(UNKNOWN_ERROR, e);
  return new CoreError(UNKNOWN_ERROR, "Something went wrong talking to the diary.");
}

/** Awaits a command's result and returns its data, or throws a CoreError. */
export async function unwrap<T>(p: Promise<Res<T>>): Promise<T> {
  let r: Res<T>;
  try {
    r = await p;
  } catch (e) {
    throw toCoreError(e);
  }
  if (r.status === "ok") return r.data;
  throw toCoreError(r.error);
}

/** The message to show for an error. */
export function messageOf(e: unknown): string {
  return toCoreError(e).message;
}

/** Empty or blank text → null (for optional fields). */
export function blankToNull(s: string | null | undefined): string | null {
  const t = (s ?? "").trim();
  return t ? t : null;
}
