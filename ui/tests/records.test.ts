import { describe, expect, it } from "vitest";
import type { FeeRow_Serialize, TaskRow_Serialize } from "../src/lib/bindings";
import {
  amountText,
  currencyChoices,
  feeEditOf,
  feeFormOf,
  memberName,
  paymentModeLabel,
  paymentModeOf,
  taskEditOf,
  taskFormOf,
} from "../src/lib/records";

const fee: FeeRow_Serialize = {
  id: "F1",
  case_id: "C1",
  kind: "received",
  amount_minor: 150050,
  currency: "INR",
  date: "2031-04-10",
  mode: "bank transfer",
  remark: "First instalment",
  voided_at: null,
  void_reason: null,
  receipt_number: null,
};

const task: TaskRow_Serialize = {
  id: "T1",
  case_id: "C1",
  case_number: "CRL.A. 1/2031",
  title: "File written submissions",
  due: "2031-04-12",
  assignee: null,
  assignee_name: null,
  done: false,
};

describe("payment modes", () => {
  it("reads stored modes back as the select's values and labels", () => {
    expect(paymentModeOf("UPI")).toBe("upi");
    expect(paymentModeOf("bank transfer")).toBe("bank_transfer");
    expect(paymentModeOf("cash")).toBe("cash");
    expect(paymentModeOf(null)).toBe("");
    expect(paymentModeOf("paid at the counter")).toBe("");
    expect(paymentModeLabel("bank transfer")).toBe("Bank transfer");
    expect(paymentModeLabel("UPI")).toBe("UPI");
    expect(paymentModeLabel("paid at the counter")).toBe("paid at the counter");
    expect(paymentModeLabel(null)).toBe("");
  });

  it("keeps an entry's own currency among the choices", () => {
    expect(currencyChoices("INR")).not.toContain("JPY");
    expect(currencyChoices("JPY")).toContain("JPY");
  });
});

describe("fee corrections", () => {
  it("writes amounts as plain text to edit", () => {
    expect(amountText(150050)).toBe("1500.50");
    expect(amountText(5)).toBe("0.05");
    expect(amountText(100000000)).toBe("1000000.00");
    expect(amountText(null)).toBe("");
  });

  it("sends nothing when nothing was changed", () => {
    expect(feeEditOf(fee, feeFormOf(fee))).toBeNull();
    expect(feeEditOf(fee, { ...feeFormOf(fee), remark: " First instalment " })).toBeNull();
  });

  it("sends only the fields changed, and clears with empty text", () => {
    expect(feeEditOf(fee, { ...feeFormOf(fee), amount: "2,000" })).toEqual({ amount: "2,000" });
    expect(feeEditOf(fee, { ...feeFormOf(fee), mode: "upi", date: "11-04-2031" })).toEqual({ mode: "upi", date: "11-04-2031" });
    expect(feeEditOf(fee, { ...feeFormOf(fee), mode: "", remark: "" })).toEqual({ mode: "", remark: "" });
    expect(feeEditOf(fee, { ...feeFormOf(fee), kind: "agreed", currency: "USD" })).toEqual({ kind: "agreed", currency: "USD" });
  });
});

describe("task corrections", () => {
  it("sends nothing when nothing was changed, else only what was", () => {
    expect(taskFormOf(task)).toEqual({ title: "File written submissions", due: "12-04-2031", assignee: "" });
    expect(taskEditOf(task, taskFormOf(task))).toBeNull();
    expect(taskEditOf(task, { ...taskFormOf(task), due: "" })).toEqual({ due: "" });
    expect(taskEditOf(task, { ...taskFormOf(task), assignee: "M1", title: " File reply " })).toEqual({ assignee: "M1", title: "File reply" });
  });

  it("names members, and keeps the id of one who left", () => {
    const members = [{ id: "M1", name: "Adv. Meera Sharma" }];
    expect(memberName(members, "M1")).toBe("Adv. Meera Sharma");
    expect(memberName(members, "M9")).toBe("M9");
    expect(memberName(members, null)).toBe("");
  });
});
