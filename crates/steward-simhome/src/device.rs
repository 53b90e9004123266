//! A simulated device's behaviour: its identity, state, pairing, sessions and commands, as a
//! state machine over `steward-protocol` frames. It does no I/O; the BlueZ layer moves its bytes.
//!
//! Like a real device, it keeps the long-term keys of at most [`MAX_PHONES`] phones, answers
//! pair-verify only for them, and says nothing of the household (state, battery, events) outside
//! an authenticated session: events raised meanwhile wait in a bounded backlog.

use std::collections::VecDeque;
use std::time::Instant;

use steward_protocol::channel::SecureChannel;
use steward_protocol::command::{Command, CommandFrame, CommandStatus, ResultFrame};
use steward_protocol::handshake::{device_verify, SessionHello};
use steward_protocol::keys::{open_public_key, seal_public_key, PublicKey, Sealer, StaticSecret};
use steward_protocol::pairing::{PairingMessage, PairingOutcome, SetupCode};
use steward_protocol::pake::{DevicePake, OsRng};
use steward_protocol::session_message::{unwrap, Channel, DeviceMessage};
use steward_protocol::uuids;
use steward_protocol::uuids::Uuid;
use steward_protocol::{
    Button, DeviceId, DeviceKind, DeviceState, Event, EventFrame, Identity, Playback,
};
use steward_protocol::{
    DispenserState, LightState, PlayerState, ThermostatMode, ThermostatState, ToasterState,
};

/// A notification the device sends: on which characteristic, and the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub characteristic: Uuid,
    pub value: Vec<u8>,
    /// A session frame that carries an event (what the radio's event faults act on).
    pub event: bool,
}

impl Notification {
    fn pairing(message: PairingMessage) -> Self {
        Self {
            characteristic: uuids::PAIRING,
            value: message.encode(),
            event: false,
        }
    }
}

/// Why a write was refused at the GATT level (before any protocol answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteRefused {
    #[error("this characteristic cannot be written")]
    NotWritable,
    #[error("malformed frame: {0}")]
    Malformed(String),
}

/// The most phones a device keeps; pairing another is refused until one is removed.
pub const MAX_PHONES: usize = 8;

/// Events a device keeps for its phone while no session is open; the oldest go first, and the
/// phone sees the hole as a gap in the numbering.
pub const BACKLOG: usize = 4096;

/// How long pairing stays open after power-up or a press of the pairing button (HomeKit's
/// accessories allow 5 minutes; Matter's commissioning window is of the same order).
pub const PAIRING_WINDOW: std::time::Duration = std::time::Duration::from_secs(300);

/// The session of the current connection, after pair-verify.
struct LiveSession {
    channel: SecureChannel,
    phone: PublicKey,
    /// The phone's first frame arrived: it is live, not a replayed handshake.
    confirmed: bool,
}

/// A connection's session; a snapshot of the device (a clone) has none.
#[derive(Default)]
struct SessionSlot(Option<LiveSession>);

impl Clone for SessionSlot {
    fn clone(&self) -> Self {
        Self(None)
    }
}

impl std::fmt::Debug for SessionSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Some(live) => write!(f, "Session(confirmed: {})", live.confirmed),
            None => f.write_str("NoSession"),
        }
    }
}

/// One simulated Steward device.
#[derive(Debug, Clone)]
pub struct SimDevice {
    pub name: String,
    pub address: [u8; 6],
    pub id: DeviceId,
    pub kind: DeviceKind,
    pub rssi: i16,
    pub battery: u8,
    pub firmware: String,
    /// The code printed on the device.
    code: SetupCode,
    /// The code the device actually proves with: differs from `code` for a device that lies.
    proves_with: SetupCode,
    state: DeviceState,
    seq: u32,
    /// The device's long-term key, made at manufacture.
    static_key: StaticSecret,
    /// The long-term keys of the phones paired with it, at most [`MAX_PHONES`].
    phones: Vec<PublicKey>,
    session: SessionSlot,
    /// Drawn again at every power-up and reset; tells the phone the numbering restarted.
    boot_id: [u8; 8],
    /// Events raised while no session was open, oldest first.
    backlog: VecDeque<EventFrame>,
    last_sent_event: Option<EventFrame>,
    /// A fault: each new session starts by sending the last event again (a replay).
    pub resend_last_event: bool,
    /// Session frames refused (not genuine, stale, or not allowed), since power-up.
    refused_frames: u64,
    /// A first pairing in progress: the device's half of the SPAKE2 exchange.
    pending_pake: Option<DevicePake>,
    /// Until when a new pairing is accepted (the commissioning window); `None` when closed.
    pairing_open_until: Option<Instant>,
    pairing_lock: crate::pairing_lock::PairingLock,
}

fn fresh_boot_id() -> [u8; 8] {
    let mut id = [0u8; 8];
    if let Err(error) = getrandom::fill(&mut id) {
        tracing::error!(%error, "no randomness for a boot id");
    }
    id
}

