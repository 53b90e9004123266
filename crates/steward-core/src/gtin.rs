//! GTINs (the numbers under a product's barcode: EAN-8, UPC-A, EAN-13, GTIN-14), validated by
//! their check digit so a mistyped number is caught when it is entered, not when an offer fails
//! to match it.

use std::fmt;

use crate::text::invalid;
use crate::Result;

/// A valid GTIN, kept as its digits (spaces and dashes typed between them are dropped).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gtin(String);

impl Gtin {
    /// Parses a GTIN as typed or scanned.
    pub fn parse(raw: &str) -> Result<Self> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid("GTIN", "has only digits"));
        }
        if ![8, 12, 13, 14].contains(&digits.len()) {
            return Err(invalid("GTIN", "has 8, 12, 13 or 14 digits"));
        }
        let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let (body, check) = values.split_at(values.len() - 1);
        // Weights alternate 3, 1, ... from the digit next to the check digit.
        let sum: u32 = body
            .iter()
            .rev()
            .enumerate()
            .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
            .sum();
        if (10 - sum % 10) % 10 != check[0] {
            return Err(invalid("GTIN", "has a wrong check digit: check the number"));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_numbers_of_each_length() {
        for good in [
            "96385074",
            "036000291452",
            "4006381333931",
            "10012345678902",
            "4006381-333931",
        ] {
            assert!(Gtin::parse(good).is_ok(), "{good}");
        }
        assert_eq!(
            Gtin::parse("4006 3813 33931").expect("ok").as_str(),
            "4006381333931"
        );
    }

    #[test]
    fn refuses_typos_and_junk() {
        for (bad, why) in [
            ("4006381333932", "check digit"),
            ("400638133393", "check digit"),
            ("12345", "8, 12, 13 or 14"),
            ("40063813339３1", "only digits"),
            ("", "8, 12, 13 or 14"),
            ("<script>", "only digits"),
        ] {
            let err = Gtin::parse(bad).expect_err(bad);
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }
    }
}
