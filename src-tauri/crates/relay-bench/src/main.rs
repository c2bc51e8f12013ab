//! `relay-bench`: the engine benchmarks. From the repository root:
//!
//! ```sh
//! cargo run --release -p relay-bench -- all          # every figure in docs/BENCHMARKS.md
//! cargo run --release -p relay-bench -- overhead     # or one part
//! cargo run --release -p relay-bench -- --quick all  # seconds; the smoke test's run
//! ```

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand};
use relay_bench::fanout::{self, FanoutOptions, FanoutRow};
use relay_bench::overhead::{self, OverheadOptions, OverheadReport};
use relay_bench::steady::{self, SteadyOptions, SteadyReport};
use relay_sim::LatencyRange;
use serde::Serialize;

#[derive(Debug, Parser)]
#[command(name = "relay-bench", about = "Presence Relay engine benchmarks")]
struct Cli {
    /// Short runs with small numbers, to check that everything works; not figures to record.
    #[arg(long, global = true)]
    quick: bool,
    /// Print one JSON document at the end instead of text as each part finishes.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A signal event to the first byte of its Graph request (real time, loopback).
    Overhead {
        /// Measured iterations (default 2000; 20 with --quick).
        #[arg(long)]
        iterations: Option<usize>,
    },
    /// Requests and time to bring N users to a new state under Graph's budget.
    Fanout {
        /// Sizes, comma-separated (default 1,100,1000,10000; 1,100 with --quick).
        #[arg(long, value_delimiter = ',')]
        users: Option<Vec<usize>>,
        /// Latency added to each Graph HTTP request, `MIN-MAX` milliseconds or `none`
        /// (default 50-150).
        #[arg(long)]
        latency_ms: Option<String>,
        /// Run in virtual time (exact counts, no network latency) instead of real time.
        #[arg(long)]
        virtual_time: bool,
    },
    /// Users held in virtual time: requests, 429s, wake-ups, CPU, per simulated hour.
    Steady {
        /// Users held (default 10000; 100 with --quick).
        #[arg(long)]
        users: Option<usize>,
        /// Simulated minutes measured after a 10-minute warm-up (default 15; 15 after a
        /// 5-minute warm-up with --quick).
        #[arg(long)]
        minutes: Option<i64>,
    },
    /// Everything, with the defaults.
    All,
}

#[derive(Debug, Default, Serialize)]
struct Results {
    quick: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    overhead: Option<OverheadReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fanout: Option<Vec<FanoutRow>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    steady: Option<SteadyReport>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut results = Results {
        quick: cli.quick,
        ..Results::default()
    };
    let (run_overhead, run_fanout, run_steady) = match &cli.command {
        Command::Overhead { .. } => (true, false, false),
        Command::Fanout { .. } => (false, true, false),
        Command::Steady { .. } => (false, false, true),
        Command::All => (true, true, true),
    };
    if !cli.json {
        println!(
            "relay-bench{} (debug assertions {})",
            if cli.quick { " --quick" } else { "" },
            if cfg!(debug_assertions) {
                "on: build with --release for figures"
            } else {
                "off"
            }
        );
    }

    if run_overhead {
        let mut options = if cli.quick {
            OverheadOptions::quick()
        } else {
            OverheadOptions::full()
        };
        if let Command::Overhead {
            iterations: Some(iterations),
        } = cli.command
        {
            options.iterations = iterations;
        }
        let report = overhead::run(&options)
            .await
            .context("the overhead benchmark failed")?;
        if !cli.json {
            print_overhead(&report);
        }
        results.overhead = Some(report);
    }

    if run_fanout {
        let mut options = if cli.quick {
            FanoutOptions::quick()
        } else {
            FanoutOptions::full()
        };
        if let Command::Fanout {
            users,
            latency_ms,
            virtual_time,
        } = &cli.command
        {
            if let Some(users) = users {
                options.sizes.clone_from(users);
            }
            if let Some(latency) = latency_ms {
                options.latency = parse_latency(latency)?;
            }
            options.virtual_time = *virtual_time;
        }
        let rows = fanout::run(&options)
            .await
            .context("the fan-out benchmark failed")?;
        if !cli.json {
            print_fanout(&rows);
        }
        results.fanout = Some(rows);
    }

    if run_steady {
        let mut options = if cli.quick {
            SteadyOptions::quick()
        } else {
            SteadyOptions::full()
        };
        if let Command::Steady { users, minutes } = cli.command {
            if let Some(users) = users {
                options.users = users;
            }
            if let Some(minutes) = minutes {
                options.measure = chrono::Duration::minutes(minutes);
            }
        }
        let report = steady::run(&options)
            .await
            .context("the steady-state benchmark failed")?;
        if !cli.json {
            print_steady(&report);
        }
        results.steady = Some(report);
    }

