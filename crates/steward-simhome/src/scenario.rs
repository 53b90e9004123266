//! Scenarios as data: a small line-based script of what happens in the simulated home, so a
//! demo, a test or a person at the terminal can say "the soap is pumped every 20 s" or "the light
//! leaves radio range" without writing Rust.
//!
//! One step per line; `#` starts a comment. A device is named by its kind (`soap_dispenser`,
//! `toaster`, `bluray_player`, `light`, `thermostat`) or by its name in double quotes.
//!
//! ```text
//! wait 2s                      # pause the script (ms, s or m)
//! every 20s dispense soap_dispenser
//! dispense soap_dispenser      # a packet is pumped
//! toast toaster                # a slice is toasted
//! press bluray_player menu     # a remote button
//! leave light                  # out of radio range (drops its connection)
//! return light                 # back in range
//! slow toaster 2s              # answers and connections take this long; `fast` undoes it
//! garble-next soap_dispenser   # the next event arrives as garbage
//! truncate-next soap_dispenser # the next event arrives cut short
//! drop-next-write light        # the next write drops the connection
//! replay toaster               # after a reconnect, the last event is sent again
//! battery light 15             # the battery level drops to 15%
//! guess light 3                # a stranger sends 3 bogus pairing answers (locks pairing)
//! reset light                  # factory reset: every paired phone is forgotten
//! pair-button light            # the pairing button is pressed: pairing opens for 5 minutes
//! bluetooth off                # the phone's Bluetooth is switched off (drops every connection)
//! bluetooth on                 # and on again
//! tap-notification Lumaview    # the owner taps the newest notification whose title starts so
//! tap-notification             # (or the newest of all); needs the home's notification server
//! location 52.5219,13.4132     # the phone is here now (10 m); `location jump LAT,LON` too
//! walk to 52.5163,13.3777 in 60s # a straight line there, a new position every 500 ms, in the
//!                              # background; a later `location` or `walk` stops it
//! location coarse              # the system allows only city-level location; `precise` undoes it
//! location off                 # the location service (GeoClue) stops; `location on` restarts it
//! ```
//!
//! Positions are `LAT,LON` in decimal degrees; the location steps need the home's location
//! service (the binary always has one).
//!
//! Parsing never panics on any text: a bad line is an error naming the line and the reason.

use std::sync::Arc;
use std::time::Duration;

use steward_protocol::event::Button;
use steward_protocol::{DeviceId, DeviceKind};

use crate::geoclue::{LocationService, Position};
use crate::home::Faults;
use crate::notifications::NotificationServer;
use crate::SimHome;

/// The longest a `wait` or `every` may be: a typo like `wait 20m0s` should not hang a demo.
const MAX_DURATION: Duration = Duration::from_secs(24 * 3600);

/// A parsed script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub steps: Vec<Step>,
}

/// One line of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Pauses the script.
    Wait(Duration),
    /// Repeats an action in the background, for as long as the scenario runs.
    Every(Duration, Act),
    /// Does something now.
    Do(Act),
    /// Switches the phone's Bluetooth adapter on (`true`) or off.
    Bluetooth(bool),
    /// The owner taps the newest notification whose title starts with this (any, if empty).
    TapNotification(String),
    /// Something about where the phone is, or the location service.
    Location(LocationStep),
}

/// What a location step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocationStep {
    /// The phone is here now (`location LAT,LON`, `location jump LAT,LON`).
    At(Position),
    /// The phone walks here in a straight line, arriving after this long.
    WalkTo(Position, Duration),
    /// The location service runs (`location on`) or is stopped (`location off`).
    Service(bool),
    /// Only city-level location is allowed (`location coarse`) or precise (`location precise`).
    Coarse(bool),
}

/// Something done to one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    pub device: DeviceRef,
    pub action: Action,
}

/// How a script names a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceRef {
    Kind(DeviceKind),
    Name(String),
}

