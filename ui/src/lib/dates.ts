// Dates as the advocate types them, mirroring the Rust parser in
// crates/diary/src/dates.rs (the backend stays the authority; this gives the
// instant preview). All arithmetic is on plain year/month/day integers, never on
// JavaScript Date objects, so time zones cannot shift a day.

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

export type ParseResult = { ok: true; iso: string } | { ok: false; error: string };

const WEEKDAYS_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAYS_LONG = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

export function isValidYmd(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's algorithm. */
export function toDays({ y, m, d }: Ymd): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function fromDays(n: number): Ymd {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

export function toIso({ y, m, d }: Ymd): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

/** Reads a stored ISO date (`YYYY-MM-DD`); null when it is not one. */
export function parseIso(iso: string | null | undefined): Ymd | null {
  const mt = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? "");
  if (!mt) return null;
  const [y, m, d] = [Number(mt[1]), Number(mt[2]), Number(mt[3])];
  return isValidYmd(y, m, d) ? { y, m, d } : null;
}

function mustIso(iso: string): Ymd {
  const v = parseIso(iso);
  if (!v) throw new Error(`not an ISO date: ${iso}`);
  return v;
}

export function addDays(iso: string, n: number): string {
  return toIso(fromDays(toDays(mustIso(iso)) + n));
}

/** Adds calendar months the way chrono does: the day is clamped to the month's end. */
export function addMonths(iso: string, n: number): string {
  const { y, m, d } = mustIso(iso);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return toIso({ y: ny, m: nm, d: Math.min(d, daysInMonth(ny, nm)) });
}

/** 0 = Monday … 6 = Sunday. */
export function weekday(iso: string): number {
  return (((toDays(mustIso(iso)) + 3) % 7) + 7) % 7;
}

/** The Monday on or before `iso`. */
export function startOfWeek(iso: string): string {
  return addDays(iso, -weekday(iso));
}

const WEEKDAY_NAMES = new Map<string, number>(Object.entries({
  mon: 0,
  monday: 0,
  tue: 1,
  tues: 1,
  tuesday: 1,
  wed: 2,
  wednesday: 2,
  thu: 3,
  thur: 3,
  thurs: 3,
  thursday: 3,
  fri: 4,
  friday: 4,
  sat: 5,
  saturday: 5,
  sun: 6,
  sunday: 6,
}));

/** The first `wd` strictly after `today`. */
function nextWeekday(today: string, wd: number): string {
  let d = addDays(today, 1);
  while (weekday(d) !== wd) d = addDays(d, 1);
  return d;
}

const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

// Whitespace as Rust's `char::is_whitespace` sees it (JavaScript's `\s` and
// `trim` differ: they take U+FEFF and leave U+0085).
const WS = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const EDGE_WS = new RegExp(`^[${WS}]+|[${WS}]+$`, "g");

/** `str::trim` as in Rust. */
function trim(s: string): string {
  return s.replace(EDGE_WS, "");
}

// The numeric fields as chrono reads them: whitespace may come before a number;
// a day or month has 1–2 digits, a year 1–4, or any number after a sign.
const YEAR = `[${WS}]*([+-]\\d+|\\d{1,4})`;
const MD = `[${WS}]*(\\d{1,2})`;
const ISO_SHAPE = new RegExp(`^${YEAR}-${MD}-${MD}$`);
const DMY_SHAPE = new RegExp(`^${MD}([-/.])${MD}\\2${YEAR}$`);

/**
 * Parses a typed date relative to `today` (ISO): the same shapes the backend
 * accepts, read the same way (both are checked against tests/fixtures/dates.json).
 */
export function parseTypedDate(input: string, today: string): ParseResult {
  const bad: ParseResult = {
    ok: false,
    error: `invalid date "${input}": use 2026-11-23, 23-11-2026, today, tomorrow, +3d, +2w or next mon`,
  };
  const s = trim(input).toLowerCase();
  if (!s || !parseIso(today)) return bad;
  const ok = (iso: string): ParseResult => ({ ok: true, iso });
  switch (s) {
    case "today":
    case "tod":
      return ok(today);
    case "tomorrow":
    case "tom":
      return ok(addDays(today, 1));
    case "yesterday":
      return ok(addDays(today, -1));
  }
  if (s.startsWith("+")) {
    const mt = /^(\d+)([\s\S]*)$/.exec(s.slice(1));
    if (!mt) return bad;
    const n = Number(mt[1]);
    if (!Number.isSafeInteger(n) || n > 3660) return bad;
    switch (trim(mt[2])) {
      case "":
      case "d":
      case "day":
      case "days":
        return ok(addDays(today, n));
      case "w":
      case "wk":
      case "week":
      case "weeks":
        return ok(addDays(today, 7 * n));
      case "m":
      case "mo":
      case "month":
      case "months":
        return ok(addMonths(today, n));
      case "y":
      case "year":
      case "years":
        return ok(addMonths(today, 12 * n));
      default:
        return bad;
    }
  }
  if (s.startsWith("next ")) {
    const wd = WEEKDAY_NAMES.get(trim(s.slice(5)));
    return wd === undefined ? bad : ok(nextWeekday(today, wd));
  }
  const wd = WEEKDAY_NAMES.get(s);
  if (wd !== undefined) return ok(nextWeekday(today, wd));

  const checked = (y: number, m: number, d: number): ParseResult =>
    isValidYmd(y, m, d) && y >= MIN_YEAR && y <= MAX_YEAR ? ok(toIso({ y, m, d })) : bad;
  const iso = ISO_SHAPE.exec(s);
  if (iso && isValidYmd(Number(iso[1]), Number(iso[2]), Number(iso[3]))) {
    return checked(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  }
  const dmy = DMY_SHAPE.exec(s);
  if (dmy) return checked(Number(dmy[4]), Number(dmy[3]), Number(dmy[1]));
  return bad;
}

/** `08-12-2026` (the way cause lists print dates); "" for nothing, the input for non-dates. */
export function formatDmy(iso: string | null | undefined): string {
  if (!iso) return "";
  const v = parseIso(iso);
  return v ? `${pad(v.d)}-${pad(v.m)}-${pad(v.y, 4)}` : iso;
}

/** A local moment `2026-12-06T19:43:07` as `06-12-2026 at 19:43`. */
export function formatMoment(local: string): string {
  const [date, time = ""] = local.split("T");
  return `${formatDmy(date)} at ${time.slice(0, 5)}`;
}

/** `Mon 08-12-2026`. */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return "";
  const v = parseIso(iso);
  return v ? `${WEEKDAYS_SHORT[weekday(iso)]} ${formatDmy(iso)}` : iso;
}

/** `Monday, 8 December 2026`. */
export function formatLong(iso: string | null | undefined): string {
  if (!iso) return "";
  const v = parseIso(iso);
  return v ? `${WEEKDAYS_LONG[weekday(iso)]}, ${v.d} ${MONTHS[v.m - 1]} ${v.y}` : iso;
}

export function monthName(m: number): string {
  return MONTHS[m - 1] ?? "";
}

export const WEEKDAY_HEADERS = WEEKDAYS_SHORT;

/** A local date-time for an epoch-seconds timestamp: `08-12-2026 14:05`. */
export function formatEpoch(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "";
  const t = new Date(seconds * 1000);
  if (Number.isNaN(t.getTime())) return "";
  return `${pad(t.getDate())}-${pad(t.getMonth() + 1)}-${t.getFullYear()} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** An RFC 3339 timestamp or ISO date shown as `08-12-2026` (+ time when there is one). */
export function formatStamp(text: string | null | undefined): string {
  if (!text) return "";
  if (parseIso(text)) return formatDmy(text);
  const t = new Date(text);
  if (Number.isNaN(t.getTime())) return text;
  return formatEpoch(Math.floor(t.getTime() / 1000));
}

/** Today on this computer, as ISO (used until the backend tells its own). */
export function localToday(now: Date = new Date()): string {
  return toIso({ y: now.getFullYear(), m: now.getMonth() + 1, d: now.getDate() });
}
