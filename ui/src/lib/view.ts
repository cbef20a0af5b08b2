// View logic kept out of the components so it can be tested: calendar grids,
// board sizes and timelines, case filtering, keyboard list movement.

import type { CaseSummary_Serialize, CourtGroup_Serialize, DayCount, HearingRow_Serialize } from "./bindings";
import { addDays, daysInMonth, parseIso, startOfWeek, toIso, weekday } from "./dates";

export interface DayCell {
  iso: string;
  day: number;
  inMonth: boolean;
  count: number;
  isToday: boolean;
  weekday: number;
}

export interface MonthGrid {
  year: number;
  month: number;
  weeks: DayCell[][];
  from: string;
  to: string;
}

function countsByDate(counts: DayCount[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of counts) m.set(c.date, (m.get(c.date) ?? 0) + (c.hearings ?? 0));
  return m;
}

/** The dates a month grid covers: from the Monday on or before the 1st to the Sunday on or after the last day. */
export function monthGridRange(year: number, month: number): { from: string; to: string } {
  const first = toIso({ y: year, m: month, d: 1 });
  const last = toIso({ y: year, m: month, d: daysInMonth(year, month) });
  const from = startOfWeek(first);
  const to = addDays(last, 6 - weekday(last));
  return { from, to };
}

/** A month as weeks starting on Monday, with the leading and trailing days of the neighbouring months. */
export function buildMonthGrid(year: number, month: number, counts: DayCount[], today = ""): MonthGrid {
  const { from, to } = monthGridRange(year, month);
  const byDate = countsByDate(counts);
  const weeks: DayCell[][] = [];
  let d = from;
  while (d <= to) {
    const week: DayCell[] = [];
    for (let i = 0; i < 7; i++) {
      const v = parseIso(d)!;
      week.push({ iso: d, day: v.d, inMonth: v.m === month && v.y === year, count: byDate.get(d) ?? 0, isToday: d === today, weekday: i });
      d = addDays(d, 1);
    }
    weeks.push(week);
  }
  return { year, month, weeks, from, to };
}

/** The Monday-to-Sunday week around `iso`, with counts. */
export function buildWeek(iso: string, counts: DayCount[], today = ""): DayCell[] {
  const byDate = countsByDate(counts);
  const start = startOfWeek(iso);
  return Array.from({ length: 7 }, (_, i) => {
    const d = addDays(start, i);
    return { iso: d, day: parseIso(d)!.d, inMonth: true, count: byDate.get(d) ?? 0, isToday: d === today, weekday: i };
  });
}

export function boardSize(courts: CourtGroup_Serialize[]): number {
  return courts.reduce((n, g) => n + g.hearings.length, 0);
}

/** The hearing with the latest date (the one "Record latest" acts on). */
export function latestHearing<T extends { date: string }>(hearings: T[]): T | null {
  let best: T | null = null;
  for (const h of hearings) if (!best || h.date > best.date) best = h;
  return best;
}

/** Timeline order: newest first. */
export function timeline(hearings: HearingRow_Serialize[]): HearingRow_Serialize[] {
  return [...hearings].sort((a, b) => (a.date === b.date ? a.id.localeCompare(b.id) : a.date < b.date ? 1 : -1));
}

function fold(s: string | null | undefined): string {
  return (s ?? "").toLocaleLowerCase();
}

/** Whether a case matches typed text directly (number, title, court, CNR, stage). */
function caseMatchesText(c: CaseSummary_Serialize, text: string): boolean {
  const words = fold(text).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = [c.number, c.title, c.court, c.cnr, c.stage].map(fold).join(" ");
  return words.every((w) => hay.includes(w));
}

/**
 * The case list narrowed by the filter box: cases that match the text directly
 * (instant) or that the backend's full-text search found (`hitIds`: parties,
 * notes, clients), keeping the list's own order.
 */
export function filterCases(cases: CaseSummary_Serialize[], text: string, hitIds: Set<string> | null): CaseSummary_Serialize[] {
  if (!text.trim()) return cases;
  return cases.filter((c) => caseMatchesText(c, text) || (hitIds?.has(c.id) ?? false));
}

/** Moves a highlighted index through a list of `len` items, wrapping around; -1 when empty. */
export function moveIndex(i: number, delta: number, len: number): number {
  if (len <= 0) return -1;
  if (i < 0) return delta > 0 ? 0 : len - 1;
  return (((i + delta) % len) + len) % len;
}

/** Parses an item number field: empty → null, a positive whole number → it, otherwise an error. */
export function parseItem(text: string): { ok: true; value: number | null } | { ok: false; error: string } {
  const s = text.trim();
  if (!s) return { ok: true, value: null };
  if (!/^\d{1,6}$/.test(s) || Number(s) === 0) return { ok: false, error: `item number "${s}" must be a whole number above 0` };
  return { ok: true, value: Number(s) };
}

export const PARTY_SIDES = ["petitioner", "respondent", "appellant", "plaintiff", "defendant", "complainant", "accused", "applicant"];
export const CASE_STATUSES = ["pending", "disposed", "transferred"];
export const FEE_KINDS = ["agreed", "received", "expense"] as const;

export function capitalise(s: string | null | undefined): string {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : "";
}
