//! The kiosk lock: the PIN's salted hash (`settings_set_pin`) and which windows have been
//! unlocked with it (`kiosk_unlock`).
//!
//! The PIN is stretched with PBKDF2-HMAC-SHA256 and a random 16-byte salt and kept as
//! `$pbkdf2-sha256$i=<iterations>$<salt>$<hash>` (base64 without padding, PHC style), so the
//! cost can rise later without invalidating stored PINs. Comparison is constant-time. A PIN of
//! 4 to 12 digits has little entropy whatever the hash; the hash keeps it off the disk in clear
//! and makes guessing from a copied config file slow. At the window, wrong tries are logged and,
//! after the first few, each further one must wait (30 s, doubling, at most 15 minutes), so
//! trying all 10,000 four-digit PINs would take months rather than an hour.

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Duration, Utc};

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use relay_api::{ErrorCode, KioskView, Pin, UiError};
use relay_core::config::KioskSettings;
use sha2::Sha256;
use subtle::ConstantTimeEq;

const SCHEME: &str = "pbkdf2-sha256";
const SALT_BYTES: usize = 16;
const HASH_BYTES: usize = 32;
/// A stored count above this is refused rather than run: a hand-edited hash must not make
/// `kiosk_unlock` spin for minutes.
const MAX_ITERATIONS: u32 = 10_000_000;

/// Turns PINs into salted hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PinHasher {
    iterations: u32,
}

impl PinHasher {
    /// OWASP's current recommendation for PBKDF2-HMAC-SHA256.
    pub const RECOMMENDED_ITERATIONS: u32 = 600_000;

    /// A cheaper hasher, for tests only: the count is stored with each hash, so verifying needs
    /// no configuration.
    pub fn with_iterations(iterations: u32) -> Self {
        Self {
            iterations: iterations.clamp(1, MAX_ITERATIONS),
        }
    }

    /// The salted hash of `pin`, as stored in `settings.kiosk.pin_hash`.
    pub fn hash(&self, pin: &Pin) -> String {
        let mut salt = [0_u8; SALT_BYTES];
        rand::fill(&mut salt);
        let hash = derive(pin, &salt, self.iterations);
        format!(
            "${SCHEME}$i={}${}${}",
            self.iterations,
            STANDARD_NO_PAD.encode(salt),
            STANDARD_NO_PAD.encode(hash)
        )
    }
}

impl Default for PinHasher {
    fn default() -> Self {
        Self::with_iterations(Self::RECOMMENDED_ITERATIONS)
    }
}

/// Whether `pin` is the one `stored` was made from; `None` when `stored` is not a hash this
/// build can read.
pub fn pin_matches(pin: &Pin, stored: &str) -> Option<bool> {
    let mut parts = stored.strip_prefix('$')?.split('$');
    if parts.next()? != SCHEME {
        return None;
    }
    let iterations: u32 = parts.next()?.strip_prefix("i=")?.parse().ok()?;
    let salt = STANDARD_NO_PAD.decode(parts.next()?).ok()?;
    let expected = STANDARD_NO_PAD.decode(parts.next()?).ok()?;
    if parts.next().is_some()
        || !(1..=MAX_ITERATIONS).contains(&iterations)
        || expected.len() != HASH_BYTES
    {
        return None;
    }
    let actual = derive(pin, &salt, iterations);
    Some(bool::from(actual.ct_eq(expected.as_slice())))
}

fn derive(pin: &Pin, salt: &[u8], iterations: u32) -> [u8; HASH_BYTES] {
    let mut out = [0_u8; HASH_BYTES];
    pbkdf2::pbkdf2_hmac::<Sha256>(pin.expose().as_bytes(), salt, iterations, &mut out);
    out
}

/// Wrong PINs in a row that cost nothing but a log line.
const FREE_WRONG_PINS: u32 = 4;
/// The wait after the first wrong PIN beyond those; each further one doubles it.
const FIRST_WAIT_SECONDS: i64 = 30;
const LONGEST_WAIT_SECONDS: i64 = 15 * 60;

/// Wrong PINs in a row, for the whole app: a new window (or a new window process) must not
/// start the count again.
#[derive(Debug, Default)]
struct WrongPins {
    in_a_row: u32,
    next_try_at: Option<DateTime<Utc>>,
}

impl WrongPins {
    /// How long until the next try is heard, if it must wait.
    fn wait_left(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.next_try_at.filter(|at| *at > now).map(|at| at - now)
    }

