// View logic for bills, statements and the outstanding list, kept out of the
// components so it can be tested: the period a new bill covers by default,
// file names for the save dialog, the chamber's tax rate as the Settings form
// shows it, and totals of what is owed. Amounts stay integer minor units (see
// money.ts); dates are ISO text, compared as text (see dates.ts).

import type { BillDoc_Serialize, BillRow_Serialize, OutstandingRow, StatementDoc_Serialize } from "./bindings";
import { toCoreError } from "./api";
import { addDays, formatDmy, parseIso } from "./dates";
import { formatMoney } from "./money";

/** April 1 of the financial year (April to March) that `today` (ISO) falls in. */
export function financialYearStart(today: string): string {
  const d = parseIso(today);
  if (!d) throw new Error(`not an ISO date: ${today}`);
  const y = d.m >= 4 ? d.y : d.y - 1;
  return `${String(y).padStart(4, "0")}-04-01`;
}

/** The end of the latest period billed and not cancelled (ISO), or null when there is none. */
export function lastBilledTo(bills: readonly BillRow_Serialize[]): string | null {
  let last: string | null = null;
  for (const b of bills) if (!b.voided_at && (last === null || b.to > last)) last = b.to;
  return last;
}

/**
 * The period a new bill covers unless changed (ISO): from the day after the
 * last bill's end when there is one, else from the start of the financial
 * year; to today.
 */
export function defaultBillPeriod(bills: readonly BillRow_Serialize[], today: string): { from: string; to: string } {
  const last = lastBilledTo(bills);
  return { from: last ? addDays(last, 1) : financialYearStart(today), to: today };
}

/** `01-04-2026 to 06-12-2026`; one day once; `up to 06-12-2026` with no start (from the first entry). */
export function periodText(from: string | null | undefined, to: string): string {
  if (!from) return `up to ${formatDmy(to)}`;
  return from === to ? formatDmy(from) : `${formatDmy(from)} to ${formatDmy(to)}`;
}

/** A number or a name made safe as part of a file name: `A-3/2026-27` → `A-3-2026-27`. */
export function fileSafe(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-|-$/g, "");
}

/** `bill-W-P-C-4521-2026-2026-12-06.pdf`: whose (a case number or a client's name), and the day
 * it is issued (its number is given only as it is issued). */
export function billFileName(whose: string, today: string): string {
  const who = fileSafe(whose);
  return who ? `bill-${who}-${today}.pdf` : `bill-${today}.pdf`;
}

/** `statement-Rohan-Kapoor-2026-12-06.pdf`: whose, and to when. */
export function statementFileName(name: string, to: string): string {
  const who = fileSafe(name);
  return who ? `statement-${who}-${to}.pdf` : `statement-${to}.pdf`;
}

/** The tax rate in basis points as the Settings form shows it in percent: 1800 → `18`, 1250 → `12.5`. */
export function rateText(bp: number | null | undefined): string {
  if (bp === null || bp === undefined || !Number.isFinite(bp)) return "";
  const n = Math.trunc(bp);
  const whole = Math.trunc(n / 100);
  const frac = String(Math.abs(n % 100)).padStart(2, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : String(whole);
}

/** What bills say about tax, in words: `GST @ 18% on professional fees` or `no tax line`. */
export function taxLineText(label: string | null | undefined, bp: number | null | undefined): string {
  const l = (label ?? "").trim();
  if (!l || bp === null || bp === undefined || bp <= 0) return "no tax line";
  return `${l} @ ${rateText(bp)}% on professional fees`;
}

/** Amounts owed added up per currency, rupees first: `[{ currency: "INR", minor: 3000000 }]`. */
export function totalsByCurrency(rows: readonly OutstandingRow[]): { currency: string; minor: number }[] {
  const by = new Map<string, number>();
  for (const r of rows) by.set(r.currency, (by.get(r.currency) ?? 0) + (r.due_minor ?? 0));
  return [...by.entries()]
    .map(([currency, minor]) => ({ currency, minor }))
    .sort((a, b) => (a.currency === "INR" ? -1 : b.currency === "INR" ? 1 : a.currency.localeCompare(b.currency)));
}

/** `₹ 30,000.00`, or `₹ 30,000.00 + USD 500.00` across currencies; `₹ 0.00` for nothing. */
export function totalsText(rows: readonly OutstandingRow[]): string {
  const t = totalsByCurrency(rows);
  return t.length ? t.map((x) => formatMoney(x.minor, x.currency)).join(" + ") : formatMoney(0);
}

/** `1 day`, `40 days`. */
export function daysText(days: number | null | undefined): string {
  const n = days ?? 0;
  return `${n} day${n === 1 ? "" : "s"}`;
}

/**
 * The message for an error from a bill or a statement, in plain words. The
 * core's words stand, except where they name another kind of record: its
 * `already_voided` speaks of a fee entry.
 */
export function billErrorText(e: unknown): string {
  const err = toCoreError(e);
  if (err.code === "already_voided") {
    const why = /\((.*)\)\s*$/.exec(err.message)?.[1];
    return why ? `This bill was already cancelled (${why}).` : "This bill was already cancelled.";
  }
  return err.message;
}

/** One figure of a bill's or a statement's totals. */
export interface Total {
  label: string;
  minor: number;
  /** The bottom line (what is due). */
  main?: boolean;
  /** Owed to the chamber (shown in red when above zero). */
  owing?: boolean;
}

const dueTotal = (minor: number, word: string): Total =>
  minor < 0 ? { label: "Paid in advance", minor: -minor, main: true } : { label: word, minor, main: true, owing: minor > 0 };

/** A bill's totals as its last lines print them: brought forward, charged, the tax line, received, due. */
export function billTotals(b: BillDoc_Serialize): Total[] {
  const v = (n: number | null | undefined) => n ?? 0;
  const charged = v(b.fees_minor) + v(b.appearances_minor) + v(b.time_minor) + v(b.expenses_minor);
  const out: Total[] = [
    { label: "Brought forward", minor: v(b.opening_balance_minor) },
    { label: "Charged", minor: charged },
  ];
  if (b.tax) out.push({ label: b.tax.label, minor: v(b.tax.amount_minor) });
  out.push({ label: "Received", minor: v(b.received_minor) }, dueTotal(v(b.due_minor), "Due"));
  return out;
}

/** A statement's totals: brought forward, charged, received, and the balance at its end. */
export function statementTotals(st: StatementDoc_Serialize): Total[] {
  const v = (n: number | null | undefined) => n ?? 0;
  return [
    { label: "Brought forward", minor: v(st.opening_balance_minor) },
    { label: "Charged", minor: v(st.charged_minor) },
    { label: "Received", minor: v(st.received_minor) },
    dueTotal(v(st.closing_balance_minor), "Balance due"),
  ];
}
