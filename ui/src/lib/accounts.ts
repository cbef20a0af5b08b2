// View logic for a case's accounts, kept out of the components so it can be
// tested: fee terms in words and as the terms form holds them, durations as
// people read and type them, and the running timer's elapsed time. Amounts stay
// integer minor units (see money.ts); the core parses what is typed.

import type { FeeTerms_Serialize, TermsForm_Deserialize, TimeRow_Serialize } from "./bindings";
import { formatDmy } from "./dates";
import { formatMoney } from "./money";
import { amountText } from "./records";

/** Whole minutes as people read them: `1 h 30 min`, `45 min`, `2 h` (as the core writes them). */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return "";
  const m = Math.max(0, Math.trunc(minutes));
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h === 0) return `${rest} min`;
  return rest === 0 ? `${h} h` : `${h} h ${rest} min`;
}

/** Whole minutes as the duration field takes them back: `1h30m`, `45m`, `2h`. */
export function durationText(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return "";
  const m = Math.max(0, Math.trunc(minutes));
  const h = Math.floor(m / 60);
  const rest = m % 60;
  if (h === 0) return `${rest}m`;
  return rest === 0 ? `${h}h` : `${h}h${rest}m`;
}

/** Whole seconds from an RFC 3339 moment (`2026-12-06T10:00:00+05:30`) to `now` (epoch ms); 0 for a
 * start in the future or one that cannot be read. */
export function elapsedSeconds(startedAt: string, now: number): number {
  const start = Date.parse(startedAt);
  if (Number.isNaN(start)) return 0;
  return Math.max(0, Math.floor((now - start) / 1000));
}

/** A running timer's elapsed time, ticking: `0:04:07`, `1:30:00`, `26:00:05`. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.trunc(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
}

/** Fee terms in words, in the core's order: `fixed fee ₹ 50,000.00; ₹ 5,000.00 per appearance
 * (₹ 1,000.00 non-effective); ₹ 3,000.00 an hour`; "" for none. */
export function termsInWords(t: FeeTerms_Serialize | null | undefined): string {
  if (!t) return "";
  const m = (v: number) => formatMoney(v, t.currency);
  const parts: string[] = [];
  if (t.fixed_minor !== null) parts.push(`fixed fee ${m(t.fixed_minor)}`);
  if (t.per_appearance_minor !== null) {
    const ne = t.non_effective_minor !== null && t.non_effective_minor !== t.per_appearance_minor ? ` (${m(t.non_effective_minor)} non-effective)` : "";
    parts.push(`${m(t.per_appearance_minor)} per appearance${ne}`);
  } else if (t.non_effective_minor !== null) {
    parts.push(`${m(t.non_effective_minor)} per non-effective appearance`);
  }
  if (t.hourly_minor !== null) parts.push(`${m(t.hourly_minor)} an hour`);
  return parts.join("; ");
}

/** `No appearances`, `1 appearance`, `1 appearance (non-effective)`, `4 appearances (1 non-effective)`. */
export function appearancesText(appearances: number | null, nonEffective: number | null): string {
  const n = appearances ?? 0;
  const k = nonEffective ?? 0;
  if (n === 0) return "No appearances";
  const base = `${n} appearance${n === 1 ? "" : "s"}`;
  if (k === 0) return base;
  if (n === 1) return `${base} (non-effective)`;
  return k === n ? `${base} (all non-effective)` : `${base} (${k} non-effective)`;
}

/** `1 h 30 min billable · 20 min not billable`; `No time recorded`. */
export function timeText(billable: number | null, unbillable: number | null): string {
  const b = billable ?? 0;
  const u = unbillable ?? 0;
  if (b === 0 && u === 0) return "No time recorded";
  const parts: string[] = [];
  if (b > 0) parts.push(`${formatMinutes(b)} billable`);
  if (u > 0) parts.push(`${formatMinutes(u)} not billable`);
  return parts.join(" · ");
}

/** What the terms form holds: amounts as typed ("" for "not charged that way"). */
export interface TermsFormState {
  currency: string;
  fixed: string;
  perAppearance: string;
  nonEffective: string;
  hourly: string;
}

/** The form for a case's terms, prefilled from the terms it has (or blank, in `currency`). */
export function termsFormOf(t: FeeTerms_Serialize | null | undefined, currency: string): TermsFormState {
  const a = (v: number | null | undefined) => (v === null || v === undefined ? "" : amountText(v));
  return {
    currency: t?.currency ?? currency,
    fixed: a(t?.fixed_minor),
    perAppearance: a(t?.per_appearance_minor),
    nonEffective: a(t?.non_effective_minor),
    hourly: a(t?.hourly_minor),
  };
}

/** What the form sends: blank amounts as null (the core reads the rest). */
export function termsInputOf(f: TermsFormState): TermsForm_Deserialize {
  const v = (s: string) => (s.trim() ? s.trim() : null);
  return { currency: f.currency, fixed: v(f.fixed), per_appearance: v(f.perAppearance), non_effective: v(f.nonEffective), hourly: v(f.hourly) };
}

/** What the time correction form holds. */
export interface TimeFormState {
  /** As typed. */
  date: string;
  duration: string;
  note: string;
  billable: boolean;
}

export function timeFormOf(t: TimeRow_Serialize): TimeFormState {
  return { date: formatDmy(t.date), duration: durationText(t.minutes), note: t.note ?? "", billable: t.billable };
}
