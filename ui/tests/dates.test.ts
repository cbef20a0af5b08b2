import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  formatDay,
  formatDmy,
  formatLong,
  fromDays,
  parseIso,
  parseTypedDate,
  startOfWeek,
  toDays,
  weekday,
} from "../src/lib/dates";

const TODAY = "2026-11-24"; // a Tuesday, as in the Rust tests

function parse(text: string, today = TODAY): string | null {
  const r = parseTypedDate(text, today);
  return r.ok ? r.iso : null;
}

describe("parseTypedDate mirrors the Rust parser", () => {
  it("parses every documented shape", () => {
    expect(parse("2026-11-23")).toBe("2026-11-23");
    expect(parse("23-11-2026")).toBe("2026-11-23");
    expect(parse("23/11/2026")).toBe("2026-11-23");
    expect(parse("23.11.2026")).toBe("2026-11-23");
    expect(parse("1-2-2027")).toBe("2027-02-01");
    expect(parse("today")).toBe(TODAY);
    expect(parse("  Tomorrow ")).toBe("2026-11-25");
    expect(parse("tom")).toBe("2026-11-25");
    expect(parse("yesterday")).toBe("2026-11-23");
    expect(parse("+3d")).toBe("2026-11-27");
    expect(parse("+3")).toBe("2026-11-27");
    expect(parse("+2w")).toBe("2026-12-08");
    expect(parse("+1m")).toBe("2026-12-24");
    expect(parse("+1y")).toBe("2027-11-24");
    expect(parse("next mon")).toBe("2026-11-30");
    expect(parse("next tue")).toBe("2026-12-01");
    expect(parse("fri")).toBe("2026-11-27");
    expect(parse("Friday")).toBe("2026-11-27");
  });

  it("takes weekdays strictly after today", () => {
    // 2026-11-30 is a Monday: "next mon" and "mon" are a week later.
    expect(parse("next mon", "2026-11-30")).toBe("2026-12-07");
    expect(parse("mon", "2026-11-30")).toBe("2026-12-07");
    expect(parse("tue", "2026-11-30")).toBe("2026-12-01");
  });

  it("adds calendar months, clamping to the month's end", () => {
    expect(parse("+1m", "2026-01-31")).toBe("2026-02-28");
    expect(parse("+1m", "2028-01-31")).toBe("2028-02-29");
    expect(parse("+12m", "2026-03-15")).toBe("2027-03-15");
    expect(addMonths("2026-12-10", 1)).toBe("2027-01-10");
    expect(addMonths("2026-03-31", -1)).toBe("2026-02-28");
  });

  it("rejects impossible and garbage dates", () => {
    for (const bad of ["31-02-2026", "2026-13-01", "30-02-2025", "", "soon", "+x", "+3q", "next holiday", "1-1-99999", "+4000d", "23-11-26"]) {
      expect(parseTypedDate(bad, TODAY).ok, bad).toBe(false);
    }
  });

  it("rejects years outside 1900–2200 but accepts the edges", () => {
    expect(parse("01-01-1899")).toBeNull();
    expect(parse("2201-01-01")).toBeNull();
    expect(parse("01-01-1900")).toBe("1900-01-01");
    expect(parse("31-12-2200")).toBe("2200-12-31");
  });

  it("accepts 29 February only in leap years", () => {
    expect(parse("29-02-2028")).toBe("2028-02-29");
    expect(parse("29-02-2026")).toBeNull();
    expect(parse("29-02-2000")).toBe("2000-02-29");
    expect(parse("29-02-2100")).toBeNull();
  });

  it("gives an error message naming the input", () => {
    const r = parseTypedDate("31-02-2026", TODAY);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/invalid date "31-02-2026"/);
  });
});

describe("calendar arithmetic", () => {
  it("round-trips day numbers", () => {
    expect(toDays({ y: 1970, m: 1, d: 1 })).toBe(0);
    expect(fromDays(toDays({ y: 2026, m: 12, d: 8 }))).toEqual({ y: 2026, m: 12, d: 8 });
    expect(fromDays(-1)).toEqual({ y: 1969, m: 12, d: 31 });
  });

  it("knows weekdays and weeks", () => {
    expect(weekday("2026-12-08")).toBe(1); // Tuesday
    expect(weekday("2026-12-07")).toBe(0); // Monday
    expect(weekday("2026-12-13")).toBe(6); // Sunday
    expect(startOfWeek("2026-12-13")).toBe("2026-12-07");
    expect(startOfWeek("2026-12-07")).toBe("2026-12-07");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
  });

  it("reads only real ISO dates", () => {
    expect(parseIso("2026-02-31")).toBeNull();
    expect(parseIso("08-12-2026")).toBeNull();
    expect(parseIso("2026-12-08")).toEqual({ y: 2026, m: 12, d: 8 });
  });
});

describe("date formatting", () => {
  it("formats the way cause lists print dates", () => {
    expect(formatDmy("2026-12-08")).toBe("08-12-2026");
    expect(formatDay("2026-12-07")).toBe("Mon 07-12-2026");
    expect(formatDay("2026-12-08")).toBe("Tue 08-12-2026");
    expect(formatLong("2026-12-08")).toBe("Tuesday, 8 December 2026");
    expect(formatDmy(null)).toBe("");
    expect(formatDmy("not a date")).toBe("not a date");
  });
});