    if cli.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    }
    Ok(())
}

fn parse_latency(text: &str) -> anyhow::Result<Option<LatencyRange>> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let (min, max) = text.split_once('-').unwrap_or((text, text));
    let (Ok(min), Ok(max)) = (min.trim().parse::<u32>(), max.trim().parse::<u32>()) else {
        bail!("--latency-ms {text:?}: write MIN-MAX in milliseconds (e.g. 50-150), or none");
    };
    if min > max {
        bail!("--latency-ms {text:?}: the minimum is above the maximum");
    }
    Ok(Some(LatencyRange { min, max }))
}

fn print_overhead(report: &OverheadReport) {
    let l = &report.latency;
    println!();
    println!("== Engine overhead: signal event -> first byte of the Graph request");
    println!(
        "   {}; real Engine driver on SystemClock, loopback server; {} samples after {} \
         warm-up, {} ms apart",
        report.clock, l.samples, report.warmup, report.gap_ms
    );
    println!(
        "   median {:.0} µs   p90 {:.0} µs   p99 {:.0} µs   min {:.0} µs   max {:.0} µs   mean {:.0} µs",
        l.median_us, l.p90_us, l.p99_us, l.min_us, l.max_us, l.mean_us
    );
    let histogram: Vec<String> = l
        .histogram
        .iter()
        .map(|(bound, count)| format!("<={bound}µs:{count}"))
        .collect();
    println!("   histogram {}", histogram.join(" "));
}

fn print_fanout(rows: &[FanoutRow]) {
    println!();
    println!("== Bringing N users to a new state (Graph budget 1500/30s per app)");
    println!(
        "   {:>6} {:>9} {:>6} {:>6} {:>8} {:>9} {:>8} {:>6} {:>6} {:>9} {:>9} {:>7} {:>9}",
        "N",
        "requests",
        "bound",
        "ratio",
        "batches",
        "items",
        "single",
        "429s",
        "steps",
        "failed",
        "seconds",
        "floor_s",
        "clock"
    );
    for row in rows {
        println!(
            "   {:>6} {:>9} {:>6} {:>6.3} {:>8} {:>9} {:>8} {:>6} {:>6} {:>9} {:>9.2} {:>7.0} {:>9}",
            row.users,
            row.requests,
            row.lower_bound,
            row.ratio,
            row.traffic.batches,
            row.traffic.batch_items,
            row.traffic.single_writes,
            row.traffic.throttled,
            row.steps,
            row.failed_writes,
            row.seconds,
            row.budget_floor_seconds,
            if row.clock == "real time" { "real" } else { "virtual" },
        );
    }
    if let Some(row) = rows.first() {
        println!(
            "   latency per HTTP request {} ms; busy at the end: {}",
            row.latency_ms,
            rows.iter()
                .map(|r| format!("{}/{}", r.users_busy, r.users))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

fn print_steady(report: &SteadyReport) {
    let t = &report.traffic;
    println!();
    println!(
        "== Steady state: {} users held for {:.2} simulated hours ({})",
        report.users, report.simulated_hours, report.clock
    );
    println!(
        "   requests/user-hour {:.2}   budget units/user-hour {:.2}   budget share {:.1}%   429s {}",
        report.requests_per_user_hour,
        report.budget_units_per_user_hour,
        report.budget_share * 100.0,
        t.throttled
    );
    println!(
        "   http requests {}   batches {} ({} items)   single writes {}   reads {}   other failures {}",
        t.http_requests, t.batches, t.batch_items, t.single_writes, t.reads, t.other_failures
    );
    println!(
        "   writes/user-hour {:.2}   failed writes {}   engine wake-ups/hour {:.0}",
        report.writes_per_user_hour, report.failed_writes, report.wakeups_per_hour
    );
    println!(
        "   per wake-up: step {:.0} µs (its Graph requests included), status {:.0} µs",
        report.step_mean_us, report.status_mean_us
    );
    match report.cpu_seconds_per_hour {
        Some(cpu) => println!(
            "   CPU {:.2} s per simulated hour (whole process: engine, client, simulator); wall {:.1} s",
            cpu, report.wall_seconds
        ),
        None => println!(
            "   CPU time not available on this platform; wall {:.1} s",
            report.wall_seconds
        ),
    }
}