impl SimDevice {
    /// A new device of `kind` with its printed setup `code`.
    pub fn new(
        kind: DeviceKind,
        name: &str,
        id: DeviceId,
        address: [u8; 6],
        code: SetupCode,
    ) -> Self {
        Self {
            name: name.to_owned(),
            address,
            id,
            kind,
            rssi: -55,
            battery: 87,
            firmware: "1.4.2".to_owned(),
            proves_with: code.clone(),
            code,
            state: default_state(kind),
            seq: 0,
            static_key: StaticSecret::generate(OsRng),
            phones: Vec::new(),
            session: SessionSlot::default(),
            boot_id: fresh_boot_id(),
            backlog: VecDeque::new(),
            last_sent_event: None,
            resend_last_event: false,
            refused_frames: 0,
            pending_pake: None,
            // Powered up: open for a while, as a device fresh out of the box is.
            pairing_open_until: Some(Instant::now() + PAIRING_WINDOW),
            pairing_lock: crate::pairing_lock::PairingLock::default(),
        }
    }

    /// Makes the device prove with another code than the one printed on it (a look-alike or a
    /// faulty unit): pairing with the printed code must fail.
    pub fn lie_about_code(&mut self, proves_with: SetupCode) {
        self.proves_with = proves_with;
    }

    /// Replaces the device's state (scenario set-up).
    pub fn set_state(&mut self, state: DeviceState) {
        self.state = state;
    }

    pub fn state(&self) -> DeviceState {
        self.state
    }

    pub fn code(&self) -> &SetupCode {
        &self.code
    }

    /// The device's long-term public key (what a phone learns at pairing).
    pub fn public_key(&self) -> PublicKey {
        self.static_key.public()
    }

    /// The current boot id.
    pub fn boot_id(&self) -> [u8; 8] {
        self.boot_id
    }

    /// Whether any phone is paired with it.
    pub fn is_paired(&self) -> bool {
        !self.phones.is_empty()
    }

    /// How many phones are paired with it.
    pub fn paired_phones(&self) -> usize {
        self.phones.len()
    }

    /// Whether the current connection has a confirmed session.
    pub fn is_authorised(&self) -> bool {
        self.session.0.as_ref().is_some_and(|s| s.confirmed)
    }

    /// Session frames refused since power-up.
    pub fn refused_frames(&self) -> u64 {
        self.refused_frames
    }

    /// Events waiting for a session.
    pub fn backlog_len(&self) -> usize {
        self.backlog.len()
    }

    /// The owner presses the pairing button (or powers the device up): pairing opens for
    /// [`PAIRING_WINDOW`] from `now`.
    pub fn open_pairing(&mut self, now: Instant) {
        self.pairing_open_until = Some(now + PAIRING_WINDOW);
    }

    /// Closes the commissioning window (as its time running out would).
    pub fn close_pairing(&mut self) {
        self.pairing_open_until = None;
    }

    /// Whether a new pairing is accepted at `now`.
    pub fn pairing_open(&self, now: Instant) -> bool {
        self.pairing_open_until.is_some_and(|until| now < until)
    }

    /// A factory reset: every paired phone is forgotten, the event numbering and the backlog
    /// start again under a new boot id.
    pub fn reset(&mut self) {
        self.phones.clear();
        self.session = SessionSlot::default();
        self.pending_pake = None;
        self.seq = 0;
        self.backlog.clear();
        self.last_sent_event = None;
        self.boot_id = fresh_boot_id();
    }

    /// A new connection starts with no session: a phone must pair or verify on each connection.
    pub fn on_connect(&mut self) {
        self.end_session();
    }

    /// The connection ended: what happens from now on waits for the next session.
    pub fn end_session(&mut self) {
        self.session = SessionSlot::default();
        self.pending_pake = None;
    }

    /// The last sequence number sent.
    pub fn last_seq(&self) -> u32 {
        self.seq
    }

    /// The services the device advertises: the Steward Device service and its kind's.
    pub fn advertised_services(&self) -> [Uuid; 2] {
        [uuids::DEVICE_SERVICE, self.kind.service()]
    }

    /// The value a read of `characteristic` returns: only what choosing a device needs.
    pub fn read(&self, characteristic: Uuid) -> Option<Vec<u8>> {
        Some(match characteristic {
            c if c == uuids::IDENTITY => Identity {
                kind: self.kind,
                id: self.id,
                paired: self.is_paired(),
                pairing_open: self.pairing_open(Instant::now()),
            }
            .encode(),
            c if c == uuids::MANUFACTURER_NAME => b"Steward Labs".to_vec(),
            c if c == uuids::MODEL_NUMBER => format!("SIM-{}", self.kind.as_str()).into_bytes(),
            c if c == uuids::FIRMWARE_REVISION => self.firmware.clone().into_bytes(),
            _ => return None,
        })
    }

    /// A stranger in radio range sends `answers` bogus pairing answers at `now` (what locks a
    /// device's pairing; the app never sends one).
    pub fn bogus_answers(&mut self, answers: u8, now: Instant) {
        for _ in 0..answers {
            self.pairing_lock.wrong_answer(now);
        }
    }

    /// Handles a write now; returns the notifications it causes, in order.
    pub fn write(
        &mut self,
        characteristic: Uuid,
        bytes: &[u8],
    ) -> Result<Vec<Notification>, WriteRefused> {
        self.write_at(characteristic, bytes, Instant::now())
    }

    /// Handles a write at `now` (the pairing lock-out runs on it).
    pub fn write_at(
        &mut self,
        characteristic: Uuid,
        bytes: &[u8],
        now: Instant,
    ) -> Result<Vec<Notification>, WriteRefused> {
        match characteristic {
            c if c == uuids::PAIRING => self.on_pairing(bytes, now),
            c if c == uuids::SESSION => Ok(self.on_session(bytes)),
            _ => Err(WriteRefused::NotWritable),
        }
    }

