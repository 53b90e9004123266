//! The notification settings and the history of what the policy decided: read and set as the
//! owner sees them, checked by the core before they are kept.
//!
//! It must never decide anything itself: the core's policy does.

use steward_core::notify::{Channel, Settings};
use steward_core::store::notifications;

use crate::notifications_wire::*;
use crate::privacy_wire::LabelView;
use crate::steward::unix_now;
use crate::{ApiError, ErrorCode, Steward};

/// The most history entries one call returns.
const MAX_HISTORY: u32 = 200;

impl Steward {
    /// The owner's notification settings (quiet defaults until they change them).
    pub fn notification_settings(&self) -> Result<NotificationSettingsView, ApiError> {
        let settings = self.with_reader(|store| notifications::load_settings(store))?;
        Ok(view(&settings))
    }

    /// Keeps new settings once checked; answers them as kept.
    pub fn set_notification_settings(
        &self,
        input: NotificationSettingsInput,
    ) -> Result<NotificationSettingsView, ApiError> {
        let quiet = match (input.quiet_from.as_deref(), input.quiet_until.as_deref()) {
            (None, None) => None,
            (Some(from), Some(until)) => Some((
                minute("Quiet hours from", from)?,
                minute("Quiet hours until", until)?,
            )),
            _ => {
                return Err(ApiError {
                    code: ErrorCode::InvalidInput,
                    message: "Quiet hours: give both a start and an end, or switch them off."
                        .to_owned(),
                })
            }
        };
        let settings = Settings {
            daily_offer_budget: input.daily_offer_budget,
            per_brand_cap: input.per_brand_cap,
            quiet,
            reminders: input.reminders,
            tutorials: input.tutorials,
            offers: input.offers,
        };
        self.with_store(|store| notifications::save_settings(store, &settings, unix_now()))?;
        self.poke_notifications();
        Ok(view(&settings))
    }

    /// What the policy decided, newest first (at most 200).
    pub fn notification_history(&self, limit: u32) -> Result<Vec<NotificationEntryView>, ApiError> {
        let entries =
            self.with_reader(|store| notifications::history(store, limit.min(MAX_HISTORY)))?;
        Ok(entries
            .into_iter()
            .map(|e| NotificationEntryView {
                at: crate::privacy::seconds(e.at),
                channel: e.channel.as_str().to_owned(),
                title: e.title,
                outcome: e.outcome,
                words: e.words,
            })
            .collect())
    }
}

fn view(settings: &Settings) -> NotificationSettingsView {
    let hhmm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    NotificationSettingsView {
        daily_offer_budget: settings.daily_offer_budget,
        per_brand_cap: settings.per_brand_cap,
        quiet_from: settings.quiet.map(|(from, _)| hhmm(from)),
        quiet_until: settings.quiet.map(|(_, until)| hhmm(until)),
        reminders: settings.reminders,
        tutorials: settings.tutorials,
        offers: settings.offers,
        channels: Channel::ALL
            .iter()
            .map(|c| LabelView {
                id: c.as_str().to_owned(),
                label: c.label().to_owned(),
            })
            .collect(),
    }
}

/// "07:30" as minutes after midnight, or why not.
fn minute(field: &str, raw: &str) -> Result<u16, ApiError> {
    let refused = || ApiError {
        code: ErrorCode::InvalidInput,
        message: format!("{field}: a time like 07:30."),
    };
    let (h, m) = raw.trim().split_once(':').ok_or_else(refused)?;
    let (h, m): (u16, u16) = (
        h.parse().map_err(|_| refused())?,
        m.parse().map_err(|_| refused())?,
    );
    if h < 24 && m < 60 && raw.trim().len() == 5 {
        Ok(h * 60 + m)
    } else {
        Err(refused())
    }
}
