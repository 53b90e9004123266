//! A consumable as the owner describes it (name, brand, GTIN, unit, pack size, what is left, the
//! shopping-list threshold), validated before it reaches the store.

use crate::gtin::Gtin;
use crate::inventory::threshold;
use crate::text;
use crate::Result;

/// The longest name, brand or unit accepted.
pub const MAX_NAME_CHARS: usize = 60;
/// The largest pack size or stock a household plausibly has of one thing.
pub const MAX_QUANTITY: u32 = 100_000;

/// A consumable as typed, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumableInput {
    pub name: String,
    pub brand: Option<String>,
    pub gtin: Option<String>,
    pub unit: String,
    pub capacity: i64,
    pub remaining: i64,
    pub threshold: Option<i64>,
}

/// A validated consumable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumableSpec {
    pub name: String,
    pub brand: Option<String>,
    pub gtin: Option<Gtin>,
    pub unit: String,
    pub capacity: u32,
    pub remaining: u32,
    pub threshold: u32,
}

impl ConsumableSpec {
    /// Validates what the owner typed; each refusal names the field and the reason.
    pub fn parse(input: &ConsumableInput) -> Result<Self> {
        let name = text::required("name", &input.name, MAX_NAME_CHARS)?;
        let brand = text::optional("brand", input.brand.as_deref(), MAX_NAME_CHARS)?;
        let gtin = match input.gtin.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Gtin::parse(raw)?),
        };
        let unit = text::required("unit", &input.unit, 20)?;
        let capacity = text::quantity("pack size", input.capacity, 1, MAX_QUANTITY)?;
        let remaining = text::quantity("remaining", input.remaining, 0, MAX_QUANTITY)?;
        let threshold = match input.threshold {
            Some(t) => text::quantity("threshold", t, 0, MAX_QUANTITY)?,
            None => threshold::default_for(capacity),
        };
        Ok(Self {
            name,
            brand,
            gtin,
            unit,
            capacity,
            remaining,
            threshold,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soap() -> ConsumableInput {
        ConsumableInput {
            name: "Dish soap".into(),
            brand: Some("Sudsy".into()),
            gtin: Some("4006381333931".into()),
            unit: "packet".into(),
            capacity: 40,
            remaining: 10,
            threshold: None,
        }
    }

    #[test]
    fn a_sound_consumable_gets_the_default_threshold() {
        let spec = ConsumableSpec::parse(&soap()).expect("valid");
        assert_eq!(spec.threshold, 8);
        assert_eq!(
            spec.gtin.map(|g| g.to_string()).as_deref(),
            Some("4006381333931")
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut ConsumableInput);
        let cases: [(&str, Spoil); 6] = [
            ("name", |i| i.name = " ".into()),
            ("brand", |i| i.brand = Some("Sud\u{202E}sy".into())),
            ("GTIN", |i| i.gtin = Some("4006381333932".into())),
            ("pack size", |i| i.capacity = 0),
            ("remaining", |i| i.remaining = -3),
            ("threshold", |i| i.threshold = Some(1_000_000)),
        ];
        for (field, spoil) in cases {
            let mut input = soap();
            spoil(&mut input);
            let err = ConsumableSpec::parse(&input).expect_err(field);
            assert!(err.to_string().starts_with(field), "{field}: {err}");
        }
    }
}
