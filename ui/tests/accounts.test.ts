import { describe, expect, it } from "vitest";
import type { FeeTerms_Serialize, TimeRow_Serialize } from "../src/lib/bindings";
import {
  appearancesText,
  durationText,
  elapsedSeconds,
  formatElapsed,
  formatMinutes,
  termsFormOf,
  termsInputOf,
  termsInWords,
  timeFormOf,
  timeText,
} from "../src/lib/accounts";

const terms = (t: Partial<FeeTerms_Serialize>): FeeTerms_Serialize => ({
  currency: "INR",
  fixed_minor: null,
  per_appearance_minor: null,
  non_effective_minor: null,
  hourly_minor: null,
  ...t,
});

describe("durations", () => {
  it("reads minutes the way the core writes them", () => {
    expect(formatMinutes(90)).toBe("1 h 30 min");
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(120)).toBe("2 h");
    expect(formatMinutes(0)).toBe("0 min");
    expect(formatMinutes(1440)).toBe("24 h");
    expect(formatMinutes(null)).toBe("");
  });

  it("gives minutes back in a form the duration field takes", () => {
    expect(durationText(90)).toBe("1h30m");
    expect(durationText(45)).toBe("45m");
    expect(durationText(120)).toBe("2h");
    expect(durationText(61)).toBe("1h1m");
    expect(durationText(null)).toBe("");
  });
});

describe("the running timer", () => {
  it("counts whole seconds from its start, whatever the start's offset", () => {
    const start = "2026-12-06T10:00:00+05:30";
    const at = (utc: string) => Date.parse(utc);
    expect(elapsedSeconds(start, at("2026-12-06T04:30:00Z"))).toBe(0);
    expect(elapsedSeconds(start, at("2026-12-06T04:30:59.900Z"))).toBe(59);
    expect(elapsedSeconds(start, at("2026-12-06T06:00:05Z"))).toBe(5405);
    // A start a moment ahead of this clock (another laptop's skew) shows 0, not a negative time.
    expect(elapsedSeconds(start, at("2026-12-06T04:29:00Z"))).toBe(0);
    expect(elapsedSeconds("not a time", at("2026-12-06T04:29:00Z"))).toBe(0);
  });

  it("shows hours, minutes and seconds, ticking", () => {
    expect(formatElapsed(0)).toBe("0:00:00");
    expect(formatElapsed(247)).toBe("0:04:07");
    expect(formatElapsed(5400)).toBe("1:30:00");
    expect(formatElapsed(26 * 3600 + 5)).toBe("26:00:05");
    expect(formatElapsed(-3)).toBe("0:00:00");
  });
});

describe("fee terms", () => {
  it("says the terms in words, in the core's order, with Indian grouping", () => {
    expect(termsInWords(null)).toBe("");
    expect(termsInWords(terms({ per_appearance_minor: 500000 }))).toBe("₹ 5,000.00 per appearance");
    expect(
      termsInWords(terms({ fixed_minor: 5000000, per_appearance_minor: 500000, non_effective_minor: 100000, hourly_minor: 300000 })),
    ).toBe("fixed fee ₹ 50,000.00; ₹ 5,000.00 per appearance (₹ 1,000.00 non-effective); ₹ 3,000.00 an hour");
    // Nothing for a non-effective appearance is a real term; the same amount is not repeated.
    expect(termsInWords(terms({ per_appearance_minor: 500000, non_effective_minor: 0 }))).toBe("₹ 5,000.00 per appearance (₹ 0.00 non-effective)");
    expect(termsInWords(terms({ per_appearance_minor: 500000, non_effective_minor: 500000 }))).toBe("₹ 5,000.00 per appearance");
    expect(termsInWords(terms({ non_effective_minor: 100000 }))).toBe("₹ 1,000.00 per non-effective appearance");
    expect(termsInWords(terms({ currency: "USD", hourly_minor: 25000 }))).toBe("USD 250.00 an hour");
  });

  it("prefills the form from the terms, and sends blanks as null", () => {
    const f = termsFormOf(terms({ per_appearance_minor: 500000, non_effective_minor: 0 }), "USD");
    expect(f).toEqual({ currency: "INR", fixed: "", perAppearance: "5000.00", nonEffective: "0.00", hourly: "" });
    expect(termsFormOf(null, "INR")).toEqual({ currency: "INR", fixed: "", perAppearance: "", nonEffective: "", hourly: "" });
    expect(termsInputOf({ currency: "INR", fixed: " ", perAppearance: " 5,000 ", nonEffective: "0", hourly: "" })).toEqual({
      currency: "INR",
      fixed: null,
      per_appearance: "5,000",
      non_effective: "0",
      hourly: null,
    });
  });
});

describe("the account in words", () => {
  it("counts appearances and the non-effective ones", () => {
    expect(appearancesText(0, 0)).toBe("No appearances");
    expect(appearancesText(1, 0)).toBe("1 appearance");
    expect(appearancesText(1, 1)).toBe("1 appearance (non-effective)");
    expect(appearancesText(4, 1)).toBe("4 appearances (1 non-effective)");
    expect(appearancesText(2, 2)).toBe("2 appearances (all non-effective)");
  });

  it("splits time into billable and not", () => {
    expect(timeText(0, 0)).toBe("No time recorded");
    expect(timeText(90, 0)).toBe("1 h 30 min billable");
    expect(timeText(90, 20)).toBe("1 h 30 min billable · 20 min not billable");
    expect(timeText(0, 45)).toBe("45 min not billable");
  });

  it("prefills the time correction form", () => {
    const row: TimeRow_Serialize = {
      id: "T1",
      case_id: "C1",
      case_number: "CS 1/2026",
      date: "2026-12-06",
      minutes: 95,
      member_id: "M1",
      member: "Adv. Meera Sharma",
      note: null,
      billable: false,
    };
    expect(timeFormOf(row)).toEqual({ date: "06-12-2026", duration: "1h35m", note: "", billable: false });
  });
});
