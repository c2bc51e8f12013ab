//! `presence-relay simulator`: the simulated tenant on its own, for demos, scripts and manual
//! testing of other tools against a Graph that changes nothing real.

use anyhow::Context;
use relay_sim::{SimOptions, SimTenant};

use crate::args::SimulatorArgs;
use crate::{exit, output};

pub fn run(args: SimulatorArgs, json: bool) -> anyhow::Result<u8> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let options = SimOptions {
            port: args.port,
            seed: args.seed,
            ..SimOptions::demo(args.users)
        }
        .with_faults(args.faults);
        let sim = SimTenant::start(options)
            .await
            .context("cannot start the simulated tenant")?;
        if json {
            let credentials = sim.credentials();
            let summary = serde_json::json!({
                "authority_url": sim.authority_url(),
                "graph_url": sim.graph_url(),
                "inspection_url": sim.inspection_url(),
                "tenant_id": credentials.tenant_id.to_string(),
                "client_id": credentials.client_id.to_string(),
                // The simulator's demo secret is fake and only opens this process.
                "client_secret": credentials.client_secret.expose(),
                "users": sim.users().iter().map(|u| serde_json::json!({
                    "object_id": u.id.to_string(),
                    "display_name": u.display_name,
                })).collect::<Vec<_>>(),
            });
            output::line(&summary.to_string())?;
        } else {
            output::raw(&sim.describe())?;
            output::line("Press Ctrl+C to stop.")?;
        }
        sim.run_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the simulated tenant stopped with an error")?;
        Ok(exit::OK)
    })
}
