// Money arrives as integer minor units (paise). Formatting works on the digits as
// text, so no amount ever passes through a float.

/** Groups whole-number digits the Indian way: 1,50,00,000. */
export function groupIndian(digits: string): string {
  if (digits.length <= 3) return digits;
  const last3 = digits.slice(-3);
  let rest = digits.slice(0, -3);
  const parts: string[] = [];
  while (rest.length > 2) {
    parts.unshift(rest.slice(-2));
    rest = rest.slice(0, -2);
  }
  if (rest) parts.unshift(rest);
  return `${parts.join(",")},${last3}`;
}

/** `150000050` paise → `15,00,000.50`. */
export function formatMinor(minor: number | null | undefined): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return "—";
  const n = Math.trunc(minor);
  const sign = n < 0 ? "-" : "";
  const s = String(Math.abs(n)).padStart(3, "0");
  return `${sign}${groupIndian(s.slice(0, -2))}.${s.slice(-2)}`;
}

/** `₹ 15,00,000.50` for rupees, `USD 1,500.00` for any other currency. */
export function formatMoney(minor: number | null | undefined, currency = "INR"): string {
  const body = formatMinor(minor);
  if (body === "—") return body;
  const neg = body.startsWith("-");
  const abs = neg ? body.slice(1) : body;
  const sym = currency === "INR" ? "₹" : currency;
  return `${neg ? "-" : ""}${sym} ${abs}`;
}

/** A file size for people: `812 B`, `14.2 KB`, `3.1 MB`. */
export function formatBytes(size: number | null | undefined): string {
  if (size === null || size === undefined || size < 0) return "";
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}