/// What happens to a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Dispense,
    Toast,
    Press(Button),
    Leave,
    Return,
    Slow(Duration),
    Fast,
    GarbleNext,
    TruncateNext,
    DropNextWrite,
    Replay,
    Battery(u8),
    /// A stranger's bogus pairing answers.
    Guess(u8),
    /// A factory reset.
    Reset,
    /// The pairing button is pressed.
    PairButton,
}

/// Why a script was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ScenarioError {
    pub line: usize,
    pub reason: String,
}

impl Scenario {
    /// Parses a whole script.
    pub fn parse(text: &str) -> Result<Self, ScenarioError> {
        let mut steps = Vec::new();
        for (index, line) in text.lines().enumerate() {
            if let Some(step) = parse_line(line).map_err(|reason| ScenarioError {
                line: index + 1,
                reason,
            })? {
                steps.push(step);
            }
        }
        Ok(Self { steps })
    }
}

/// Parses one line: `Ok(None)` for a blank line or a comment.
pub fn parse_line(line: &str) -> Result<Option<Step>, String> {
    let line = line.split('#').next().unwrap_or_default().trim();
    if line.is_empty() {
        return Ok(None);
    }
    let (verb, rest) = split_word(line);
    match verb {
        "wait" => Ok(Some(Step::Wait(parse_duration(rest.trim())?))),
        "bluetooth" => match rest.trim() {
            "on" => Ok(Some(Step::Bluetooth(true))),
            "off" => Ok(Some(Step::Bluetooth(false))),
            other => Err(format!(
                "`bluetooth` is followed by on or off, found `{other}`"
            )),
        },
        "tap-notification" => Ok(Some(Step::TapNotification(rest.trim().to_owned()))),
        "location" => Ok(Some(Step::Location(parse_location(rest.trim())?))),
        "walk" => Ok(Some(Step::Location(parse_walk(rest)?))),
        "every" => {
            let (period, rest) = split_word(rest);
            let period = parse_duration(period)?;
            if period < Duration::from_millis(10) {
                return Err("`every` needs a period of at least 10ms".into());
            }
            let (verb, rest) = split_word(rest);
            Ok(Some(Step::Every(period, parse_act(verb, rest)?)))
        }
        _ => Ok(Some(Step::Do(parse_act(verb, rest)?))),
    }
}

fn parse_act(verb: &str, rest: &str) -> Result<Act, String> {
    let (device, rest) = parse_device(rest)?;
    let arg = rest.trim();
    let no_arg = |action: Action| {
        if arg.is_empty() {
            Ok(action)
        } else {
            Err(format!(
                "`{verb}` takes no argument after the device, found `{arg}`"
            ))
        }
    };
    let action = match verb {
        "dispense" => no_arg(Action::Dispense)?,
        "toast" => no_arg(Action::Toast)?,
        "press" => Action::Press(parse_button(arg)?),
        "leave" => no_arg(Action::Leave)?,
        "return" => no_arg(Action::Return)?,
        "slow" => Action::Slow(parse_duration(arg)?),
        "fast" => no_arg(Action::Fast)?,
        "garble-next" => no_arg(Action::GarbleNext)?,
        "truncate-next" => no_arg(Action::TruncateNext)?,
        "drop-next-write" => no_arg(Action::DropNextWrite)?,
        "replay" => no_arg(Action::Replay)?,
        "battery" => Action::Battery(
            arg.trim_end_matches('%')
                .parse()
                .map_err(|_| format!("`{arg}` is not a battery level like 15"))?,
        ),
        "reset" => no_arg(Action::Reset)?,
        "pair-button" => no_arg(Action::PairButton)?,
        "guess" => Action::Guess(
            arg.parse()
                .map_err(|_| format!("`{arg}` is not a number of guesses like 3"))?,
        ),
        "" => return Err("a step names an action".into()),
        other => return Err(format!("unknown action `{other}`")),
    };
    Ok(Act { device, action })
}

