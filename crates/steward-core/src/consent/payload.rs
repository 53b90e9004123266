//! What a flow wants to send: fields, each tagged with the category of household data it is
//! (or with none, for the request's own words such as which kind of request it is), the subject
//! it is about, and a plain summary the ledger shows the owner. Flows build payloads; only the
//! gate turns one into bytes.

use super::{Category, Purpose};

/// One field of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The JSON key it is sent under.
    pub name: String,
    /// The category of household data it is; `None` only for what is not about the household.
    pub category: Option<Category>,
    /// What it is about (`consumable:12`, `device:<id>`), for grants narrowed to one subject.
    pub subject: Option<String>,
    pub value: serde_json::Value,
    /// What the owner reads in the ledger: "Dish soap: 8 of 40 packets left".
    pub summary: String,
    /// Whether the request is pointless without it: refused, not sent without it.
    pub required: bool,
}

impl Field {
    /// A field of household data.
    pub fn data(
        name: &str,
        category: Category,
        subject: Option<String>,
        value: serde_json::Value,
        summary: impl Into<String>,
    ) -> Self {
        Self {
            name: name.to_owned(),
            category: Some(category),
            subject,
            value,
            summary: summary.into(),
            required: true,
        }
    }

    /// Sent when granted, left out otherwise.
    pub fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// A field that says nothing about the household (the request kind, a product code the
    /// partner published).
    pub fn plain(name: &str, value: serde_json::Value) -> Self {
        Self {
            name: name.to_owned(),
            category: None,
            subject: None,
            value,
            summary: String::new(),
            required: true,
        }
    }
}

/// The kinds of request the partner API has (docs/protocol/partner-api.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// Share data under a receipt.
    Share,
    /// Place an order the owner started.
    Order,
    /// A message to support.
    Support,
    /// Erase everything the partner holds about this household.
    Erasure,
}

impl RequestKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            RequestKind::Share => "share",
            RequestKind::Order => "order",
            RequestKind::Support => "support",
            RequestKind::Erasure => "erasure",
        }
    }

    /// The path under the partner's base address.
    pub const fn path(self) -> &'static str {
        match self {
            RequestKind::Share => "/v1/share",
            RequestKind::Order => "/v1/orders",
            RequestKind::Support => "/v1/support",
            RequestKind::Erasure => "/v1/erasure",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Share, Self::Order, Self::Support, Self::Erasure]
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
}

/// A request a flow wants to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    pub kind: RequestKind,
    /// `None` only for requests that carry no household data (an erasure request).
    pub purpose: Option<Purpose>,
    pub fields: Vec<Field>,
}