    fn on_pairing(
        &mut self,
        bytes: &[u8],
        now: Instant,
    ) -> Result<Vec<Notification>, WriteRefused> {
        let message =
            PairingMessage::decode(bytes).map_err(|e| WriteRefused::Malformed(e.to_string()))?;
        let reply = match message {
            // Pair-verify proves a long-term key, not the code: a stranger's wrong guesses never
            // lock the owner's phones out, and a handshake teaches nothing about the code.
            PairingMessage::VerifyStart { start } => {
                self.pending_pake = None;
                let hello = SessionHello {
                    boot_id: self.boot_id,
                    last_seq: self.seq,
                };
                match device_verify(&self.static_key, &self.id, &self.phones, &start, hello) {
                    Ok(verified) => {
                        self.session = SessionSlot(Some(LiveSession {
                            channel: verified.channel,
                            phone: verified.phone,
                            confirmed: false,
                        }));
                        PairingMessage::VerifyReply {
                            reply: verified.reply,
                        }
                    }
                    Err(_) => {
                        self.session = SessionSlot::default();
                        PairingMessage::Outcome(PairingOutcome::WrongProof)
                    }
                }
            }
            _ if self.pairing_lock.retry_after(now).is_some() => {
                self.pending_pake = None;
                PairingMessage::LockedOut {
                    retry_after_secs: self.pairing_lock.retry_after_secs(now).unwrap_or(1),
                }
            }
            PairingMessage::PakeStart { .. } if !self.pairing_open(now) => {
                PairingMessage::Outcome(PairingOutcome::Closed)
            }
            PairingMessage::PakeStart { .. } if self.phones.len() >= MAX_PHONES => {
                PairingMessage::Outcome(PairingOutcome::NoRoom)
            }
            PairingMessage::PakeStart { start } => {
                match DevicePake::respond(&self.proves_with, &self.id, &start, OsRng) {
                    Ok((pake, reply, confirm)) => {
                        self.pending_pake = Some(pake);
                        PairingMessage::PakeReply { reply, confirm }
                    }
                    Err(error) => return Err(WriteRefused::Malformed(error.to_string())),
                }
            }
            PairingMessage::PakeConfirm { confirm, phone_key } => {
                let verified = self.pending_pake.take().map(|pake| pake.verify(&confirm));
                match verified {
                    Some(Ok(key)) => {
                        match open_public_key(&key, Sealer::Phone, &self.id, &phone_key) {
                            Ok(phone) => {
                                if !self.phones.contains(&phone) {
                                    self.phones.push(phone);
                                }
                                // Paired: the window closes, as a commissioning window does.
                                self.pairing_open_until = None;
                                self.pairing_lock.succeeded();
                                PairingMessage::PairedWith {
                                    device_key: seal_public_key(
                                        &key,
                                        Sealer::Device,
                                        &self.id,
                                        &self.static_key.public(),
                                    ),
                                }
                            }
                            // The code was right but the key is not usable: nothing is stored.
                            Err(_) => PairingMessage::Outcome(PairingOutcome::WrongProof),
                        }
                    }
                    // A wrong confirmation, or one with no exchange started: a guess.
                    _ => {
                        self.pairing_lock.wrong_answer(now);
                        PairingMessage::Outcome(PairingOutcome::WrongProof)
                    }
                }
            }
            PairingMessage::Outcome(_)
            | PairingMessage::LockedOut { .. }
            | PairingMessage::PakeReply { .. }
            | PairingMessage::PairedWith { .. }
            | PairingMessage::VerifyReply { .. } => {
                return Err(WriteRefused::Malformed(
                    "the app cannot send this pairing message".into(),
                ))
            }
        };
        Ok(vec![Notification::pairing(reply)])
    }