fn parse_location(arg: &str) -> Result<LocationStep, String> {
    let step = match arg {
        "on" => LocationStep::Service(true),
        "off" => LocationStep::Service(false),
        "coarse" => LocationStep::Coarse(true),
        "precise" => LocationStep::Coarse(false),
        _ => {
            let position = match split_word(arg) {
                ("jump", position) => position,
                _ => arg,
            };
            if !position.contains(',') {
                return Err(format!(
                    "`location` is followed by a position like 52.5219,13.4132, or by on, off, \
                     coarse or precise; found `{arg}`"
                ));
            }
            LocationStep::At(parse_position(position)?)
        }
    };
    Ok(step)
}

/// `to LAT,LON in DURATION`.
fn parse_walk(rest: &str) -> Result<LocationStep, String> {
    let words: Vec<&str> = rest.split_whitespace().collect();
    let [first, position @ .., in_word, duration] = words.as_slice() else {
        return Err(WALK_FORM.into());
    };
    if *first != "to" || *in_word != "in" || position.is_empty() {
        return Err(WALK_FORM.into());
    }
    Ok(LocationStep::WalkTo(
        parse_position(&position.concat())?,
        parse_duration(duration)?,
    ))
}

const WALK_FORM: &str =
    "a walk reads `walk to LAT,LON in DURATION`, like `walk to 52.5163,13.3777 in 60s`";

/// `LAT,LON` in decimal degrees, on Earth.
fn parse_position(text: &str) -> Result<Position, String> {
    let text = text.trim();
    let (latitude, longitude) = text
        .split_once(',')
        .ok_or_else(|| format!("`{text}` is not a position like 52.5219,13.4132"))?;
    let number = |part: &str, what: &str| {
        let part = part.trim();
        part.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| format!("the {what} `{part}` is not a number"))
    };
    let (latitude, longitude) = (
        number(latitude, "latitude")?,
        number(longitude, "longitude")?,
    );
    Position::new(latitude, longitude).map_err(|error| error.to_string())
}

fn parse_device(text: &str) -> Result<(DeviceRef, &str), String> {
    let text = text.trim_start();
    if let Some(quoted) = text.strip_prefix('"') {
        let end = quoted
            .find('"')
            .ok_or("a quoted device name needs its closing quote")?;
        let name = &quoted[..end];
        if name.trim().is_empty() {
            return Err("a device name cannot be empty".into());
        }
        return Ok((DeviceRef::Name(name.to_owned()), &quoted[end + 1..]));
    }
    let (word, rest) = split_word(text);
    if word.is_empty() {
        return Err("a step names its device".into());
    }
    let kind = DeviceKind::from_name(word).ok_or_else(|| {
        format!("`{word}` is not a device kind; name a device by kind or by its name in quotes")
    })?;
    Ok((DeviceRef::Kind(kind), rest))
}

fn parse_button(text: &str) -> Result<Button, String> {
    let name = text.to_ascii_lowercase();
    let button = match name.as_str() {
        "power" => Button::Power,
        "play" => Button::Play,
        "pause" => Button::Pause,
        "stop" => Button::Stop,
        "menu" => Button::Menu,
        "up" => Button::Up,
        "down" => Button::Down,
        "left" => Button::Left,
        "right" => Button::Right,
        "ok" => Button::Ok,
        "back" => Button::Back,
        "eject" => Button::Eject,
        _ => return Err(format!("`{text}` is not a button")),
    };
    Ok(button)
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, ""), |at| text.split_at(at));
    let value: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 500ms, 20s or 2m"))?;
    let duration = match unit {
        "ms" => Duration::from_millis(value),
        "s" => Duration::from_secs(value),
        "m" => Duration::from_secs(value.saturating_mul(60)),
        _ => return Err(format!("`{text}` is not a duration like 500ms, 20s or 2m")),
    };
    if duration > MAX_DURATION {
        return Err(format!("`{text}` is longer than a day"));
    }
    Ok(duration)
}

fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    text.split_once(char::is_whitespace).unwrap_or((text, ""))
}

/// Runs scenarios against a home. Background `every` steps stop when the runner is dropped.
pub struct Runner {
    home: Arc<SimHome>,
    background: Vec<tokio::task::JoinHandle<()>>,
    notifications: Option<Arc<NotificationServer>>,
    location: Option<Arc<LocationService>>,
}