    fn record(&mut self, now: DateTime<Utc>) {
        self.in_a_row = self.in_a_row.saturating_add(1);
        if let Some(beyond) = self.in_a_row.checked_sub(FREE_WRONG_PINS + 1) {
            let doublings = beyond.min(16);
            let wait = (FIRST_WAIT_SECONDS << doublings).min(LONGEST_WAIT_SECONDS);
            self.next_try_at = Some(now + Duration::seconds(wait));
        }
    }
}

/// The windows unlocked with the PIN, by window label, until they close.
#[derive(Debug, Default)]
pub struct KioskGate {
    unlocked: Mutex<BTreeSet<String>>,
    wrong_pins: Mutex<WrongPins>,
}

impl KioskGate {
    pub fn new() -> Self {
        Self::default()
    }

    /// The lock as `window` sees it.
    pub fn view(&self, kiosk: &KioskSettings, window: &str) -> KioskView {
        KioskView {
            locked: kiosk.locked,
            pin_set: kiosk.pin_hash.is_some(),
            unlocked: self.is_unlocked(window),
        }
    }

    /// `Ok` when `window` may change settings: the lock is off, or the window was unlocked.
    pub fn check(&self, kiosk: &KioskSettings, window: &str) -> Result<(), UiError> {
        if !kiosk.locked || self.is_unlocked(window) {
            return Ok(());
        }
        Err(UiError::new(
            ErrorCode::KioskLocked,
            "the settings are locked on this kiosk; enter the PIN to change them",
        ))
    }

    /// `kiosk_unlock`: unlocks `window` when `pin` is the configured one. After
    /// [`FREE_WRONG_PINS`] wrong ones in a row, a try comes too early until its wait is over; it
    /// is refused unheard, without running the hash.
    pub fn unlock(
        &self,
        kiosk: &KioskSettings,
        window: &str,
        pin: &Pin,
        now: DateTime<Utc>,
    ) -> Result<(), UiError> {
        let Some(stored) = &kiosk.pin_hash else {
            // No PIN: nothing is behind one (validation refuses a lock without a PIN).
            self.remember(window);
            return Ok(());
        };
        if let Some(wait) = self.wrong_pins().wait_left(now) {
            let seconds = wait.num_seconds().max(1);
            return Err(UiError::new(
                ErrorCode::TooManyPinAttempts,
                format!(
                    "too many wrong PINs in a row; wait {seconds} s before the next try (each \
                     further wrong PIN doubles the wait)"
                ),
            ));
        }
        match pin_matches(pin, stored) {
            Some(true) => {
                tracing::info!(window, "kiosk settings unlocked with the PIN");
                *self.wrong_pins() = WrongPins::default();
                self.remember(window);
                Ok(())
            }
            Some(false) => {
                let mut wrong = self.wrong_pins();
                wrong.record(now);
                tracing::warn!(
                    window,
                    in_a_row = wrong.in_a_row,
                    "kiosk unlock refused: wrong PIN"
                );
                Err(UiError::new(
                    ErrorCode::WrongPin,
                    "that is not the kiosk PIN; try again",
                ))
            }
            None => Err(UiError::new(
                ErrorCode::Internal,
                "the stored kiosk PIN cannot be read (settings.kiosk.pin_hash in the config file \
                 is not a hash this version made); an administrator can remove the `kiosk` \
                 section from the config file and set a new PIN",
            )),
        }
    }

    /// Marks `window` unlocked (it unlocked with the PIN, or it turned the lock on itself).
    pub(crate) fn remember(&self, window: &str) {
        self.lock().insert(window.to_owned());
    }

    /// `window` closed: the next window asks for the PIN again.
    pub fn forget(&self, window: &str) {
        self.lock().remove(window);
    }

    fn is_unlocked(&self, window: &str) -> bool {
        self.lock().contains(window)
    }

    fn lock(&self) -> MutexGuard<'_, BTreeSet<String>> {
        // Plain data: a panic elsewhere leaves it consistent.
        self.unlocked.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wrong_pins(&self) -> MutexGuard<'_, WrongPins> {
        self.wrong_pins
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(text: &str) -> Pin {
        serde_json::from_value(serde_json::Value::String(text.into())).expect("a string")
    }

    fn cheap() -> PinHasher {
        PinHasher::with_iterations(1_000)
    }

    fn locked_with(pin_text: &str) -> KioskSettings {
        KioskSettings {
            locked: true,
            pin_hash: Some(cheap().hash(&pin(pin_text))),
        }
    }

    #[test]
    fn a_hash_is_salted_holds_no_pin_and_verifies_only_its_pin() {
        let first = cheap().hash(&pin("4711"));
        let second = cheap().hash(&pin("4711"));
        assert_ne!(first, second, "each hash has its own salt");
        assert!(first.starts_with("$pbkdf2-sha256$i=1000$"), "{first}");
        assert!(!first.contains("4711"));
        assert_eq!(pin_matches(&pin("4711"), &first), Some(true));
        assert_eq!(pin_matches(&pin("4712"), &first), Some(false));
        assert_eq!(pin_matches(&pin("47110"), &first), Some(false));
    }

