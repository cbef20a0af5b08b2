import { describe, expect, it } from "vitest";
import { parseRoute, routeHash, sectionForKey, sectionOf, SECTIONS } from "../src/lib/router";

describe("routes", () => {
  it("reads and writes the Outstanding screen's address", () => {
    expect(parseRoute("#/outstanding")).toEqual({ page: "outstanding" });
    expect(routeHash({ page: "outstanding" })).toBe("#/outstanding");
    expect(sectionOf({ page: "outstanding" })).toBe("outstanding");
  });

  it("gives every section's address back as itself", () => {
    for (const s of SECTIONS) {
      const r = s.id === "diary" ? { page: "diary" as const, date: null, view: "day" as const } : ({ page: s.id } as never);
      expect(sectionOf(parseRoute(routeHash(r)))).toBe(s.id);
    }
  });
});

describe("the sidebar's Alt shortcuts", () => {
  it("number the sections 1 to 9 in order, Outstanding after Clients", () => {
    expect(SECTIONS.map((s) => s.key)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(SECTIONS.map((s) => s.id)).toEqual(["today", "diary", "cases", "clients", "outstanding", "print", "data", "sync", "settings"]);
  });

  it("open the section of their digit, and nothing for others", () => {
    expect(sectionForKey("5")).toBe("outstanding");
    expect(sectionForKey("4")).toBe("clients");
    expect(sectionForKey("9")).toBe("settings");
    expect(sectionForKey("0")).toBeNull();
    expect(sectionForKey("x")).toBeNull();
  });
});
