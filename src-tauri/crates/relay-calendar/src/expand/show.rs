//! How one event instance shows its owner, or that it is left out.
//!
//! 1. `STATUS:CANCELLED`, or the owner's `PARTSTAT=DECLINED`: left out.
//! 2. `X-MICROSOFT-CDO-BUSYSTATUS` (else `-INTENDEDSTATUS`) when present: FREE, TENTATIVE, BUSY,
//!    OOF, WORKINGELSEWHERE as written.
//! 3. `TRANSP:TRANSPARENT`: free.
//! 4. `STATUS:TENTATIVE`, or the owner's `PARTSTAT` TENTATIVE or NEEDS-ACTION: tentative.
//! 5. Otherwise busy (`TRANSP:OPAQUE` is the default).
//!
//! The owner is found among the ATTENDEEs by address: the addresses passed in
//! [`crate::ExpandOptions::owner_addresses`] plus an `X-WR-CALNAME` that is an address.

use relay_core::config::ShowAs;

use crate::ics::model::{Event, PartStat, Status};

/// `None`: the instance is not busy time at all (cancelled or declined).
pub(crate) fn show_as(event: &Event, owners: &[String]) -> Option<ShowAs> {
    if event.status == Some(Status::Cancelled) {
        return None;
    }
    let owner_partstat = event
        .attendees
        .iter()
        .find(|a| owners.contains(&a.address))
        .map(|a| a.partstat);
    if owner_partstat == Some(PartStat::Declined) {
        return None;
    }
    if let Some(cdo) = event.cdo_status {
        return Some(cdo);
    }
    if event.transparent {
        return Some(ShowAs::Free);
    }
    if event.status == Some(Status::Tentative)
        || matches!(
            owner_partstat,
            Some(PartStat::Tentative | PartStat::NeedsAction)
        )
    {
        return Some(ShowAs::Tentative);
    }
    Some(ShowAs::Busy)
}