    #[test]
    fn the_recommended_cost_is_the_default() {
        assert_eq!(
            PinHasher::default(),
            PinHasher::with_iterations(PinHasher::RECOMMENDED_ITERATIONS)
        );
    }

    #[test]
    fn unreadable_or_abusive_hashes_are_refused_not_run() {
        let good = cheap().hash(&pin("1234"));
        let parts: Vec<&str> = good.split('$').collect();
        let cases = [
            String::new(),
            "4711".to_owned(),
            good.replace("pbkdf2-sha256", "argon2id"),
            good.replace("i=1000", "i=4000000000"),
            good.replace("i=1000", "i=0"),
            format!("{good}$extra"),
            format!("$pbkdf2-sha256$i=1000${}$c2hvcnQ", parts[3]),
        ];
        for stored in cases {
            assert_eq!(pin_matches(&pin("1234"), &stored), None, "{stored}");
        }
    }

    #[test]
    fn a_locked_kiosk_refuses_until_this_window_unlocks_and_forgets_on_close() {
        let kiosk = locked_with("2468");
        let gate = KioskGate::new();
        let refused = gate.check(&kiosk, "settings").expect_err("locked");
        assert_eq!(refused.code, ErrorCode::KioskLocked);

        let wrong = gate
            .unlock(&kiosk, "settings", &pin("1357"), noon())
            .expect_err("wrong PIN");
        assert_eq!(wrong.code, ErrorCode::WrongPin);
        assert!(gate.check(&kiosk, "settings").is_err());

        gate.unlock(&kiosk, "settings", &pin("2468"), noon())
            .expect("right PIN");
        assert!(gate.check(&kiosk, "settings").is_ok());
        assert!(gate.check(&kiosk, "other").is_err(), "per window");
        assert_eq!(
            gate.view(&kiosk, "settings"),
            KioskView {
                locked: true,
                pin_set: true,
                unlocked: true
            }
        );

        gate.forget("settings");
        assert!(gate.check(&kiosk, "settings").is_err());
    }

    fn noon() -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn wrong_pins_in_a_row_make_each_further_try_wait_longer_until_the_right_one() {
        let kiosk = locked_with("2468");
        let gate = KioskGate::new();
        let try_at = |seconds: i64, digits: &str| {
            gate.unlock(
                &kiosk,
                "settings",
                &pin(digits),
                noon() + Duration::seconds(seconds),
            )
            .map_err(|error| error.code)
        };
        for second in 0..4 {
            assert_eq!(
                try_at(second, "1111"),
                Err(ErrorCode::WrongPin),
                "free try {second}"
            );
        }
        // The fifth wrong PIN in a row starts a 30 s wait; even the right PIN waits it out,
        // unheard.
        assert_eq!(try_at(4, "1111"), Err(ErrorCode::WrongPin));
        assert_eq!(try_at(5, "2468"), Err(ErrorCode::TooManyPinAttempts));
        assert_eq!(try_at(33, "1111"), Err(ErrorCode::TooManyPinAttempts));
        // At 34 s the wait is over; another wrong PIN doubles it (60 s).
        assert_eq!(try_at(34, "1111"), Err(ErrorCode::WrongPin));
        assert_eq!(try_at(93, "2468"), Err(ErrorCode::TooManyPinAttempts));
        assert_eq!(try_at(94, "2468"), Ok(()));
        // The right PIN starts the count again.
        gate.forget("settings");
        for second in 95..99 {
            assert_eq!(try_at(second, "1111"), Err(ErrorCode::WrongPin));
        }
        assert_eq!(try_at(99, "2468"), Ok(()));
    }

    #[test]
    fn the_wait_stops_growing_at_fifteen_minutes() {
        let mut wrong = WrongPins::default();
        for _ in 0..100 {
            wrong.record(noon());
        }
        assert_eq!(
            wrong.wait_left(noon()),
            Some(Duration::seconds(LONGEST_WAIT_SECONDS))
        );
        assert_eq!(wrong.wait_left(noon() + Duration::minutes(15)), None);
    }

    #[test]
    fn without_the_lock_everything_is_allowed() {
        let kiosk = KioskSettings {
            locked: false,
            ..locked_with("2468")
        };
        assert!(KioskGate::new().check(&kiosk, "settings").is_ok());
        assert!(KioskGate::new()
            .check(&KioskSettings::default(), "settings")
            .is_ok());
    }
}