impl Runner {
    pub fn new(home: Arc<SimHome>) -> Self {
        Self {
            home,
            background: Vec::new(),
            notifications: None,
            location: None,
        }
    }

    /// Lets the script tap the notifications this server shows.
    pub fn with_notifications(mut self, server: Arc<NotificationServer>) -> Self {
        self.notifications = Some(server);
        self
    }

    /// Lets the script move the phone and switch the location service.
    pub fn with_location(mut self, service: Arc<LocationService>) -> Self {
        self.location = Some(service);
        self
    }

    /// Runs every step in order; a step naming a device the home does not have is an error, and
    /// the steps before it have happened.
    pub async fn run(&mut self, scenario: &Scenario) -> Result<(), String> {
        for step in &scenario.steps {
            self.step(step).await?;
        }
        Ok(())
    }

    /// Runs one step.
    pub async fn step(&mut self, step: &Step) -> Result<(), String> {
        match step {
            Step::Wait(duration) => tokio::time::sleep(*duration).await,
            Step::TapNotification(title) => {
                let server = self
                    .notifications
                    .as_ref()
                    .ok_or("this home serves no notifications (start it with --notifications)")?;
                let shown = server.shown();
                let tapped = shown
                    .iter()
                    .rev()
                    .find(|n| !n.closed && n.summary.starts_with(title.as_str()))
                    .ok_or_else(|| format!("no notification on screen starts with \"{title}\""))?;
                server
                    .invoke(tapped.id, "default")
                    .await
                    .map_err(|error| format!("could not tap the notification: {error}"))?;
            }
            Step::Location(step) => {
                let service = self
                    .location
                    .as_ref()
                    .ok_or("this home serves no location")?;
                match step {
                    LocationStep::At(position) => service.set(*position).await,
                    LocationStep::WalkTo(position, duration) => service
                        .walk(*position, *duration)
                        .map_err(|error| error.to_string())?,
                    LocationStep::Service(on) => service
                        .set_available(*on)
                        .await
                        .map_err(|error| format!("could not switch location: {error}"))?,
                    LocationStep::Coarse(coarse) => service.set_coarse(*coarse).await,
                }
            }
            Step::Bluetooth(on) => self
                .home
                .set_powered(*on)
                .await
                .map_err(|error| format!("could not switch Bluetooth: {error}"))?,
            Step::Do(act) => {
                let id = self.resolve(&act.device)?;
                apply(&self.home, id, &act.action);
            }
            Step::Every(period, act) => {
                let id = self.resolve(&act.device)?;
                let home = Arc::clone(&self.home);
                let action = act.action.clone();
                let period = *period;
                self.background.push(tokio::spawn(async move {
                    let mut timer = tokio::time::interval(period);
                    timer.tick().await;
                    loop {
                        timer.tick().await;
                        apply(&home, id, &action);
                    }
                }));
            }
        }
        Ok(())
    }

    fn resolve(&self, device: &DeviceRef) -> Result<DeviceId, String> {
        let devices = self.home.devices();
        let found = match device {
            DeviceRef::Kind(kind) => devices.iter().find(|d| d.kind == *kind),
            DeviceRef::Name(name) => devices.iter().find(|d| d.name.eq_ignore_ascii_case(name)),
        };
        found.map(|d| d.id).ok_or_else(|| match device {
            DeviceRef::Kind(kind) => format!("the home has no {}", kind.as_str()),
            DeviceRef::Name(name) => format!("the home has no device called \"{name}\""),
        })
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        for task in &self.background {
            task.abort();
        }
    }
}

