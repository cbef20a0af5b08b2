// View logic for correcting a case's tasks and fees, kept out of the dialogs so
// it can be tested: payment modes and currencies as the forms offer them, and
// the edits a form sends (only the fields the person changed, so a correction
// never writes back a value another device has changed meanwhile).

import type { FeeEditInput_Deserialize, FeeKind, FeeRow_Serialize, PaymentMode, TaskEditInput_Deserialize, TaskRow_Serialize } from "./bindings";
import { formatDmy } from "./dates";

/** The payment modes, in the order the forms offer them. */
export const PAYMENT_MODES: { value: PaymentMode; label: string }[] = [
  { value: "cash", label: "Cash" },
  { value: "upi", label: "UPI" },
  { value: "cheque", label: "Cheque" },
  { value: "bank_transfer", label: "Bank transfer" },
  { value: "card", label: "Card" },
];

/** Currencies offered first; any other three-letter code an entry has is kept. */
export const CURRENCIES = ["INR", "USD", "EUR", "GBP", "AED", "SGD"];

/** The currencies to offer for an entry in `current`. */
export function currencyChoices(current: string): string[] {
  return CURRENCIES.includes(current) ? CURRENCIES : [...CURRENCIES, current];
}

/** A stored mode (`UPI`, `bank transfer`) as the select's value; "" for none or
 * for text written before modes were checked. */
export function paymentModeOf(stored: string | null | undefined): PaymentMode | "" {
  const key = (stored ?? "").trim().toLowerCase().replace(/\s+/g, "_");
  return PAYMENT_MODES.some((m) => m.value === key) ? (key as PaymentMode) : "";
}

/** A stored mode for people: `UPI`, `Bank transfer`; older free text as it is. */
export function paymentModeLabel(stored: string | null | undefined): string {
  const v = paymentModeOf(stored);
  return v ? PAYMENT_MODES.find((m) => m.value === v)!.label : (stored ?? "");
}

/** The amount label's unit: ₹ for rupees, else the code. */
export function currencyUnit(currency: string): string {
  return currency === "INR" ? "₹" : currency;
}

/** Minor units as plain text to edit: 150050 → "1500.50". */
export function amountText(minor: number | null): string {
  if (minor === null || !Number.isFinite(minor)) return "";
  const n = Math.trunc(Math.abs(minor));
  const s = String(n).padStart(3, "0");
  return `${minor < 0 ? "-" : ""}${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** What the fee correction form holds. */
export interface FeeForm {
  kind: FeeKind;
  amount: string;
  currency: string;
  /** As typed. */
  date: string;
  mode: PaymentMode | "";
  remark: string;
}

export function feeFormOf(f: FeeRow_Serialize): FeeForm {
  return {
    kind: f.kind as FeeKind,
    amount: amountText(f.amount_minor),
    currency: f.currency,
    date: formatDmy(f.date),
    mode: paymentModeOf(f.mode),
    remark: f.remark ?? "",
  };
}

/** The correction a fee form asks for: only what differs from the entry; null when nothing does. */
export function feeEditOf(f: FeeRow_Serialize, form: FeeForm): FeeEditInput_Deserialize | null {
  const was = feeFormOf(f);
  const edit: FeeEditInput_Deserialize = {};
  if (form.kind !== was.kind) edit.kind = form.kind;
  if (form.amount.trim() !== was.amount) edit.amount = form.amount.trim();
  if (form.currency !== was.currency) edit.currency = form.currency;
  if (form.date.trim() !== was.date) edit.date = form.date.trim();
  if (form.mode !== was.mode) edit.mode = form.mode;
  if (form.remark.trim() !== was.remark.trim()) edit.remark = form.remark.trim();
  return Object.keys(edit).length ? edit : null;
}

/** What the task correction form holds. */
export interface TaskForm {
  title: string;
  /** As typed. */
  due: string;
  /** A member's id, or "" for nobody. */
  assignee: string;
}

export function taskFormOf(t: TaskRow_Serialize): TaskForm {
  return { title: t.title, due: formatDmy(t.due), assignee: t.assignee ?? "" };
}

/** The correction a task form asks for: only what differs; null when nothing does. */
export function taskEditOf(t: TaskRow_Serialize, form: TaskForm): TaskEditInput_Deserialize | null {
  const was = taskFormOf(t);
  const edit: TaskEditInput_Deserialize = {};
  if (form.title.trim() !== was.title) edit.title = form.title.trim();
  if (form.due.trim() !== was.due) edit.due = form.due.trim();
  if (form.assignee !== was.assignee) edit.assignee = form.assignee;
  return Object.keys(edit).length ? edit : null;
}

/** A member's name by id; the id itself for someone no longer in the chamber. */
export function memberName(members: { id: string; name: string }[], id: string | null | undefined): string {
  if (!id) return "";
  return members.find((m) => m.id === id)?.name ?? id;
}
