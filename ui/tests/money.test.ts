import { describe, expect, it } from "vitest";
import { formatBytes, formatMinor, formatMoney, groupIndian } from "../src/lib/money";

describe("money from paise", () => {
  it("groups digits the Indian way", () => {
    expect(groupIndian("1")).toBe("1");
    expect(groupIndian("999")).toBe("999");
    expect(groupIndian("1000")).toBe("1,000");
    expect(groupIndian("150000")).toBe("1,50,000");
    expect(groupIndian("1500000")).toBe("15,00,000");
    expect(groupIndian("150000000")).toBe("15,00,00,000");
  });

  it("formats minor units exactly", () => {
    expect(formatMinor(150000050)).toBe("15,00,000.50");
    expect(formatMinor(150050)).toBe("1,500.50");
    expect(formatMinor(15000000)).toBe("1,50,000.00");
    expect(formatMinor(5)).toBe("0.05");
    expect(formatMinor(0)).toBe("0.00");
    expect(formatMinor(-150050)).toBe("-1,500.50");
    expect(formatMinor(null)).toBe("—");
    // Near the top of exact integers: still no float rounding.
    expect(formatMinor(9007199254740991)).toBe("9,00,71,99,25,47,409.91");
  });

  it("adds the rupee sign or the currency code", () => {
    expect(formatMoney(15000000)).toBe("₹ 1,50,000.00");
    expect(formatMoney(15000000, "INR")).toBe("₹ 1,50,000.00");
    expect(formatMoney(123456, "USD")).toBe("USD 1,234.56");
    expect(formatMoney(-500)).toBe("-₹ 5.00");
  });

  it("formats file sizes", () => {
    expect(formatBytes(812)).toBe("812 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MB");
  });
});