fn apply(home: &SimHome, id: DeviceId, action: &Action) {
    match action {
        Action::Dispense => home.dispense(&id),
        Action::Toast => home.toast_slice(&id),
        Action::Press(button) => home.press(&id, *button),
        Action::Leave => home.set_in_range(&id, false),
        Action::Return => home.set_in_range(&id, true),
        Action::Slow(delay) => home.update_faults(&id, |f| {
            f.connect_delay = Some(*delay);
            f.response_delay = Some(*delay);
        }),
        Action::Fast => home.update_faults(&id, |f| {
            f.connect_delay = None;
            f.response_delay = None;
        }),
        Action::GarbleNext => home.update_faults(&id, |f| {
            f.garble_next_event = Some(vec![0xff, 0x00, 0x13]);
        }),
        Action::TruncateNext => home.update_faults(&id, |f| f.truncate_next_event = Some(3)),
        Action::DropNextWrite => home.update_faults(&id, |f| f.drop_on_next_write = true),
        Action::Replay => home.update_faults(&id, |f: &mut Faults| f.replay_on_reconnect = true),
        Action::Battery(percent) => home.set_battery(&id, *percent),
        Action::Reset => home.configure(&id, crate::SimDevice::reset),
        Action::PairButton => home.configure(&id, |d| d.open_pairing(std::time::Instant::now())),
        Action::Guess(answers) => home.configure(&id, |d| {
            d.bogus_answers(*answers, std::time::Instant::now())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_of_step() {
        let scenario = Scenario::parse(
            "# the brief's morning\n\
             every 20s dispense soap_dispenser\n\
             wait 500ms\n\
             press \"Blu-ray player\" menu   # stuck in the menu\n\
             slow toaster 2s\n\
             leave light\n\
             bluetooth off\n\
             bluetooth on\n\n",
        )
        .expect("a valid script");
        assert_eq!(
            scenario.steps,
            [
                Step::Every(
                    Duration::from_secs(20),
                    Act {
                        device: DeviceRef::Kind(DeviceKind::SoapDispenser),
                        action: Action::Dispense
                    }
                ),
                Step::Wait(Duration::from_millis(500)),
                Step::Do(Act {
                    device: DeviceRef::Name("Blu-ray player".into()),
                    action: Action::Press(Button::Menu)
                }),
                Step::Do(Act {
                    device: DeviceRef::Kind(DeviceKind::Toaster),
                    action: Action::Slow(Duration::from_secs(2))
                }),
                Step::Do(Act {
                    device: DeviceRef::Kind(DeviceKind::Light),
                    action: Action::Leave
                }),
                Step::Bluetooth(false),
                Step::Bluetooth(true),
            ]
        );
    }

    #[test]
    fn a_bad_line_names_its_line_and_reason() {
        let cases = [
            ("dispense fridge", "not a device kind"),
            ("explode toaster", "unknown action"),
            ("wait forever", "not a duration"),
            ("wait 2h", "not a duration"),
            ("wait 99999m", "longer than a day"),
            ("every 1ms toast toaster", "at least 10ms"),
            ("press bluray_player teleport", "not a button"),
            ("dispense \"Dish soap", "closing quote"),
            ("toast toaster now", "takes no argument"),
            ("leave", "names its device"),
            ("battery light lots", "not a battery level"),
            ("bluetooth sideways", "on or off"),
            ("guess light lots", "not a number of guesses"),
        ];
        for (line, reason) in cases {
            let text = format!("wait 1s\n{line}\n");
            let err = Scenario::parse(&text).expect_err(line);
            assert_eq!(err.line, 2, "{line}");
            assert!(err.reason.contains(reason), "{line}: {}", err.reason);
        }
    }

    fn position(latitude: f64, longitude: f64) -> Position {
        Position::new(latitude, longitude).expect("a position on Earth")
    }

    #[test]
    fn parses_the_location_steps() {
        let scenario = Scenario::parse(
            "location 52.5219,13.4132\n\
             location jump -33.8568, 151.2153   # Sydney, as is\n\
             walk to 52.5163,13.3777 in 60s\n\
             walk   to  -90,180   in 500ms\n\
             location coarse\n\
             location precise\n\
             location off\n\
             location on\n",
        )
        .expect("a valid script");
        assert_eq!(
            scenario.steps,
            [
                Step::Location(LocationStep::At(position(52.5219, 13.4132))),
                Step::Location(LocationStep::At(position(-33.8568, 151.2153))),
                Step::Location(LocationStep::WalkTo(
                    position(52.5163, 13.3777),
                    Duration::from_secs(60)
                )),
                Step::Location(LocationStep::WalkTo(
                    position(-90.0, 180.0),
                    Duration::from_millis(500)
                )),
                Step::Location(LocationStep::Coarse(true)),
                Step::Location(LocationStep::Coarse(false)),
                Step::Location(LocationStep::Service(false)),
                Step::Location(LocationStep::Service(true)),
            ]
        );
    }

    #[test]
    fn a_bad_location_step_says_what_is_wrong() {
        let cases = [
            ("location", "followed by a position"),
            ("location sideways", "found `sideways`"),
            ("location 52.52", "followed by a position"),
            ("location 91,0", "latitude 91 is outside -90..90"),
            ("location -90.5,0", "outside -90..90"),
            ("location 0,180.01", "longitude 180.01 is outside -180..180"),
            ("location north,13.4", "latitude `north` is not a number"),
            ("location 52.5,east", "longitude `east` is not a number"),
            ("location NaN,0", "is not a number"),
            ("location 0,inf", "is not a number"),
            ("location 1,2,3", "longitude `2,3` is not a number"),
            ("location jump 100,0", "outside -90..90"),
            ("location ,", "latitude `` is not a number"),
            ("walk", "walk to LAT,LON in DURATION"),
            ("walk to 52.5,13.4", "walk to LAT,LON in DURATION"),
            ("walk 52.5,13.4 in 60s", "walk to LAT,LON in DURATION"),
            ("walk to in 60s", "walk to LAT,LON in DURATION"),
            (
                "walk to 52.5,13.4 during 60s",
                "walk to LAT,LON in DURATION",
            ),
            ("walk to 52.5,13.4 in forever", "not a duration"),
            ("walk to 95,13.4 in 60s", "outside -90..90"),
            ("walk to 52.5,13.4 in 99999m", "longer than a day"),
        ];
        for (line, reason) in cases {
            let text = format!("wait 1s\n{line}\n");
            let err = Scenario::parse(&text).expect_err(line);
            assert_eq!(err.line, 2, "{line}");
            assert!(err.reason.contains(reason), "{line}: {}", err.reason);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_location_line_is_parsed_or_refused_without_panicking(
            text in "(location|walk to) [-0-9.,a-z ]{0,40}"
        ) {
            let _ = parse_line(&text);
        }

        #[test]
        fn every_position_on_earth_parses_back(
            latitude in -90.0f64..=90.0,
            longitude in -180.0f64..=180.0,
        ) {
            let parsed = parse_line(&format!("location {latitude},{longitude}"));
            proptest::prop_assert_eq!(
                parsed,
                Ok(Some(Step::Location(LocationStep::At(position(latitude, longitude)))))
            );
        }

        #[test]
        fn any_text_is_parsed_or_refused_without_panicking(text in "\\PC{0,200}") {
            let _ = Scenario::parse(&text);
        }

        #[test]
        fn every_step_survives_a_round_of_odd_spacing(spaces in "[ \t]{1,4}") {
            let line = format!("every{spaces}20s{spaces}press{spaces}bluray_player{spaces}menu{spaces}");
            let parsed = parse_line(&line);
            let is_press = matches!(
                parsed,
                Ok(Some(Step::Every(_, Act { action: Action::Press(Button::Menu), .. })))
            );
            proptest::prop_assert!(is_press, "{:?}", parsed);
        }
    }

    #[test]
    fn the_shipped_example_scripts_parse() {
        Scenario::parse(include_str!("../scenarios/flaky-evening.txt")).expect("flaky-evening");
    }

    #[test]
    fn the_lively_demo_script_parses() {
        let scenario = Scenario::parse(crate::scenarios::LIVELY).expect("the built-in script");
        assert!(
            scenario.steps.iter().any(|s| matches!(
                s,
                Step::Every(
                    _,
                    Act {
                        action: Action::Dispense,
                        ..
                    }
                )
            )),
            "the demo home pumps soap"
        );
    }
}
