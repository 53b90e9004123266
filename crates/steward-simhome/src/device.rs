//! A simulated device's behaviour: its identity, state, pairing and commands, as a state machine
//! over `steward-protocol` frames. It does no I/O; the BlueZ layer moves its bytes.

use std::time::Instant;

use steward_protocol::command::{Command, CommandFrame, CommandStatus, ResultFrame};
use steward_protocol::pairing::{Nonce, PairingKey, PairingMessage, PairingOutcome, SetupCode};
use steward_protocol::pake::{DevicePake, OsRng};
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

/// How long pairing stays open after power-up or a press of the pairing button (HomeKit's
/// accessories allow 5 minutes; Matter's commissioning window is of the same order).
pub const PAIRING_WINDOW: std::time::Duration = std::time::Duration::from_secs(300);

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
    /// The keys of the phones paired with it, one per phone, at most [`MAX_PHONES`].
    phones: Vec<PairingKey>,
    /// Which phone's key the app on this connection proved it holds (or was just given); reset
    /// on every new connection.
    authorised: Option<usize>,
    /// A reconnection in progress: the nonces and which phone's key it uses.
    pending_pairing: Option<(Nonce, Nonce, usize)>,
    /// A first pairing in progress: the device's half of the SPAKE2 exchange.
    pending_pake: Option<DevicePake>,
    /// Until when a new pairing is accepted (the commissioning window); `None` when closed.
    pairing_open_until: Option<Instant>,
    pairing_lock: crate::pairing_lock::PairingLock,
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
            phones: Vec::new(),
            authorised: None,
            pending_pairing: None,
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

    /// Whether any phone is paired with it.
    pub fn is_paired(&self) -> bool {
        !self.phones.is_empty()
    }

    /// How many phones are paired with it.
    pub fn paired_phones(&self) -> usize {
        self.phones.len()
    }

    /// Whether the app on the current connection has authenticated.
    pub fn is_authorised(&self) -> bool {
        self.authorised.is_some()
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

    /// A factory reset: every paired phone is forgotten (their keys no longer work).
    pub fn reset(&mut self) {
        self.phones.clear();
        self.authorised = None;
        self.pending_pairing = None;
        self.pending_pake = None;
    }

    /// A new connection starts unauthenticated: a phone must prove the code on each connection.
    pub fn on_connect(&mut self) {
        self.authorised = None;
        self.pending_pairing = None;
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

    /// The value a read of `characteristic` returns.
    pub fn read(&self, characteristic: Uuid) -> Option<Vec<u8>> {
        Some(match characteristic {
            c if c == uuids::IDENTITY => Identity {
                kind: self.kind,
                id: self.id,
                paired: self.is_paired(),
                pairing_open: self.pairing_open(Instant::now()),
            }
            .encode(),
            c if c == self.kind.state_characteristic() => self.state.encode(),
            c if c == uuids::MANUFACTURER_NAME => b"Steward Labs".to_vec(),
            c if c == uuids::MODEL_NUMBER => format!("SIM-{}", self.kind.as_str()).into_bytes(),
            c if c == uuids::FIRMWARE_REVISION => self.firmware.clone().into_bytes(),
            c if c == uuids::BATTERY_LEVEL => vec![self.battery],
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
        fresh_nonce: impl FnOnce() -> Nonce,
    ) -> Result<Vec<Notification>, WriteRefused> {
        self.write_at(characteristic, bytes, fresh_nonce, Instant::now())
    }

    /// Handles a write at `now` (the pairing lock-out runs on it).
    pub fn write_at(
        &mut self,
        characteristic: Uuid,
        bytes: &[u8],
        fresh_nonce: impl FnOnce() -> Nonce,
        now: Instant,
    ) -> Result<Vec<Notification>, WriteRefused> {
        match characteristic {
            c if c == uuids::PAIRING => self.on_pairing(bytes, fresh_nonce, now),
            c if c == uuids::COMMAND => self.on_command(bytes),
            _ => Err(WriteRefused::NotWritable),
        }
    }

    fn on_pairing(
        &mut self,
        bytes: &[u8],
        fresh_nonce: impl FnOnce() -> Nonce,
        now: Instant,
    ) -> Result<Vec<Notification>, WriteRefused> {
        let message =
            PairingMessage::decode(bytes).map_err(|e| WriteRefused::Malformed(e.to_string()))?;
        let reply = match message {
            // An authenticated phone removing itself is not a guess: the lock-out does not apply.
            m if m != PairingMessage::Forget && self.pairing_lock.retry_after(now).is_some() => {
                self.pending_pairing = None;
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
            PairingMessage::PakeConfirm { confirm } => {
                match self.pending_pake.take().map(|pake| pake.verify(&confirm)) {
                    Some(Ok(key)) => {
                        self.phones.push(key);
                        // Paired: the window closes, as a commissioning window does.
                        self.pairing_open_until = None;
                        self.authorised = Some(self.phones.len() - 1);
                        self.pairing_lock.succeeded();
                        PairingMessage::Outcome(PairingOutcome::Paired)
                    }
                    // A wrong confirmation, or one with no exchange started: a guess.
                    _ => {
                        self.pairing_lock.wrong_answer(now);
                        PairingMessage::Outcome(PairingOutcome::WrongProof)
                    }
                }
            }
            PairingMessage::Forget => match self.authorised.take() {
                Some(index) if index < self.phones.len() => {
                    self.phones.remove(index);
                    PairingMessage::Outcome(PairingOutcome::Paired)
                }
                // Only a phone that proved its key on this connection may remove itself.
                _ => PairingMessage::Outcome(PairingOutcome::WrongProof),
            },
            PairingMessage::Hello { app_nonce, key_id } => {
                match self.phones.iter().position(|key| key.id() == key_id) {
                    Some(index) => {
                        let device_nonce = fresh_nonce();
                        self.pending_pairing = Some((app_nonce, device_nonce, index));
                        let device_proof =
                            self.phones[index].device_proof(&self.id, &app_nonce, &device_nonce);
                        PairingMessage::Challenge {
                            device_nonce,
                            device_proof,
                        }
                    }
                    // Not one of its phones (never paired, or removed, or the device was reset).
                    None => PairingMessage::Outcome(PairingOutcome::WrongProof),
                }
            }
            PairingMessage::Answer { app_proof } => match self.pending_pairing.take() {
                Some((app_nonce, device_nonce, index))
                    if self.phones.get(index).is_some_and(|key| {
                        key.verify_app_proof(&self.id, &device_nonce, &app_nonce, &app_proof)
                    }) =>
                {
                    self.authorised = Some(index);
                    PairingMessage::Outcome(PairingOutcome::Paired)
                }
                _ => {
                    self.pairing_lock.wrong_answer(now);
                    PairingMessage::Outcome(PairingOutcome::WrongProof)
                }
            },
            PairingMessage::Challenge { .. }
            | PairingMessage::Outcome(_)
            | PairingMessage::LockedOut { .. }
            | PairingMessage::PakeReply { .. } => {
                return Err(WriteRefused::Malformed(
                    "the app cannot send this pairing message".into(),
                ))
            }
        };
        Ok(vec![Notification {
            characteristic: uuids::PAIRING,
            value: reply.encode(),
        }])
    }

    fn on_command(&mut self, bytes: &[u8]) -> Result<Vec<Notification>, WriteRefused> {
        let frame = match CommandFrame::decode(bytes) {
            Ok(frame) => frame,
            Err(_) if bytes.len() >= 3 => {
                // The request id is readable: answer it, so the app is not left waiting.
                let request_id = u16::from_le_bytes([bytes[1], bytes[2]]);
                return Ok(vec![result(request_id, CommandStatus::InvalidArgument)]);
            }
            Err(e) => return Err(WriteRefused::Malformed(e.to_string())),
        };
        let mut out = Vec::new();
        let status = if self.authorised.is_none() {
            CommandStatus::NotPaired
        } else if !frame.command.applies_to(self.kind) {
            CommandStatus::Unsupported
        } else {
            self.execute(frame.command, &mut out)
        };
        out.insert(0, result(frame.request_id, status));
        Ok(out)
    }

    fn execute(&mut self, command: Command, out: &mut Vec<Notification>) -> CommandStatus {
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
                out.extend(self.press(button));
                return CommandStatus::Done;
            }
            _ => return CommandStatus::Unsupported,
        }
        if self.state != before {
            out.extend(self.state_changed());
        }
        CommandStatus::Done
    }

    /// The next event frame as a notification.
    fn event(&mut self, event: Event) -> Notification {
        self.seq += 1;
        Notification {
            characteristic: uuids::EVENTS,
            value: EventFrame {
                seq: self.seq,
                event,
            }
            .encode(),
        }
    }

    fn state_changed(&mut self) -> Vec<Notification> {
        let state = self.state;
        vec![
            self.event(Event::StateChanged(state)),
            Notification {
                characteristic: self.kind.state_characteristic(),
                value: state.encode(),
            },
        ]
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
        let mut out = vec![self.event(Event::PacketDispensed {
            remaining,
            dispensed_total,
        })];
        out.push(Notification {
            characteristic: self.kind.state_characteristic(),
            value: self.state.encode(),
        });
        out
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
        out
    }

    /// A button on the player or its remote is pressed.
    pub fn press(&mut self, button: Button) -> Vec<Notification> {
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

fn result(request_id: u16, status: CommandStatus) -> Notification {
    Notification {
        characteristic: uuids::COMMAND_RESULT,
        value: ResultFrame { request_id, status }.encode(),
    }
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
    use steward_protocol::pairing::PairingKey;

    fn dispenser() -> SimDevice {
        SimDevice::new(
            DeviceKind::SoapDispenser,
            "Dish soap",
            DeviceId([1; 16]),
            [0, 1, 2, 3, 4, 5],
            SetupCode::parse("1234-5678").expect("code"),
        )
    }

    /// Pairs as a phone would, with the PAKE; with a wrong code the phone sends a bogus
    /// confirmation anyway (what a stranger guessing does), so the device counts it.
    fn pair(device: &mut SimDevice, code: &str) -> PairingOutcome {
        pair_keeping(device, code).0
    }

    fn pair_keeping(device: &mut SimDevice, code: &str) -> (PairingOutcome, Option<PairingKey>) {
        // The owner presses the pairing button first each time (a pairing closes the window).
        device.open_pairing(Instant::now());
        let code = SetupCode::parse(code).expect("code");
        let (phone, start) = steward_protocol::pake::PhonePake::start(&code, &device.id, OsRng);
        let reply = device
            .write(
                uuids::PAIRING,
                &PairingMessage::PakeStart { start }.encode(),
                || [8; 16],
            )
            .expect("start accepted");
        let PairingMessage::PakeReply { reply, confirm } =
            PairingMessage::decode(&reply[0].value).expect("reply")
        else {
            panic!("expected a PAKE reply")
        };
        let (phone_confirm, key) = match phone.finish(&reply, &confirm) {
            Ok((phone_confirm, key)) => (phone_confirm, Some(key)),
            Err(_) => ([0; 32], None),
        };
        let reply = device
            .write(
                uuids::PAIRING,
                &PairingMessage::PakeConfirm {
                    confirm: phone_confirm,
                }
                .encode(),
                || [0; 16],
            )
            .expect("confirm accepted");
        match PairingMessage::decode(&reply[0].value) {
            Ok(PairingMessage::Outcome(outcome)) => (outcome, key),
            other => panic!("expected an outcome, got {other:?}"),
        }
    }

    #[test]
    fn commands_before_pairing_are_refused() {
        let mut d = dispenser();
        let out = d
            .write(
                uuids::COMMAND,
                &CommandFrame {
                    request_id: 5,
                    command: Command::Refill { packets: 4 },
                }
                .encode(),
                || [0; 16],
            )
            .expect("written");
        assert_eq!(
            ResultFrame::decode(&out[0].value),
            Ok(ResultFrame {
                request_id: 5,
                status: CommandStatus::NotPaired
            })
        );
    }

    #[test]
    fn pairing_with_the_printed_code_succeeds_and_a_wrong_code_locks_out_after_three_tries() {
        let mut d = dispenser();
        for _ in 0..3 {
            assert_eq!(pair(&mut d, "0000-0000"), PairingOutcome::WrongProof);
        }
        assert!(!d.is_paired());
        let hello = PairingMessage::PakeStart { start: [9; 33] }.encode();
        let now = Instant::now();
        let reply = d
            .write_at(uuids::PAIRING, &hello, || [8; 16], now)
            .expect("written");
        assert!(
            matches!(
                PairingMessage::decode(&reply[0].value),
                Ok(PairingMessage::LockedOut { retry_after_secs }) if (29..=30).contains(&retry_after_secs)
            ),
            "locked, and the device says for how long"
        );
        let later = now + crate::pairing_lock::FIRST_LOCKOUT;
        let (_, start) = steward_protocol::pake::PhonePake::start(
            &SetupCode::parse("1234-5678").expect("code"),
            &d.id,
            OsRng,
        );
        let reply = d
            .write_at(
                uuids::PAIRING,
                &PairingMessage::PakeStart { start }.encode(),
                || [8; 16],
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
        assert_eq!(pair(&mut fresh, "1234-5678"), PairingOutcome::Paired);
        assert!(fresh.is_paired());
    }

    /// Authenticates on a new connection as the phone holding `key` would; the device's outcome.
    fn reconnect(device: &mut SimDevice, key: &PairingKey) -> PairingMessage {
        device.on_connect();
        let hello = PairingMessage::Hello {
            app_nonce: [3; 16],
            key_id: key.id(),
        };
        let reply = device
            .write(uuids::PAIRING, &hello.encode(), || [4; 16])
            .expect("hello accepted");
        let Ok(PairingMessage::Challenge {
            device_nonce,
            device_proof,
        }) = PairingMessage::decode(&reply[0].value)
        else {
            return PairingMessage::decode(&reply[0].value).expect("a pairing message");
        };
        assert!(key.verify_device_proof(&device.id, &[3; 16], &device_nonce, &device_proof));
        let answer = PairingMessage::Answer {
            app_proof: key.app_proof(&device.id, &device_nonce, &[3; 16]),
        };
        let reply = device
            .write(uuids::PAIRING, &answer.encode(), || [0; 16])
            .expect("answer accepted");
        PairingMessage::decode(&reply[0].value).expect("an outcome")
    }

    #[test]
    fn each_phone_gets_its_own_key_and_a_stranger_key_is_not_recognised() {
        let mut d = dispenser();
        let (first, Some(phone_a)) = pair_keeping(&mut d, "1234-5678") else {
            panic!("pairs")
        };
        let (second, Some(phone_b)) = pair_keeping(&mut d, "1234-5678") else {
            panic!("pairs again")
        };
        assert_eq!(
            (first, second),
            (PairingOutcome::Paired, PairingOutcome::Paired)
        );
        assert_ne!(
            phone_a, phone_b,
            "the same code paired from two phones gives two keys"
        );
        assert_eq!(d.paired_phones(), 2);
        for key in [&phone_a, &phone_b] {
            assert_eq!(
                reconnect(&mut d, key),
                PairingMessage::Outcome(PairingOutcome::Paired)
            );
            assert!(d.is_authorised());
        }
        let stranger = PairingKey::from_bytes([42; 32]);
        assert_eq!(
            reconnect(&mut d, &stranger),
            PairingMessage::Outcome(PairingOutcome::WrongProof),
            "a key the device never gave is not one of its phones"
        );
        assert!(!d.is_authorised());
    }

    #[test]
    fn a_phone_removes_itself_and_a_reset_forgets_every_phone() {
        let mut d = dispenser();
        let (_, Some(phone_a)) = pair_keeping(&mut d, "1234-5678") else {
            panic!("pairs")
        };
        let (_, Some(phone_b)) = pair_keeping(&mut d, "1234-5678") else {
            panic!("pairs")
        };
        d.on_connect();
        let forget = PairingMessage::Forget.encode();
        let refused = d
            .write(uuids::PAIRING, &forget, || [0; 16])
            .expect("written");
        assert_eq!(
            PairingMessage::decode(&refused[0].value),
            Ok(PairingMessage::Outcome(PairingOutcome::WrongProof)),
            "an unauthenticated connection cannot remove anyone"
        );
        assert_eq!(d.paired_phones(), 2);

        assert_eq!(
            reconnect(&mut d, &phone_a),
            PairingMessage::Outcome(PairingOutcome::Paired)
        );
        let done = d
            .write(uuids::PAIRING, &forget, || [0; 16])
            .expect("written");
        assert_eq!(
            PairingMessage::decode(&done[0].value),
            Ok(PairingMessage::Outcome(PairingOutcome::Paired))
        );
        assert_eq!(
            reconnect(&mut d, &phone_a),
            PairingMessage::Outcome(PairingOutcome::WrongProof),
            "a removed phone's old key is refused"
        );
        assert_eq!(
            reconnect(&mut d, &phone_b),
            PairingMessage::Outcome(PairingOutcome::Paired),
            "the other phone is untouched"
        );

        d.reset();
        assert_eq!(
            reconnect(&mut d, &phone_b),
            PairingMessage::Outcome(PairingOutcome::WrongProof),
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
            let (_, start) = steward_protocol::pake::PhonePake::start(&code, &d.id, OsRng);
            PairingMessage::PakeStart { start }.encode()
        };
        let later = now + PAIRING_WINDOW + std::time::Duration::from_secs(1);
        let reply = d
            .write_at(uuids::PAIRING, &start(&d), || [0; 16], later)
            .expect("written");
        assert_eq!(
            PairingMessage::decode(&reply[0].value),
            Ok(PairingMessage::Outcome(PairingOutcome::Closed)),
            "closed: the device says so, so the app can ask for the button"
        );
        d.open_pairing(later);
        let reply = d
            .write_at(uuids::PAIRING, &start(&d), || [0; 16], later)
            .expect("written");
        assert!(matches!(
            PairingMessage::decode(&reply[0].value),
            Ok(PairingMessage::PakeReply { .. })
        ));

        let mut fresh = dispenser();
        assert_eq!(pair(&mut fresh, "1234-5678"), PairingOutcome::Paired);
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
            assert_eq!(pair(&mut d, "1234-5678"), PairingOutcome::Paired);
        }
        d.open_pairing(Instant::now());
        let (_, start) = steward_protocol::pake::PhonePake::start(
            &SetupCode::parse("1234-5678").expect("code"),
            &d.id,
            OsRng,
        );
        let reply = d
            .write(
                uuids::PAIRING,
                &PairingMessage::PakeStart { start }.encode(),
                || [0; 16],
            )
            .expect("written");
        assert_eq!(
            PairingMessage::decode(&reply[0].value),
            Ok(PairingMessage::Outcome(PairingOutcome::NoRoom))
        );
    }

    #[test]
    fn a_new_connection_must_authenticate_again() {
        let mut d = dispenser();
        assert_eq!(pair(&mut d, "1234-5678"), PairingOutcome::Paired);
        d.on_connect();
        let refill = CommandFrame {
            request_id: 6,
            command: Command::Refill { packets: 1 },
        }
        .encode();
        let out = d
            .write(uuids::COMMAND, &refill, || [0; 16])
            .expect("written");
        assert_eq!(
            ResultFrame::decode(&out[0].value).map(|r| r.status),
            Ok(CommandStatus::NotPaired),
            "being paired once does not let any later connection command the device"
        );
        assert_eq!(
            pair(&mut d, "1234-5678"),
            PairingOutcome::Paired,
            "the same proof authenticates again"
        );
        let out = d
            .write(uuids::COMMAND, &refill, || [0; 16])
            .expect("written");
        assert_eq!(
            ResultFrame::decode(&out[0].value).map(|r| r.status),
            Ok(CommandStatus::Done)
        );
    }

    #[test]
    fn dispensing_counts_down_with_numbered_events() {
        let mut d = dispenser();
        let first = d.dispense();
        let second = d.dispense();
        let decode = |n: &Notification| {
            EventFrame::decode(DeviceKind::SoapDispenser, &n.value).expect("event")
        };
        assert_eq!(
            decode(&first[0]),
            EventFrame {
                seq: 1,
                event: Event::PacketDispensed {
                    remaining: 39,
                    dispensed_total: 1
                }
            }
        );
        assert_eq!(
            decode(&second[0]).seq,
            2,
            "each event gets the next sequence number"
        );
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
        assert_eq!(pair(&mut light, "1111-2222"), PairingOutcome::Paired);
        let out = light
            .write(
                uuids::COMMAND,
                &CommandFrame {
                    request_id: 1,
                    command: Command::SetBrightness(30),
                }
                .encode(),
                || [0; 16],
            )
            .expect("written");
        assert_eq!(
            ResultFrame::decode(&out[0].value).map(|r| r.status),
            Ok(CommandStatus::Done)
        );
        assert_eq!(
            light.state(),
            DeviceState::Light(LightState {
                on: true,
                brightness: 30
            })
        );
        assert!(
            out.iter().any(|n| n.characteristic == uuids::EVENTS),
            "the change is reported as an event"
        );
    }
}
