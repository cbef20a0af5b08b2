import { describe, expect, it } from "vitest";
import type { BillDoc_Serialize, BillRow_Serialize, OutstandingRow, StatementDoc_Serialize } from "../src/lib/bindings";
import { CoreError } from "../src/lib/api";
import {
  billErrorText,
  billFileName,
  billTotals,
  daysText,
  defaultBillPeriod,
  fileSafe,
  financialYearStart,
  lastBilledTo,
  periodText,
  rateText,
  statementFileName,
  statementTotals,
  taxLineText,
  totalsByCurrency,
  totalsText,
} from "../src/lib/bills";

const bill = (from: string, to: string, voided: string | null = null): BillRow_Serialize => ({
  id: `${from}:${to}`,
  owner_id: "case-1",
  scope: "case",
  number: "A-1/2026-27",
  from,
  to,
  issued_on: to,
  currency: "INR",
  due_minor: 100,
  voided_at: voided,
  void_reason: voided ? "Wrong period" : null,
});

const row = (currency: string, due: number): OutstandingRow => ({
  id: `${currency}${due}`,
  label: "x",
  clients: "",
  currency,
  due_minor: due,
  due_since: "2026-04-01",
  days: 3,
});

describe("the financial year", () => {
  it("starts on April 1 of the year for April to December, of the year before for January to March", () => {
    expect(financialYearStart("2026-12-06")).toBe("2026-04-01");
    expect(financialYearStart("2026-04-01")).toBe("2026-04-01");
    expect(financialYearStart("2026-03-31")).toBe("2025-04-01");
    expect(financialYearStart("2027-01-01")).toBe("2026-04-01");
  });

  it("refuses what is not a date", () => {
    expect(() => financialYearStart("06-12-2026")).toThrow();
  });
});

describe("the period a new bill covers", () => {
  it("runs from the start of the financial year to today when nothing was billed", () => {
    expect(defaultBillPeriod([], "2026-12-06")).toEqual({ from: "2026-04-01", to: "2026-12-06" });
    expect(defaultBillPeriod([], "2027-02-10")).toEqual({ from: "2026-04-01", to: "2027-02-10" });
  });

  it("starts the day after the last bill ends, whatever order the bills come in", () => {
    const bills = [bill("2026-07-01", "2026-09-30"), bill("2026-04-01", "2026-06-30")];
    expect(lastBilledTo(bills)).toBe("2026-09-30");
    expect(defaultBillPeriod(bills, "2026-12-06")).toEqual({ from: "2026-10-01", to: "2026-12-06" });
  });

  it("crosses months and years", () => {
    expect(defaultBillPeriod([bill("2026-04-01", "2026-12-31")], "2027-01-15")).toEqual({ from: "2027-01-01", to: "2027-01-15" });
    expect(defaultBillPeriod([bill("2024-01-01", "2024-02-28")], "2024-03-10").from).toBe("2024-02-29");
  });

  it("leaves cancelled bills out: their period can be billed again", () => {
    const bills = [bill("2026-07-01", "2026-11-30", "2026-12-01T10:00:00+05:30"), bill("2026-04-01", "2026-06-30")];
    expect(lastBilledTo(bills)).toBe("2026-06-30");
    expect(defaultBillPeriod(bills, "2026-12-06").from).toBe("2026-07-01");
    expect(lastBilledTo([bill("2026-04-01", "2026-06-30", "2026-07-02T09:00:00Z")])).toBeNull();
    expect(defaultBillPeriod([bill("2026-04-01", "2026-06-30", "2026-07-02T09:00:00Z")], "2026-12-06").from).toBe("2026-04-01");
  });
});

describe("words and file names", () => {
  it("writes periods the way cause lists write dates", () => {
    expect(periodText("2026-04-01", "2026-12-06")).toBe("01-04-2026 to 06-12-2026");
    expect(periodText("2026-12-06", "2026-12-06")).toBe("06-12-2026");
    expect(periodText(null, "2026-12-06")).toBe("up to 06-12-2026");
  });

  it("makes numbers and names safe as file names", () => {
    expect(fileSafe("A-3/2026-27")).toBe("A-3-2026-27");
    expect(fileSafe("W.P.(C) 4521/2026")).toBe("W-P-C-4521-2026");
    expect(billFileName("W.P.(C) 4521/2026", "2026-12-06")).toBe("bill-W-P-C-4521-2026-2026-12-06.pdf");
    expect(billFileName("", "2026-12-06")).toBe("bill-2026-12-06.pdf");
    expect(statementFileName("Rohan Kapoor", "2026-12-06")).toBe("statement-Rohan-Kapoor-2026-12-06.pdf");
    expect(statementFileName("सुनीता देवी", "2026-12-06")).toBe("statement-2026-12-06.pdf");
  });

  it("counts days", () => {
    expect(daysText(1)).toBe("1 day");
    expect(daysText(0)).toBe("0 days");
    expect(daysText(40)).toBe("40 days");
  });
});

