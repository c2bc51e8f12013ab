//! Test support (feature `testing`): private `dbus-daemon` buses and fake desktop services, for
//! this crate's tests and for end-to-end tests elsewhere (for example the `signals` command run
//! with `DBUS_SYSTEM_BUS_ADDRESS` pointing at a [`PrivateBus`] that serves a [`FakeLogind`]).

mod fakes;
mod private_bus;

pub use fakes::{
    FakeFreedesktopScreenSaver, FakeGnomeScreenSaver, FakeLogind, FakeMutterIdle,
    FakeNotifications, FakeSessionState,
};
pub use private_bus::{PrivateBus, PrivateBusError};
