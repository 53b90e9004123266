//! The kinds of notification, each with its own channel (Android's notification channels):
//! what the owner can switch off separately, and what the policy treats differently.

/// A notification's channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// Something a device needs the owner to know (out of soap, disconnected, a fault).
    DeviceAlert,
    /// The owner's own reminders (the shopping list).
    Reminder,
    /// How-to help from a device's maker.
    Tutorial,
    /// Brands' offers.
    Offer,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::DeviceAlert,
        Channel::Reminder,
        Channel::Tutorial,
        Channel::Offer,
    ];

    /// The channel's id (Android channel ids, the store, the wire).
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::DeviceAlert => "device-alerts",
            Channel::Reminder => "reminders",
            Channel::Tutorial => "tutorials",
            Channel::Offer => "offers",
        }
    }

    /// What the owner reads in settings.
    pub const fn label(self) -> &'static str {
        match self {
            Channel::DeviceAlert => "Device alerts",
            Channel::Reminder => "Your reminders",
            Channel::Tutorial => "Help from makers",
            Channel::Offer => "Offers",
        }
    }

    /// Which goes first when several arrive together: device alerts, then the owner's
    /// reminders, then makers' help and offers (by their relevance).
    pub const fn rank(self) -> u8 {
        match self {
            Channel::DeviceAlert => 0,
            Channel::Reminder => 1,
            Channel::Tutorial | Channel::Offer => 2,
        }
    }

    /// Held in quiet hours: the owner's reminders and offers. A maker's guide is not: it comes
    /// because the owner is at the device, struggling, right now, and would be useless by
    /// morning; device alerts never wait.
    pub const fn waits_for_quiet_hours(self) -> bool {
        matches!(self, Channel::Reminder | Channel::Offer)
    }

    /// Marketing: counted against the budget, held in quiet hours, stoppable per brand.
    pub const fn is_marketing(self) -> bool {
        matches!(self, Channel::Offer)
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == raw)
    }
}