describe("the tax line", () => {
  it("shows a rate in basis points as percent, as typed", () => {
    expect(rateText(1800)).toBe("18");
    expect(rateText(1250)).toBe("12.5");
    expect(rateText(1825)).toBe("18.25");
    expect(rateText(5)).toBe("0.05");
    expect(rateText(0)).toBe("0");
    expect(rateText(null)).toBe("");
  });

  it("says what bills carry, and no tax line unless both a label and a rate are set", () => {
    expect(taxLineText("GST", 1800)).toBe("GST @ 18% on professional fees");
    expect(taxLineText("GST", null)).toBe("no tax line");
    expect(taxLineText(null, 1800)).toBe("no tax line");
    expect(taxLineText("  ", 1800)).toBe("no tax line");
    expect(taxLineText("GST", 0)).toBe("no tax line");
  });
});

describe("totals", () => {
  it("adds up what is owed per currency, rupees first", () => {
    const rows = [row("USD", 50000), row("INR", 3000000), row("INR", 150000050), row("EUR", 100)];
    expect(totalsByCurrency(rows)).toEqual([
      { currency: "INR", minor: 153000050 },
      { currency: "EUR", minor: 100 },
      { currency: "USD", minor: 50000 },
    ]);
    expect(totalsText(rows)).toBe("₹ 15,30,000.50 + EUR 1.00 + USD 500.00");
    expect(totalsText([])).toBe("₹ 0.00");
  });

  const doc = (b: Partial<BillDoc_Serialize>): BillDoc_Serialize => ({
    number: "DRAFT",
    date: "2026-12-06",
    chamber_name: "Sharma Chambers",
    chamber_address: null,
    gstin: null,
    advocate: "Adv. Meera Sharma",
    client_name: "Anita Desai",
    client_address: null,
    matter: "O.A. 310/2026",
    from: "2026-04-01",
    to: "2026-12-06",
    currency: "INR",
    opening_balance_minor: 0,
    lines: [],
    fees_minor: 0,
    appearances_minor: 0,
    appearance_count: 0,
    non_effective_count: 0,
    time_minor: 0,
    billable_minutes: 0,
    expenses_minor: 0,
    tax: null,
    received_minor: 0,
    due_minor: 0,
    cancelled: null,
    ...b,
  });

  it("gives a bill's bottom lines: brought forward, charged, tax, received, due", () => {
    const t = billTotals(
      doc({
        opening_balance_minor: 100000,
        fees_minor: 5000000,
        appearances_minor: 1000000,
        time_minor: 250000,
        expenses_minor: 50000,
        tax: { label: "GST @ 18%", on_minor: 6250000, amount_minor: 1125000 },
        received_minor: 2000000,
        due_minor: 5525000,
      }),
    );
    expect(t.map((x) => [x.label, x.minor])).toEqual([
      ["Brought forward", 100000],
      ["Charged", 6300000],
      ["GST @ 18%", 1125000],
      ["Received", 2000000],
      ["Due", 5525000],
    ]);
    expect(t.at(-1)).toMatchObject({ main: true, owing: true });
  });

  it("leaves the tax line out when there is none, and says paid in advance for a credit", () => {
    const t = billTotals(doc({ received_minor: 500000, due_minor: -500000 }));
    expect(t.map((x) => x.label)).toEqual(["Brought forward", "Charged", "Received", "Paid in advance"]);
    expect(t.at(-1)).toMatchObject({ minor: 500000, main: true });
    expect(t.at(-1)?.owing).toBeFalsy();
    expect(billTotals(doc({})).at(-1)).toMatchObject({ label: "Due", minor: 0, owing: false });
  });

  it("gives a statement's closing balance", () => {
    const st: StatementDoc_Serialize = {
      date: "2026-12-06",
      chamber_name: "Sharma Chambers",
      chamber_address: null,
      advocate: "Adv. Meera Sharma",
      client_name: "Anita Desai",
      client_address: null,
      from: null,
      to: "2026-12-06",
      currency: "INR",
      opening_balance_minor: 0,
      lines: [],
      charged_minor: 5000000,
      received_minor: 2000000,
      closing_balance_minor: 3000000,
    };
    expect(statementTotals(st).map((x) => [x.label, x.minor])).toEqual([
      ["Brought forward", 0],
      ["Charged", 5000000],
      ["Received", 2000000],
      ["Balance due", 3000000],
    ]);
  });
});

describe("errors from bills", () => {
  it("keeps the core's words", () => {
    const e = new CoreError("empty_period", "nothing was charged to or received from Anita Desai between 01-04-2026 and 06-12-2026");
    expect(billErrorText(e)).toBe(e.message);
    expect(billErrorText({ code: "out_of_range", message: "bill A-1/2026-27 already covers 01-04-2026 to 06-12-2026; cancel it first, or bill a period after it" })).toMatch(
      /^bill A-1\/2026-27 already covers/,
    );
  });

  it("speaks of a bill, not a fee entry, when it was already cancelled", () => {
    expect(billErrorText(new CoreError("already_voided", "that fee entry was already voided (Wrong period)"))).toBe(
      "This bill was already cancelled (Wrong period).",
    );
    expect(billErrorText(new CoreError("already_voided", "that fee entry was already voided"))).toBe("This bill was already cancelled.");
  });
});
