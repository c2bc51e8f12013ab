//! `status`: the engine's last published status as the window shows it.

use relay_api::{StatusView, UiError};
use relay_engine::EngineStatus;

use crate::errors::engine_unavailable;

/// The view of `status`, or `engine_unavailable` while the relay is not running.
pub fn view(status: Option<&EngineStatus>) -> Result<StatusView, UiError> {
    status.map(StatusView::from).ok_or_else(engine_unavailable)
}

#[cfg(test)]
mod tests {
    use relay_api::ErrorCode;

    use super::*;

    #[test]
    fn a_running_engine_is_shown_and_a_missing_one_is_unavailable() {
        let status = EngineStatus {
            paused: true,
            ..EngineStatus::default()
        };
        let view = view(Some(&status)).expect("a view");
        assert!(view.paused);
        let missing = super::view(None).expect_err("not running");
        assert_eq!(missing.code, ErrorCode::EngineUnavailable);
    }
}
