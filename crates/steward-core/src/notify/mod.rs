//! Notifications without notification hell: one policy decides, for every candidate (a device
//! alert, one of the owner's reminders, a tutorial, an offer), whether it is shown now, held,
//! folded into the notification it updates, or kept silently in the inbox, and says why in
//! words the owner reads. Pure: candidates and the clock in, decisions out; delivering them is
//! the shell's job and recording them the store's.
//!
//! It must never let marketing hold back or use up room meant for a device alert or a reminder.

pub mod channel;
pub mod notifier;
pub mod policy;
pub mod settings;

pub use channel::Channel;
pub use notifier::{notification_id, Notification, Notifier, NotifierError, Permission, Target};
pub use policy::{Candidate, Decision, Policy, Reaction, Reason};
pub use settings::Settings;