    /// A session frame from the phone. Anything not genuine, stale, or sent before a session is
    /// refused and counted; it never changes anything and gets no answer.
    fn on_session(&mut self, frame: &[u8]) -> Vec<Notification> {
        let Some(live) = self.session.0.as_mut() else {
            self.refused_frames += 1;
            return Vec::new();
        };
        let plaintext = match live.channel.open(frame) {
            Ok(plaintext) => plaintext,
            Err(error) => {
                tracing::debug!(device = %self.id, %error, "refused a session frame");
                self.refused_frames += 1;
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        match unwrap(&plaintext) {
            Ok((Channel::Ready, [])) => {
                let first = !live.confirmed;
                live.confirmed = true;
                self.emit(DeviceMessage::Battery(self.battery), &mut out);
                self.emit(DeviceMessage::State(self.state), &mut out);
                if first {
                    if self.resend_last_event {
                        if let Some(old) = self.last_sent_event {
                            self.emit(DeviceMessage::Event(old), &mut out);
                        }
                    }
                    while let Some(event) = self.backlog.pop_front() {
                        self.emit(DeviceMessage::Event(event), &mut out);
                    }
                }
            }
            Ok((Channel::Command, body)) if live.confirmed => self.on_command(body, &mut out),
            Ok((Channel::Forget, [])) if live.confirmed => {
                let phone = live.phone;
                self.emit(DeviceMessage::Forgotten, &mut out);
                self.phones.retain(|known| *known != phone);
                self.end_session();
            }
            _ => self.refused_frames += 1,
        }
        out
    }

    /// Sends `message` in the session, or keeps an event for the next one.
    fn emit(&mut self, message: DeviceMessage, out: &mut Vec<Notification>) {
        let event = match &message {
            DeviceMessage::Event(frame) => Some(*frame),
            _ => None,
        };
        let sealed = match self.session.0.as_mut() {
            Some(live) if live.confirmed => live.channel.seal(&message.encode()).ok(),
            _ => None,
        };
        match (sealed, event) {
            (Some(frame), _) => {
                if event.is_some() {
                    self.last_sent_event = event;
                }
                out.push(Notification {
                    characteristic: uuids::SESSION,
                    value: frame,
                    event: event.is_some(),
                });
            }
            (None, Some(event)) => {
                if self.backlog.len() == BACKLOG {
                    self.backlog.pop_front();
                }
                self.backlog.push_back(event);
            }
            // A state or battery snapshot nobody can hear: the next session gets a fresh one.
            (None, None) => {}
        }
    }

    /// A command inside a session: answered with its result, then what it changed.
    fn on_command(&mut self, bytes: &[u8], out: &mut Vec<Notification>) {
        let frame = match CommandFrame::decode(bytes) {
            Ok(frame) => frame,
            Err(_) if bytes.len() >= 3 => {
                // The request id is readable: answer it, so the app is not left waiting.
                let request_id = u16::from_le_bytes([bytes[1], bytes[2]]);
                self.emit(result(request_id, CommandStatus::InvalidArgument), out);
                return;
            }
            Err(_) => {
                self.refused_frames += 1;
                return;
            }
        };
        let mut effects = Vec::new();
        let status = if !frame.command.applies_to(self.kind) {
            CommandStatus::Unsupported
        } else {
            self.execute(frame.command, &mut effects)
        };
        self.emit(result(frame.request_id, status), out);
        for message in effects {
            self.emit(message, out);
        }
    }

    /// Sets the battery level and reports it to a session.
    pub fn set_battery(&mut self, percent: u8) -> Vec<Notification> {
        self.battery = percent;
        let mut out = Vec::new();
        self.emit(DeviceMessage::Battery(percent), &mut out);
        out
    }

    fn execute(&mut self, command: Command, out: &mut Vec<DeviceMessage>) -> CommandStatus {
        let before = self.state;
        match (command, &mut self.state) {
            (Command::Identify, _) => {}
            (Command::SetPower(on), DeviceState::Light(s)) => s.on = on,
            (Command::SetPower(on), DeviceState::BluRayPlayer(s)) => {
                s.power = on;
                if !on {
                    s.playback = Playback::Stopped;
                }
            }
            (Command::SetBrightness(b), DeviceState::Light(s)) => {
                s.brightness = b;
                s.on = b > 0;
            }
            (Command::SetTarget(t), DeviceState::Thermostat(s)) => {
                s.target = t;
                s.heating = s.mode == ThermostatMode::Heat && s.current < t;
            }
            (Command::SetMode(m), DeviceState::Thermostat(s)) => {
                s.mode = m;
                s.heating = m == ThermostatMode::Heat && s.current < s.target;
            }
            (Command::StartToasting { .. }, DeviceState::Toaster(s)) if s.toasting => {
                return CommandStatus::Busy
            }
            (Command::StartToasting { shade }, DeviceState::Toaster(s)) => {
                s.toasting = true;
                s.shade = shade;
            }
            (Command::CancelToasting, DeviceState::Toaster(s)) => s.toasting = false,
            (Command::Refill { packets }, DeviceState::SoapDispenser(s)) => {
                s.remaining = s.remaining.saturating_add(packets).min(s.capacity);
                let (remaining, capacity) = (s.remaining, s.capacity);
                out.push(self.event(Event::Refilled {
                    remaining,
                    capacity,
                }));
                return CommandStatus::Done;
            }
            (Command::PressButton(button), _) => {
                out.extend(self.pressed(button));
                return CommandStatus::Done;
            }
            _ => return CommandStatus::Unsupported,
        }
        if self.state != before {
            out.extend(self.state_changed());
        }
        CommandStatus::Done
    }

    /// The next event, numbered.
    fn event(&mut self, event: Event) -> DeviceMessage {
        self.seq += 1;
        DeviceMessage::Event(EventFrame {
            seq: self.seq,
            event,
        })
    }

    fn state_changed(&mut self) -> Vec<DeviceMessage> {
        let state = self.state;
        vec![
            self.event(Event::StateChanged(state)),
            DeviceMessage::State(state),
        ]
    }

    /// Sends what happened on the device to a session (or keeps its events for the next).
    fn report(&mut self, messages: Vec<DeviceMessage>) -> Vec<Notification> {
        let mut out = Vec::new();
        for message in messages {
            self.emit(message, &mut out);
        }
        out
    }

    /// A soap packet is dispensed (someone pressed the pump). Nothing happens when empty.
    pub fn dispense(&mut self) -> Vec<Notification> {
        let DeviceState::SoapDispenser(s) = &mut self.state else {
            return Vec::new();
        };
        if s.remaining == 0 {
            return Vec::new();
        }
        s.remaining -= 1;
        s.dispensed_total += 1;
        let (remaining, dispensed_total) = (s.remaining, s.dispensed_total);
        let event = self.event(Event::PacketDispensed {
            remaining,
            dispensed_total,
        });
        let state = DeviceMessage::State(self.state);
        self.report(vec![event, state])
    }

    /// A slice is toasted at the current shade; the toaster pops up.
    pub fn toast_slice(&mut self) -> Vec<Notification> {
        let DeviceState::Toaster(s) = &mut self.state else {
            return Vec::new();
        };
        s.slices_total += 1;
        s.toasting = false;
        let (slices_total, shade) = (s.slices_total, s.shade);
        let mut out = vec![self.event(Event::SliceToasted {
            slices_total,
            shade,
        })];
        out.extend(self.state_changed());
        self.report(out)
    }

    /// A button on the player or its remote is pressed.
    pub fn press(&mut self, button: Button) -> Vec<Notification> {
        let messages = self.pressed(button);
        self.report(messages)
    }

    fn pressed(&mut self, button: Button) -> Vec<DeviceMessage> {
        let DeviceState::BluRayPlayer(s) = &mut self.state else {
            return Vec::new();
        };
        let before = *s;
        match button {
            Button::Power => s.power = !s.power,
            Button::Play if s.power => s.playback = Playback::Playing,
            Button::Pause if s.power => s.playback = Playback::Paused,
            Button::Stop if s.power => s.playback = Playback::Stopped,
            Button::Menu if s.power => s.playback = Playback::Menu,
            _ => {}
        }
        let changed = *s != before;
        let mut out = vec![self.event(Event::ButtonPressed(button))];
        if changed {
            out.extend(self.state_changed());
        }
        out
    }
}

fn result(request_id: u16, status: CommandStatus) -> DeviceMessage {
    DeviceMessage::Result(ResultFrame { request_id, status })
}

fn default_state(kind: DeviceKind) -> DeviceState {
    match kind {
        DeviceKind::SoapDispenser => DeviceState::SoapDispenser(DispenserState {
            remaining: 40,
            capacity: 40,
            dispensed_total: 0,
        }),
        DeviceKind::Toaster => DeviceState::Toaster(ToasterState {
            toasting: false,
            shade: 4,
            slices_total: 0,
        }),
        DeviceKind::BluRayPlayer => DeviceState::BluRayPlayer(PlayerState {
            power: false,
            playback: Playback::Stopped,
            title: 1,
            chapter: 1,
        }),
        DeviceKind::Light => DeviceState::Light(LightState {
            on: false,
            brightness: 80,
        }),
        DeviceKind::Thermostat => DeviceState::Thermostat(ThermostatState {
            current: 2050,
            target: 2100,
            mode: ThermostatMode::Heat,
            heating: true,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_protocol::handshake::PhoneHandshake;
    use steward_protocol::pake::PhonePake;
    use steward_protocol::session_message::{command, wrap};

    fn dispenser() -> SimDevice {
        SimDevice::new(
            DeviceKind::SoapDispenser,
            "Dish soap",
            DeviceId([1; 16]),
            [0, 1, 2, 3, 4, 5],
            SetupCode::parse("1234-5678").expect("code"),
        )
    }

    /// A phone as the app is: its long-term key, and what it learned at pairing.
    struct Phone {
        key: StaticSecret,
        device_key: Option<PublicKey>,
        channel: Option<SecureChannel>,
        kind: DeviceKind,
    }

    impl Phone {
        fn new() -> Self {
            Self {
                key: StaticSecret::generate(OsRng),
                device_key: None,
                channel: None,
                kind: DeviceKind::SoapDispenser,
            }
        }

        /// Pairs as the app does, with the PAKE; with a wrong code the phone sends a bogus
        /// confirmation anyway (what a stranger guessing does), so the device counts it.
        fn pair(&mut self, device: &mut SimDevice, code: &str) -> PairingMessage {
            self.kind = device.kind;
            // The owner presses the pairing button first each time (a pairing closes the window).
            device.open_pairing(Instant::now());
            let code = SetupCode::parse(code).expect("code");
            let (phone, start) = PhonePake::start(&code, &device.id, OsRng);
            let reply = device
                .write(
                    uuids::PAIRING,
                    &PairingMessage::PakeStart { start }.encode(),
                )
                .expect("start accepted");
            let PairingMessage::PakeReply { reply, confirm } =
                PairingMessage::decode(&reply[0].value).expect("reply")
            else {
                panic!("expected a PAKE reply")
            };
            let (phone_confirm, pairing) = match phone.finish(&reply, &confirm) {
                Ok((phone_confirm, key)) => (phone_confirm, Some(key)),
                Err(_) => ([0; 32], None),
            };
            let sealed = pairing
                .as_ref()
                .map(|k| seal_public_key(k, Sealer::Phone, &device.id, &self.key.public()))
                .unwrap_or([0; 48]);
            let reply = device
                .write(
                    uuids::PAIRING,
                    &PairingMessage::PakeConfirm {
                        confirm: phone_confirm,
                        phone_key: sealed,
                    }
                    .encode(),
                )
                .expect("confirm accepted");
            let message = PairingMessage::decode(&reply[0].value).expect("a pairing message");
            if let (PairingMessage::PairedWith { device_key }, Some(pairing)) = (message, pairing) {
                self.device_key = Some(
                    open_public_key(&pairing, Sealer::Device, &device.id, &device_key)
                        .expect("the device's key"),
                );
            }
            message
        }

        /// Opens a session on a new connection; the device's answer to Ready, or why not.
        fn verify(&mut self, device: &mut SimDevice) -> Result<Vec<DeviceMessage>, PairingMessage> {
            device.on_connect();
            let device_key = self.device_key.expect("paired");
            let (handshake, start) =
                PhoneHandshake::start(&self.key, &device_key, &device.id).expect("start");
            let reply = device
                .write(
                    uuids::PAIRING,
                    &PairingMessage::VerifyStart { start }.encode(),
                )
                .expect("written");
            let message = PairingMessage::decode(&reply[0].value).expect("a pairing message");
            let PairingMessage::VerifyReply { reply } = message else {
                return Err(message);
            };
            let (channel, _) = handshake.finish(&reply).expect("genuine");
            self.channel = Some(channel);
            Ok(self.send(device, &wrap(Channel::Ready, &[])))
        }

        /// Sends a session plaintext; what the device sent back, opened.
        fn send(&mut self, device: &mut SimDevice, plaintext: &[u8]) -> Vec<DeviceMessage> {
            let frame = self
                .channel
                .as_mut()
                .expect("a session")
                .seal(plaintext)
                .expect("sealed");
            let out = device.write(uuids::SESSION, &frame).expect("written");
            self.open_all(&out)
        }

        fn open_all(&mut self, out: &[Notification]) -> Vec<DeviceMessage> {
            let kind = self.kind;
            let channel = self.channel.as_mut().expect("a session");
            out.iter()
                .map(|n| {
                    assert_eq!(n.characteristic, uuids::SESSION);
                    let plaintext = channel.open(&n.value).expect("genuine");
                    DeviceMessage::decode(kind, &plaintext).expect("decodes")
                })
                .collect()
        }

        fn command(&mut self, device: &mut SimDevice, sent: Command) -> Vec<DeviceMessage> {
            self.send(
                device,
                &command(&CommandFrame {
                    request_id: 9,
                    command: sent,
                }),
            )
        }
    }

    fn status(messages: &[DeviceMessage]) -> Option<CommandStatus> {
        messages.iter().find_map(|m| match m {
            DeviceMessage::Result(r) => Some(r.status),
            _ => None,
        })
    }

    #[test]
    fn nothing_of_the_household_is_readable_or_writable_without_a_session() {
        let mut d = dispenser();
        let mut phone = Phone::new();
        assert!(matches!(
            phone.pair(&mut d, "1234-5678"),
            PairingMessage::PairedWith { .. }
        ));
        for open in [
            uuids::IDENTITY,
            uuids::MANUFACTURER_NAME,
            uuids::MODEL_NUMBER,
        ] {
            assert!(d.read(open).is_some(), "{open} helps choose a device");
        }
        for kind in DeviceKind::ALL {
            assert_eq!(d.read(kind.service()), None);
        }
        d.on_connect();
        let refill = command(&CommandFrame {
            request_id: 5,
            command: Command::Refill { packets: 4 },
        });
        let out = d.write(uuids::SESSION, &refill).expect("written");
        assert!(out.is_empty(), "a plaintext command gets no answer");
        assert_eq!(d.refused_frames(), 1, "and is counted");
        let out = d.dispense();
        assert!(
            out.is_empty(),
            "an event with no session is not sent in any form"
        );
        assert_eq!(d.backlog_len(), 1, "but kept for the phone's next session");
    }

    #[test]
    fn pairing_with_the_printed_code_succeeds_and_a_wrong_code_locks_out_after_three_tries() {
        let mut d = dispenser();
        let mut stranger = Phone::new();
        for _ in 0..3 {
            assert_eq!(
                stranger.pair(&mut d, "0000-0000"),
                PairingMessage::Outcome(PairingOutcome::WrongProof)
            );
        }
        assert!(!d.is_paired());
        let hello = PairingMessage::PakeStart { start: [9; 33] }.encode();
        let now = Instant::now();
        let reply = d.write_at(uuids::PAIRING, &hello, now).expect("written");
        assert!(
            matches!(
                PairingMessage::decode(&reply[0].value),
                Ok(PairingMessage::LockedOut { retry_after_secs }) if (29..=30).contains(&retry_after_secs)
            ),
            "locked, and the device says for how long"
        );
        let later = now + crate::pairing_lock::FIRST_LOCKOUT;
        let (_, start) =
            PhonePake::start(&SetupCode::parse("1234-5678").expect("code"), &d.id, OsRng);
        let reply = d
            .write_at(
                uuids::PAIRING,
                &PairingMessage::PakeStart { start }.encode(),
                later,
            )
            .expect("written");
        assert!(
            matches!(
                PairingMessage::decode(&reply[0].value),
                Ok(PairingMessage::PakeReply { .. })
            ),
            "the lock-out ends: the owner can pair again"
        );

        let mut fresh = dispenser();
        let mut owner = Phone::new();
        assert!(matches!(
            owner.pair(&mut fresh, "1234-5678"),
            PairingMessage::PairedWith { .. }
        ));
        assert!(fresh.is_paired());
        assert_eq!(owner.device_key, Some(fresh.public_key()));
    }

    #[test]
    fn a_locked_device_still_lets_its_phones_in() {
        let mut d = dispenser();
        let mut owner = Phone::new();
        owner.pair(&mut d, "1234-5678");
        d.bogus_answers(3, Instant::now());
        assert!(
            owner.verify(&mut d).is_ok(),
            "a stranger's wrong codes do not lock the owner out"
        );
    }

    #[test]
    fn each_phone_has_its_own_key_and_a_stranger_is_not_recognised() {
        let mut d = dispenser();
        let mut phone_a = Phone::new();
        let mut phone_b = Phone::new();
        phone_a.pair(&mut d, "1234-5678");
        phone_b.pair(&mut d, "1234-5678");
        assert_eq!(d.paired_phones(), 2);
        for phone in [&mut phone_a, &mut phone_b] {
            assert!(phone.verify(&mut d).is_ok());
            assert!(d.is_authorised());
        }
        let mut stranger = Phone::new();
        stranger.device_key = Some(d.public_key());
        assert_eq!(
            stranger.verify(&mut d).map(|_| ()),
            Err(PairingMessage::Outcome(PairingOutcome::WrongProof)),
            "knowing the device's public key is not being one of its phones"
        );
        assert!(!d.is_authorised());
    }

    #[test]
    fn a_phone_removes_itself_and_a_reset_forgets_every_phone() {
        let mut d = dispenser();
        let mut phone_a = Phone::new();
        let mut phone_b = Phone::new();
        phone_a.pair(&mut d, "1234-5678");
        phone_b.pair(&mut d, "1234-5678");
        assert!(phone_a.verify(&mut d).is_ok());
        assert_eq!(
            phone_a.send(&mut d, &wrap(Channel::Forget, &[])),
            vec![DeviceMessage::Forgotten]
        );
        assert_eq!(d.paired_phones(), 1);
        assert!(!d.is_authorised(), "the session ends with the key");
        assert_eq!(
            phone_a.verify(&mut d).map(|_| ()),
            Err(PairingMessage::Outcome(PairingOutcome::WrongProof)),
            "a removed phone's old key is refused"
        );
        assert!(
            phone_b.verify(&mut d).is_ok(),
            "the other phone is untouched"
        );

        let boot = d.boot_id();
        d.reset();
        assert_ne!(d.boot_id(), boot, "a reset is a new boot");
        assert_eq!(
            phone_b.verify(&mut d).map(|_| ()),
            Err(PairingMessage::Outcome(PairingOutcome::WrongProof)),
            "a reset forgets every phone"
        );
        assert!(!d.is_paired());
    }

    #[test]
    fn pairing_is_accepted_only_while_the_window_is_open() {
        let mut d = dispenser();
        let now = Instant::now();
        assert!(d.pairing_open(now), "open after power-up");
        assert!(
            !d.pairing_open(now + PAIRING_WINDOW + std::time::Duration::from_secs(1)),
            "for a while only"
        );
        let code = SetupCode::parse("1234-5678").expect("code");
        let start = |d: &SimDevice| {
            let (_, start) = PhonePake::start(&code, &d.id, OsRng);
            PairingMessage::PakeStart { start }.encode()
        };
        let later = now + PAIRING_WINDOW + std::time::Duration::from_secs(1);
        let reply = d
            .write_at(uuids::PAIRING, &start(&d), later)
            .expect("written");
        assert_eq!(
            PairingMessage::decode(&reply[0].value),
            Ok(PairingMessage::Outcome(PairingOutcome::Closed)),
            "closed: the device says so, so the app can ask for the button"
        );
        d.open_pairing(later);
        let reply = d
            .write_at(uuids::PAIRING, &start(&d), later)
            .expect("written");
        assert!(matches!(
            PairingMessage::decode(&reply[0].value),
            Ok(PairingMessage::PakeReply { .. })
        ));

        let mut fresh = dispenser();
        Phone::new().pair(&mut fresh, "1234-5678");
        assert!(
            !fresh.pairing_open(Instant::now()),
            "a pairing closes the window, so a second phone needs the button again"
        );
        let identity =
            Identity::decode(&fresh.read(uuids::IDENTITY).expect("readable")).expect("identity");
        assert!(
            identity.paired && !identity.pairing_open,
            "the identity says both"
        );
    }

    #[test]
    fn a_device_keeps_a_bounded_list_of_phones() {
        let mut d = dispenser();
        for _ in 0..MAX_PHONES {
            assert!(matches!(
                Phone::new().pair(&mut d, "1234-5678"),
                PairingMessage::PairedWith { .. }
            ));
        }
        d.open_pairing(Instant::now());
        let (_, start) =
            PhonePake::start(&SetupCode::parse("1234-5678").expect("code"), &d.id, OsRng);
        let reply = d
            .write(
                uuids::PAIRING,
                &PairingMessage::PakeStart { start }.encode(),
            )
            .expect("written");
        assert_eq!(
            PairingMessage::decode(&reply[0].value),
            Ok(PairingMessage::Outcome(PairingOutcome::NoRoom))
        );
    }

    #[test]
    fn a_new_connection_must_verify_again() {
        let mut d = dispenser();
        let mut phone = Phone::new();
        phone.pair(&mut d, "1234-5678");
        assert!(phone.verify(&mut d).is_ok());
        let old = phone
            .channel
            .as_mut()
            .expect("session")
            .seal(&command(&CommandFrame {
                request_id: 6,
                command: Command::Refill { packets: 1 },
            }))
            .expect("sealed");
        d.on_connect();
        assert!(
            d.write(uuids::SESSION, &old).expect("written").is_empty(),
            "a frame of the last connection's session does nothing on this one"
        );
        assert!(phone.verify(&mut d).is_ok());
        assert_eq!(
            d.write(uuids::SESSION, &old).expect("written"),
            Vec::new(),
            "nor in the next session"
        );
        assert_eq!(d.refused_frames(), 2);
        assert_eq!(
            status(&phone.command(&mut d, Command::Refill { packets: 1 })),
            Some(CommandStatus::Done)
        );
    }

    #[test]
    fn a_session_starts_with_the_state_and_the_events_missed() {
        let mut d = dispenser();
        let mut phone = Phone::new();
        phone.pair(&mut d, "1234-5678");
        d.dispense();
        d.dispense();
        let first = phone.verify(&mut d).expect("verified");
        assert!(matches!(first[0], DeviceMessage::Battery(87)));
        assert!(matches!(first[1], DeviceMessage::State(_)));
        let seqs: Vec<u32> = first
            .iter()
            .filter_map(|m| match m {
                DeviceMessage::Event(e) => Some(e.seq),
                _ => None,
            })
            .collect();
        assert_eq!(seqs, vec![1, 2], "the backlog, in order");
        assert_eq!(d.backlog_len(), 0);
        let out = d.dispense();
        let live = phone.open_all(&out);
        assert!(matches!(
            live[0],
            DeviceMessage::Event(EventFrame {
                seq: 3,
                event: Event::PacketDispensed {
                    remaining: 37,
                    dispensed_total: 3
                }
            })
        ));
    }

    #[test]
    fn the_backlog_is_bounded() {
        let mut d = dispenser();
        d.set_state(DeviceState::SoapDispenser(DispenserState {
            remaining: u16::MAX,
            capacity: u16::MAX,
            dispensed_total: 0,
        }));
        for _ in 0..BACKLOG + 10 {
            d.dispense();
        }
        assert_eq!(d.backlog_len(), BACKLOG, "the oldest go first");
    }

    #[test]
    fn out_of_order_truncated_or_oversized_handshake_messages_change_nothing() {
        let mut d = dispenser();
        let stray = PairingMessage::PakeConfirm {
            confirm: [1; 32],
            phone_key: [2; 48],
        };
        let out = d.write(uuids::PAIRING, &stray.encode()).expect("written");
        assert_eq!(
            PairingMessage::decode(&out[0].value),
            Ok(PairingMessage::Outcome(PairingOutcome::WrongProof)),
            "a confirmation with no exchange started is a guess"
        );
        for device_only in [
            PairingMessage::PakeReply {
                reply: [3; 33],
                confirm: [4; 32],
            },
            PairingMessage::PairedWith {
                device_key: [5; 48],
            },
            PairingMessage::VerifyReply { reply: [6; 61] },
            PairingMessage::Outcome(PairingOutcome::Paired),
        ] {
            assert!(
                matches!(
                    d.write(uuids::PAIRING, &device_only.encode()),
                    Err(WriteRefused::Malformed(_))
                ),
                "{device_only:?} is not the phone's to send"
            );
        }
        let start = PairingMessage::VerifyStart { start: [7; 96] }.encode();
        for bad in [
            &start[..start.len() - 1],
            &[start.as_slice(), &[0]].concat()[..],
            &[2][..],
        ] {
            assert!(
                matches!(
                    d.write(uuids::PAIRING, bad),
                    Err(WriteRefused::Malformed(_))
                ),
                "{} bytes: refused with a write error",
                bad.len()
            );
        }
        assert!(d
            .write(uuids::SESSION, &[2; 40])
            .expect("written")
            .is_empty());
        assert_eq!(d.refused_frames(), 1, "a session frame before any session");
        assert!(!d.is_paired(), "nothing of it paired anyone");

        // A pairing begun and abandoned for pair-verify: the half exchange is gone.
        let mut phone = Phone::new();
        phone.pair(&mut d, "1234-5678");
        d.open_pairing(Instant::now());
        let (_, start) =
            PhonePake::start(&SetupCode::parse("1234-5678").expect("code"), &d.id, OsRng);
        d.write(
            uuids::PAIRING,
            &PairingMessage::PakeStart { start }.encode(),
        )
        .expect("started");
        assert!(phone.verify(&mut d).is_ok());
        let out = d.write(uuids::PAIRING, &stray.encode()).expect("written");
        assert_eq!(
            PairingMessage::decode(&out[0].value),
            Ok(PairingMessage::Outcome(PairingOutcome::WrongProof))
        );
        assert_eq!(d.paired_phones(), 1, "still one phone");
        assert!(d.is_authorised(), "and its session untouched");
    }

    #[test]
    fn a_paired_light_obeys_and_reports_its_new_state() {
        let mut light = SimDevice::new(
            DeviceKind::Light,
            "Lamp",
            DeviceId([2; 16]),
            [0; 6],
            SetupCode::parse("11112222").expect("code"),
        );
        let mut phone = Phone::new();
        phone.pair(&mut light, "1111-2222");
        phone.verify(&mut light).expect("verified");
        let out = phone.command(&mut light, Command::SetBrightness(30));
        assert_eq!(status(&out), Some(CommandStatus::Done));
        assert!(
            matches!(out[0], DeviceMessage::Result(_)),
            "the result comes first"
        );
        assert_eq!(
            light.state(),
            DeviceState::Light(LightState {
                on: true,
                brightness: 30
            })
        );
        assert!(
            out.iter().any(|m| matches!(m, DeviceMessage::Event(_))),
            "the change is reported as an event"
        );
        let out = phone.send(&mut light, &[Channel::Command as u8, 1, 7]);
        assert_eq!(out, Vec::new(), "too short to answer: refused, counted");
        let out = phone.send(&mut light, &[Channel::Command as u8, 1, 7, 0, 0x7f]);
        assert_eq!(
            status(&out),
            Some(CommandStatus::InvalidArgument),
            "an unknown opcode is answered"
        );
    }
}
