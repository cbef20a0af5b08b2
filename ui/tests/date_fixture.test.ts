// The typed-date parser against the fixture shared with the core
// (tests/fixtures/dates.json, also read by crates/diary/tests/date_fixture.rs), so
// the instant preview reads every date the way the core will.
import { describe, expect, it } from "vitest";
import { parseTypedDate } from "../src/lib/dates";
import fixture from "../../tests/fixtures/dates.json";

interface FixtureCase {
  today: string;
  input: string;
  expected?: string;
  error?: boolean;
  note?: string;
}

const cases = fixture as FixtureCase[];

describe("shared date fixture", () => {
  it("is complete", () => {
    expect(cases.length).toBeGreaterThan(50);
    for (const c of cases) expect(c.expected === undefined, JSON.stringify(c)).toBe(c.error === true);
  });

  it.each(cases.map((c) => [JSON.stringify(c.input), c.today, c] as const))("%s on %s", (_, __, c) => {
    const got = parseTypedDate(c.input, c.today);
    if (c.error) expect(got.ok, JSON.stringify(got)).toBe(false);
    else expect(got).toEqual({ ok: true, iso: c.expected });
  });
});
