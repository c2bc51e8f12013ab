//! `presence-relay calendar inspect`: a calendar's blocks as the rules see them, for checking a
//! feed before relying on it.

use anyhow::Context;
use relay_calendar::inspect::{inspect, parse_time, parse_zone, system_zone, InspectRequest};
use relay_calendar::Limits;

use crate::args::CalendarCommand;
use crate::{exit, output};

pub fn run(command: CalendarCommand, json: bool) -> anyhow::Result<u8> {
    let CalendarCommand::Inspect {
        source,
        from,
        to,
        tz,
        titles,
    } = command;
    let zone = match tz.as_deref() {
        Some(name) => parse_zone(name),
        None => system_zone(),
    };
    let zone = match zone {
        Ok(zone) => zone,
        Err(err) => {
            eprintln!("error: --tz: {err}");
            return Ok(exit::INVALID);
        }
    };
    let (from, to) = match (parse_time(&from, zone), parse_time(&to, zone)) {
        (Ok(from), Ok(to)) if from < to => (from, to),
        (Ok(_), Ok(_)) => {
            eprintln!("error: --from must be before --to");
            return Ok(exit::INVALID);
        }
        (Err(err), _) => {
            eprintln!("error: --from: {err}");
            return Ok(exit::INVALID);
        }
        (_, Err(err)) => {
            eprintln!("error: --to: {err}");
            return Ok(exit::INVALID);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let request = InspectRequest {
        source,
        from,
        to,
        zone,
        owner_addresses: Vec::new(),
        limits: Limits::default(),
    };
    let inspection = match runtime.block_on(inspect(&request)) {
        Ok(inspection) => inspection,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(exit::FAILURE);
        }
    };
    if json {
        output::line(&inspection.to_json())?;
    } else {
        output::raw(&inspection.table(zone, titles))?;
    }
    Ok(exit::OK)
}
