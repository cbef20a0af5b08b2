import { describe, expect, it } from "vitest";
import type { CaseSummary_Serialize, HearingRow_Serialize } from "../src/lib/bindings";
import {
  buildMonthGrid,
  buildWeek,
  filterCases,
  latestHearing,
  monthGridRange,
  moveIndex,
  parseItem,
  timeline,
} from "../src/lib/view";
import { parseRoute, routeHash, sectionOf } from "../src/lib/router";

describe("month grid", () => {
  it("starts weeks on Monday with leading and trailing days", () => {
    // December 2026 starts on a Tuesday and ends on a Thursday.
    const g = buildMonthGrid(2026, 12, [], "2026-12-08");
    expect(g.weeks.length).toBe(5);
    expect(g.weeks.every((w) => w.length === 7)).toBe(true);
    expect(g.weeks[0][0].iso).toBe("2026-11-30");
    expect(g.weeks[0][0].inMonth).toBe(false);
    expect(g.weeks[0][1].iso).toBe("2026-12-01");
    expect(g.weeks[0][1].inMonth).toBe(true);
    expect(g.weeks[4][6].iso).toBe("2027-01-03");
    expect(g.weeks[4][6].inMonth).toBe(false);
    expect(g.weeks.flat().filter((c) => c.isToday).map((c) => c.iso)).toEqual(["2026-12-08"]);
  });

  it("puts counts on their days, including neighbouring months", () => {
    const g = buildMonthGrid(2026, 12, [
      { date: "2026-12-17", hearings: 3 },
      { date: "2026-11-30", hearings: 1 },
      { date: "2026-12-17", hearings: 2 },
    ]);
    const cell = (iso: string) => g.weeks.flat().find((c) => c.iso === iso)!;
    expect(cell("2026-12-17").count).toBe(5);
    expect(cell("2026-11-30").count).toBe(1);
    expect(cell("2026-12-18").count).toBe(0);
  });

  it("needs six weeks for a long month starting on Sunday, four for a tidy February", () => {
    expect(buildMonthGrid(2026, 3, []).weeks.length).toBe(6); // 1 March 2026 is a Sunday
    expect(buildMonthGrid(2027, 2, []).weeks.length).toBe(4); // 1 February 2027 is a Monday
    expect(monthGridRange(2027, 2)).toEqual({ from: "2027-02-01", to: "2027-02-28" });
  });

  it("builds the week around a date", () => {
    const w = buildWeek("2026-12-10", [{ date: "2026-12-13", hearings: 4 }]);
    expect(w.map((c) => c.iso)).toEqual([
      "2026-12-07",
      "2026-12-08",
      "2026-12-09",
      "2026-12-10",
      "2026-12-11",
      "2026-12-12",
      "2026-12-13",
    ]);
    expect(w[6].count).toBe(4);
    expect(w[0].count).toBe(0);
  });
});

describe("grouping and sorting", () => {
  it("finds the latest hearing and orders the timeline newest first", () => {
    const h = (id: string, date: string): HearingRow_Serialize => ({ id, date, item: null, purpose: null, outcome: null, next_date: null, disposed: false, recorded: false, non_effective: false });
    const hs = [h("a", "2026-10-01"), h("c", "2026-12-17"), h("b", "2026-12-03")];
    expect(latestHearing(hs)?.id).toBe("c");
    expect(latestHearing([])).toBeNull();
    expect(timeline(hs).map((x) => x.id)).toEqual(["c", "b", "a"]);
  });

  it("filters cases by text or by full-text hits, keeping order", () => {
    const c = (id: string, number: string, title: string): CaseSummary_Serialize => ({
      id,
      number,
      title,
      court: "Delhi High Court",
      cnr: null,
      status: "pending",
      stage: null,
      latest_date: null,
    });
    const cases = [c("1", "CRL.A. 123/2024", "Sunita Devi v. State"), c("2", "W.P.(C) 5/2026", "Bose v. DDA"), c("3", "CS 7/2025", "Kapoor v. Mehta")];
    expect(filterCases(cases, "", null).length).toBe(3);
    expect(filterCases(cases, "123/2024", null).map((x) => x.id)).toEqual(["1"]);
    expect(filterCases(cases, "bose dda", null).map((x) => x.id)).toEqual(["2"]);
    expect(filterCases(cases, "ramesh", new Set(["3", "1"])).map((x) => x.id)).toEqual(["1", "3"]);
    expect(filterCases(cases, "nothing", new Set()).length).toBe(0);
  });

  it("moves through lists with wrap-around", () => {
    expect(moveIndex(-1, 1, 3)).toBe(0);
    expect(moveIndex(-1, -1, 3)).toBe(2);
    expect(moveIndex(2, 1, 3)).toBe(0);
    expect(moveIndex(0, -1, 3)).toBe(2);
    expect(moveIndex(0, 1, 0)).toBe(-1);
  });

  it("reads item numbers", () => {
    expect(parseItem("")).toEqual({ ok: true, value: null });
    expect(parseItem(" 14 ")).toEqual({ ok: true, value: 14 });
    expect(parseItem("0").ok).toBe(false);
    expect(parseItem("1.5").ok).toBe(false);
    expect(parseItem("abc").ok).toBe(false);
  });
});

describe("routes", () => {
  it("parses and prints hash routes", () => {
    expect(parseRoute("")).toEqual({ page: "today" });
    expect(parseRoute("#/cases/01JABC")).toEqual({ page: "case", id: "01JABC" });
    expect(parseRoute("#/cases/01JABC/edit")).toEqual({ page: "case-edit", id: "01JABC" });
    expect(parseRoute("#/cases/new")).toEqual({ page: "case-new" });
    expect(parseRoute("#/diary/2026-12-08/month")).toEqual({ page: "diary", date: "2026-12-08", view: "month" });
    expect(parseRoute("#/diary")).toEqual({ page: "diary", date: null, view: "day" });
    expect(routeHash({ page: "client", id: "X 1" })).toBe("#/clients/X%201");
    expect(parseRoute(routeHash({ page: "client", id: "X 1" }))).toEqual({ page: "client", id: "X 1" });
    expect(sectionOf({ page: "case-edit", id: "x" })).toBe("cases");
  });

  it("routes the print and data pages, keeping only a well-formed print date", () => {
    expect(parseRoute("#/print/2026-11-25")).toEqual({ page: "print", date: "2026-11-25" });
    expect(parseRoute("#/print/25-11-2026")).toEqual({ page: "print", date: null });
    expect(routeHash({ page: "print", date: "2026-11-25" })).toBe("#/print/2026-11-25");
    expect(routeHash({ page: "print", date: null })).toBe("#/print");
    expect(parseRoute("#/data")).toEqual({ page: "data" });
    expect(sectionOf({ page: "data" })).toBe("data");
  });
});
