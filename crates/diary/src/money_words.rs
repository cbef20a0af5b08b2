//! Amounts in words, as Indian receipts write them: `Rupees One Lakh Fifty
//! Thousand and Paise Fifty Only` for ₹1,50,000.50.
//!
//! The style, applied everywhere:
//! - Title case; tens and units joined with a hyphen (`Twenty-Five`,
//!   `Ninety-Nine`); teens and round tens as one word (`Nineteen`, `Forty`).
//! - The Indian scale for rupees: Crore, Lakh, Thousand, Hundred. Beyond a
//!   crore, the number of crores is itself said the same way
//!   (`One Thousand Two Hundred Thirty-Four Crore`, and past a crore of crores,
//!   `… Crore … Crore`), so any `i64` has words.
//! - No "and" inside a number (`One Hundred One`, `One Lakh One`); the only
//!   "and" joins the rupees to the paise (`Rupees Ten and Paise Five Only`).
//! - `Rupees` before the rupees, `Paise` before the paise, `Only` at the end;
//!   no rupees part when there are only paise (`Paise Fifty Only`), no paise
//!   part when there are none, and `Rupees Zero Only` for nothing.
//! - A negative amount starts with `Minus `.
//!
//! Other currencies ([`amount_in_words`]) use the international scale
//! (Thousand, Million, Billion, Trillion, Quadrillion), the code in place of
//! `Rupees` and `Cents` for the minor unit: `USD One Thousand Five Hundred and
//! Cents Fifty Only`, `USD Cents Fifty Only`, `USD Zero Only`.

const ONES: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];

const TENS: [&str; 10] = [
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
];

const LAKH: u64 = 100_000;
const CRORE: u64 = 100 * LAKH;

/// 1 to 99: `Seven`, `Nineteen`, `Forty`, `Twenty-Five`.
fn below_hundred(n: u64) -> String {
    debug_assert!((1..100).contains(&n));
    let n = n as usize;
    match (n / 10, n % 10) {
        (0 | 1, _) => ONES[n].to_string(),
        (t, 0) => TENS[t].to_string(),
        (t, u) => format!("{}-{}", TENS[t], ONES[u]),
    }
}

/// 1 to 999 into `out`: `Nine Hundred One`.
fn below_thousand(n: u64, out: &mut Vec<String>) {
    if n >= 100 {
        out.push(format!("{} Hundred", ONES[(n / 100) as usize]));
    }
    if !n.is_multiple_of(100) {
        out.push(below_hundred(n % 100));
    }
}

/// A positive whole number on the Indian scale into `out`.
fn indian(n: u64, out: &mut Vec<String>) {
    if n >= CRORE {
        indian(n / CRORE, out);
        out.push("Crore".to_string());
    }
    let n = n % CRORE;
    for (count, word) in [(n / LAKH, "Lakh"), (n / 1000 % 100, "Thousand")] {
        if count > 0 {
            out.push(format!("{} {word}", below_hundred(count)));
        }
    }
    if !n.is_multiple_of(1000) {
        below_thousand(n % 1000, out);
    }
}

/// A positive whole number on the international scale into `out`.
fn international(n: u64, out: &mut Vec<String>) {
    const SCALE: [&str; 6] = ["", "Thousand", "Million", "Billion", "Trillion", "Quadrillion"];
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    for (i, group) in groups.iter().enumerate().rev() {
        if *group > 0 {
            below_thousand(*group, out);
            if i > 0 {
                out.push(SCALE[i].to_string());
            }
        }
    }
}

/// How a currency is said: `code` always comes first (empty for INR), `major`
/// before the whole units (empty for other currencies), `minor` before the
/// hundredths, numbers spelled by `spell`.
struct Style {
    code: String,
    major: &'static str,
    minor: &'static str,
    spell: fn(u64, &mut Vec<String>),
}

/// Says `minor` units in words in `style`.
fn in_words(minor: i64, style: &Style) -> String {
    let abs = minor.unsigned_abs();
    let (whole, fraction) = (abs / 100, abs % 100);
    let mut words: Vec<String> = Vec::new();
    if minor < 0 {
        words.push("Minus".into());
    }
    words.push(style.code.clone());
    if whole > 0 || fraction == 0 {
        words.push(style.major.into());
        if whole == 0 {
            words.push("Zero".into());
        }
        (style.spell)(whole, &mut words);
    }
    if fraction > 0 {
        if whole > 0 {
            words.push("and".into());
        }
        words.push(style.minor.into());
        words.push(below_hundred(fraction));
    }
    words.push("Only".into());
    words.retain(|w| !w.is_empty());
    words.join(" ")
}

/// An INR amount in paise in words: `15000050` → `Rupees One Lakh Fifty
/// Thousand and Paise Fifty Only`.
pub fn rupees_in_words(minor: i64) -> String {
    let style = Style {
        code: String::new(),
        major: "Rupees",
        minor: "Paise",
        spell: indian,
    };
    in_words(minor, &style)
}

/// An amount in minor units in words: INR as [`rupees_in_words`]; any other
/// ISO 4217 code as `USD One Thousand Five Hundred and Cents Fifty Only`.
pub fn amount_in_words(minor: i64, currency: &str) -> String {
    let code = currency.trim().to_ascii_uppercase();
    if code == "INR" {
        rupees_in_words(minor)
    } else {
        let style = Style {
            code,
            major: "",
            minor: "Cents",
            spell: international,
        };
        in_words(minor, &style)
    }
}

