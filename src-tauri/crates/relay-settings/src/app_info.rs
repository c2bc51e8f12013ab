//! `app_info`: facts for the window's header and overview page.

use relay_api::Mode;

/// What the running relay says about itself (absent while it is not running).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Running {
    /// Presence goes to the built-in simulated tenant.
    pub simulated: bool,
    /// Users the engine keeps (the demo's in simulated mode with none configured).
    pub users: usize,
}

/// Simulated when the relay runs the simulated tenant; before it runs, when the config names no
/// connection (which is what it will run then).
pub fn mode(running: Option<Running>, connection_configured: bool) -> Mode {
    let simulated = running.map_or(!connection_configured, |running| running.simulated);
    if simulated {
        Mode::Simulated
    } else {
        Mode::Tenant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_running_relay_decides_and_the_config_stands_in_before_it_runs() {
        let simulated = Running {
            simulated: true,
            users: 3,
        };
        assert_eq!(mode(Some(simulated), true), Mode::Simulated);
        let tenant = Running {
            simulated: false,
            users: 1,
        };
        assert_eq!(mode(Some(tenant), false), Mode::Tenant);
        assert_eq!(mode(None, true), Mode::Tenant);
        assert_eq!(mode(None, false), Mode::Simulated);
    }
}
