//! The notification settings and history through the API, as the settings screen will use
//! them: quiet defaults, changes checked and kept across a restart, refusals in words.

mod common;

use steward_api::notifications_wire::NotificationSettingsInput;
use steward_api::{ErrorCode, Steward};

fn input(budget: u32, cap: u32, quiet: Option<(&str, &str)>) -> NotificationSettingsInput {
    NotificationSettingsInput {
        daily_offer_budget: budget,
        per_brand_cap: cap,
        quiet_from: quiet.map(|(from, _)| from.to_owned()),
        quiet_until: quiet.map(|(_, until)| until.to_owned()),
        reminders: true,
        tutorials: true,
        offers: false,
    }
}

#[test]
fn settings_start_quiet_are_checked_and_survive_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let app = Steward::open(dir.path(), common::Collect::default(), common::keys());
    let defaults = app.notification_settings().expect("settings");
    assert_eq!(
        (defaults.daily_offer_budget, defaults.per_brand_cap),
        (3, 1)
    );
    assert_eq!(
        (
            defaults.quiet_from.as_deref(),
            defaults.quiet_until.as_deref()
        ),
        (Some("22:00"), Some("07:00"))
    );
    assert_eq!(defaults.channels.len(), 4);
    assert_eq!(defaults.channels[0].label, "Device alerts");

    let kept = app
        .set_notification_settings(input(5, 2, Some(("23:30", "06:45"))))
        .expect("kept");
    assert_eq!(
        (kept.quiet_from.as_deref(), kept.quiet_until.as_deref()),
        (Some("23:30"), Some("06:45"))
    );
    assert!(!kept.offers);

    for (bad, says) in [
        (input(50, 1, None), "at most 20"),
        (input(3, 4, None), "no more than offers a day in all"),
        (
            input(3, 1, Some(("25:00", "07:00"))),
            "Quiet hours from: a time like 07:30.",
        ),
        (
            input(3, 1, Some(("7", "07:00"))),
            "Quiet hours from: a time like 07:30.",
        ),
        (input(3, 1, Some(("07:00", "07:00"))), "not the same time"),
    ] {
        let refused = app.set_notification_settings(bad).expect_err("refused");
        assert_eq!(refused.code, ErrorCode::InvalidInput);
        assert!(
            refused.message.contains(says),
            "{} should say {says:?}",
            refused.message
        );
    }
    let half = NotificationSettingsInput {
        quiet_until: None,
        ..input(3, 1, Some(("22:00", "07:00")))
    };
    assert!(
        app.set_notification_settings(half).is_err(),
        "a start without an end"
    );

    drop(app);
    let again = Steward::open(dir.path(), common::Collect::default(), common::keys());
    let kept = again.notification_settings().expect("settings");
    assert_eq!(
        (kept.daily_offer_budget, kept.per_brand_cap, kept.offers),
        (5, 2, false)
    );
    assert_eq!(kept.quiet_from.as_deref(), Some("23:30"));
    let off = again
        .set_notification_settings(input(3, 1, None))
        .expect("quiet hours off");
    assert_eq!(off.quiet_from, None);
    assert!(again.notification_history(50).expect("history").is_empty());
}