#[cfg(test)]
// Amounts are grouped the Indian way, paise last: `1_50_000_50` is ₹1,50,000.50.
#[allow(clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;

    #[test]
    fn rupees_read_as_receipts_write_them() {
        let table: &[(i64, &str)] = &[
            (0, "Rupees Zero Only"),
            (1, "Paise One Only"),
            (50, "Paise Fifty Only"),
            (99, "Paise Ninety-Nine Only"),
            (100, "Rupees One Only"),
            (105, "Rupees One and Paise Five Only"),
            (1_100, "Rupees Eleven Only"),
            (1_300, "Rupees Thirteen Only"),
            (1_900, "Rupees Nineteen Only"),
            (1_950, "Rupees Nineteen and Paise Fifty Only"),
            (2_000, "Rupees Twenty Only"),
            (2_500, "Rupees Twenty-Five Only"),
            (9_000, "Rupees Ninety Only"),
            (10_000, "Rupees One Hundred Only"),
            (10_100, "Rupees One Hundred One Only"),
            (11_000, "Rupees One Hundred Ten Only"),
            (11_900, "Rupees One Hundred Nineteen Only"),
            (99_999, "Rupees Nine Hundred Ninety-Nine and Paise Ninety-Nine Only"),
            (1_00_000, "Rupees One Thousand Only"),
            (1_00_100, "Rupees One Thousand One Only"),
            (1_01_000, "Rupees One Thousand Ten Only"),
            (1_50_050, "Rupees One Thousand Five Hundred and Paise Fifty Only"),
            (20_00_000, "Rupees Twenty Thousand Only"),
            (99_99_900, "Rupees Ninety-Nine Thousand Nine Hundred Ninety-Nine Only"),
            (1_00_000_00, "Rupees One Lakh Only"),
            (1_00_001_00, "Rupees One Lakh One Only"),
            (1_50_000_50, "Rupees One Lakh Fifty Thousand and Paise Fifty Only"),
            (10_00_000_00, "Rupees Ten Lakh Only"),
            (17_11_019_00, "Rupees Seventeen Lakh Eleven Thousand Nineteen Only"),
            (1_00_00_000_00, "Rupees One Crore Only"),
            (1_00_00_001_01, "Rupees One Crore One and Paise One Only"),
            (
                10_10_10_101_00,
                "Rupees Ten Crore Ten Lakh Ten Thousand One Hundred One Only",
            ),
            (
                99_99_99_999_99,
                "Rupees Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine \
                 and Paise Ninety-Nine Only",
            ),
            (1_00_00_00_000_00, "Rupees One Hundred Crore Only"),
            (1_25_00_00_000_00, "Rupees One Hundred Twenty-Five Crore Only"),
            (
                12_34_56_78_901_99,
                "Rupees One Thousand Two Hundred Thirty-Four Crore Fifty-Six Lakh Seventy-Eight Thousand \
                 Nine Hundred One and Paise Ninety-Nine Only",
            ),
            (1_00_00_00_00_00_000_00, "Rupees Ten Lakh Crore Only"),
            (10_i64.pow(16), "Rupees One Crore Crore Only"),
            (-50, "Minus Paise Fifty Only"),
            (
                -1_50_000_50,
                "Minus Rupees One Lakh Fifty Thousand and Paise Fifty Only",
            ),
        ];
        assert!(table.len() >= 30);
        for (minor, words) in table {
            assert_eq!(rupees_in_words(*minor), *words, "{minor}");
            assert_eq!(amount_in_words(*minor, "INR"), *words, "{minor}");
        }
    }

    #[test]
    fn the_largest_amounts_have_words() {
        let most = "Nine Hundred Twenty-Two Crore Thirty-Three Lakh Seventy-Two Thousand Thirty-Six Crore \
                    Eighty-Five Lakh Forty-Seven Thousand Seven Hundred Fifty-Eight";
        assert_eq!(rupees_in_words(i64::MAX), format!("Rupees {most} and Paise Seven Only"));
        assert_eq!(
            rupees_in_words(i64::MIN),
            format!("Minus Rupees {most} and Paise Eight Only")
        );
        assert!(amount_in_words(i64::MAX, "USD").starts_with("USD Ninety-Two Quadrillion Two Hundred"));
        assert!(amount_in_words(i64::MIN, "USD").ends_with("Fifty-Eight and Cents Eight Only"));
    }

    #[test]
    fn other_currencies_use_their_code_and_cents() {
        let table: &[(i64, &str, &str)] = &[
            (1_500_50, "USD", "USD One Thousand Five Hundred and Cents Fifty Only"),
            (1_500_000_00, "usd", "USD One Million Five Hundred Thousand Only"),
            (2_000_000_001_00, "EUR", "EUR Two Billion One Only"),
            (50, "GBP", "GBP Cents Fifty Only"),
            (0, "USD", "USD Zero Only"),
            (1_00, "inr", "Rupees One Only"),
            (-1_00, "AED", "Minus AED One Only"),
        ];
        for (minor, code, words) in table {
            assert_eq!(amount_in_words(*minor, code), *words, "{minor} {code}");
        }
    }
}
