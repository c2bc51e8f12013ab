//! The benchmarks cannot rot: a `--quick` run of the real binary goes through every part and
//! reports every figure. Only the shape and the counts are checked, never a time.

use std::process::{Command, Output};

use serde_json::Value;

fn relay_bench(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_relay-bench"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the relay-bench binary runs");
    assert!(
        output.status.success(),
        "relay-bench {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn number(value: &Value, what: &str) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {value}"))
}

#[test]
fn a_quick_run_of_everything_reports_every_figure() {
    let output = relay_bench(&["--quick", "--json", "all"]);
    let results: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(results["quick"], true);

    let latency = &results["overhead"]["latency"];
    assert_eq!(latency["samples"], 20);
    let median = number(&latency["median_us"], "the median");
    let p99 = number(&latency["p99_us"], "the p99");
    assert!(
        0.0 < median && median <= p99,
        "median {median} µs, p99 {p99} µs"
    );
    let histogram_total: u64 = latency["histogram"]
        .as_array()
        .expect("a histogram")
        .iter()
        .map(|bucket| bucket[1].as_u64().expect("a count"))
        .sum();
    assert_eq!(histogram_total, 20, "every sample is in the histogram");

    let rows = results["fanout"].as_array().expect("fan-out rows");
    let sizes: Vec<u64> = rows
        .iter()
        .map(|row| row["users"].as_u64().expect("N"))
        .collect();
    assert_eq!(sizes, [1, 100]);
    for row in rows {
        let users = row["users"].as_u64().expect("N");
        let requests = row["requests"].as_u64().expect("requests");
        let bound = row["lower_bound"].as_u64().expect("lower bound");
        assert_eq!(bound, users.div_ceil(20), "{row}");
        assert!(
            requests >= bound,
            "fewer requests than the lower bound: {row}"
        );
        #[allow(clippy::cast_precision_loss)]
        let ratio = requests as f64 / bound as f64;
        assert!(
            (number(&row["ratio"], "the ratio") - ratio).abs() < 1e-9,
            "{row}"
        );
        assert_eq!(
            row["users_busy"].as_u64(),
            Some(users),
            "everyone moved: {row}"
        );
        let traffic = &row["traffic"];
        let written = traffic["batch_items"].as_u64().expect("items")
            + traffic["single_writes"].as_u64().expect("single writes");
        assert!(written >= users, "every user got a write: {row}");
        assert!(traffic["throttled"].is_u64(), "429s are counted: {row}");
        assert!(number(&row["seconds"], "seconds") >= 0.0);
    }

    let steady = &results["steady"];
    assert_eq!(steady["users"], 100);
    assert!(steady["traffic"]["throttled"].is_u64());
    assert!(number(&steady["requests_per_user_hour"], "requests per user-hour") > 0.0);
    assert!(number(&steady["wakeups_per_hour"], "wake-ups per hour") > 0.0);
    assert!(
        steady["traffic"]["reads"]
            .as_u64()
            .is_some_and(|reads| reads > 0),
        "read-back is on"
    );
}

#[test]
fn text_output_names_each_part() {
    let output = relay_bench(&["--quick", "fanout", "--users", "1", "--latency-ms", "none"]);
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        text.contains("== Bringing N users to a new state"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|line| line.split_whitespace().next() == Some("1"))
        .unwrap_or_else(|| panic!("no row for N = 1 in:\n{text}"));
    // N, requests, lower bound, ratio: one write for one user is one request.
    let columns: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&columns[..4], ["1", "1", "1", "1.000"], "{row}");
}

#[test]
fn a_bad_latency_is_refused_with_the_form_to_use() {
    let output = Command::new(env!("CARGO_BIN_EXE_relay-bench"))
        .args(["--quick", "fanout", "--latency-ms", "fast"])
        .output()
        .expect("the relay-bench binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("MIN-MAX"), "{stderr}");
}
