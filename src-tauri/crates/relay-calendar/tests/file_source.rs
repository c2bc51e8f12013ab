//! The file source against real files in a temp dir.

mod common;

use common::CALENDAR;
use relay_calendar::fetch::{FetchError, FileSource, Loaded};

#[tokio::test]
async fn reads_once_then_only_on_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("desk.ics");
    std::fs::write(&path, CALENDAR).expect("write");
    let mut src = FileSource::new(&path, 1 << 20);
    assert_eq!(
        src.load().await.expect("load"),
        Loaded::Changed(CALENDAR.as_bytes().to_vec())
    );
    assert_eq!(src.load().await.expect("again"), Loaded::Unchanged);
    let edited = CALENDAR.replace("Front desk cover", "Front desk cover (moved)");
    std::fs::write(&path, &edited).expect("rewrite");
    assert_eq!(
        src.load().await.expect("edited"),
        Loaded::Changed(edited.into_bytes())
    );
    src.forget();
    assert!(matches!(src.load().await, Ok(Loaded::Changed(_))));
}

#[tokio::test]
async fn refuses_missing_oversized_and_non_calendar_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("desk.ics");
    let mut src = FileSource::new(&path, 64);
    let missing = src.load().await.expect_err("missing");
    assert!(matches!(missing, FetchError::Io { .. }), "{missing}");
    assert!(missing
        .to_string()
        .starts_with(&format!("cannot read the calendar file {}", path.display())));

    std::fs::write(&path, CALENDAR).expect("write");
    assert!(matches!(
        src.load().await,
        Err(FetchError::FileTooLarge { limit: 64, .. })
    ));

    std::fs::write(&path, "<html>oops</html>").expect("write");
    assert!(matches!(
        src.load().await,
        Err(FetchError::NotACalendar { .. })
    ));
}
