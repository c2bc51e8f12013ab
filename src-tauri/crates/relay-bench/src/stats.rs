//! Latency summaries: exact percentiles over every sample (nearest rank), and a coarse
//! power-of-two histogram to show the shape of the tail.

use std::time::Duration;

use serde::Serialize;

/// The figures of one set of samples, in microseconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub samples: usize,
    pub min_us: f64,
    pub median_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
    /// `(upper bound in µs, count)`: samples up to 1 µs, 2 µs, 4 µs, … (empty buckets left out).
    pub histogram: Vec<(u64, usize)>,
}

impl Summary {
    /// `None` when there are no samples.
    pub fn of(samples: &[Duration]) -> Option<Self> {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let (first, last) = (sorted.first()?, sorted.last()?);
        let total: Duration = sorted.iter().sum();
        #[allow(clippy::cast_precision_loss)]
        let mean_us = micros(total) / sorted.len() as f64;
        Some(Self {
            samples: sorted.len(),
            min_us: micros(*first),
            median_us: micros(percentile(&sorted, 50)),
            p90_us: micros(percentile(&sorted, 90)),
            p99_us: micros(percentile(&sorted, 99)),
            max_us: micros(*last),
            mean_us,
            histogram: histogram(&sorted),
        })
    }
}

/// The nearest-rank percentile of sorted, non-empty samples: the smallest sample with at least
/// `pct` percent of all samples at or below it.
fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    let rank = (sorted.len() * pct).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

fn histogram(sorted: &[Duration]) -> Vec<(u64, usize)> {
    let mut buckets: Vec<(u64, usize)> = Vec::new();
    for sample in sorted {
        let us = u64::try_from(sample.as_micros()).unwrap_or(u64::MAX).max(1);
        let bound = us.checked_next_power_of_two().unwrap_or(u64::MAX);
        match buckets.last_mut() {
            Some((last, count)) if *last == bound => *count += 1,
            _ => buckets.push((bound, 1)),
        }
    }
    buckets
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples: Vec<Duration> = (1..=100).rev().map(us).collect();
        let summary = Summary::of(&samples).expect("samples");
        assert_eq!(summary.samples, 100);
        assert_eq!(summary.min_us, 1.0);
        assert_eq!(summary.median_us, 50.0);
        assert_eq!(summary.p90_us, 90.0);
        assert_eq!(summary.p99_us, 99.0);
        assert_eq!(summary.max_us, 100.0);
        assert_eq!(summary.mean_us, 50.5);
    }

    #[test]
    fn one_slow_sample_in_a_hundred_is_the_p99_but_not_in_two_hundred() {
        let mut samples = vec![us(10); 99];
        samples.push(us(5_000));
        assert_eq!(Summary::of(&samples).expect("samples").p99_us, 10.0);
        samples.truncate(98);
        samples.extend([us(5_000), us(5_000)]);
        assert_eq!(Summary::of(&samples).expect("samples").p99_us, 5_000.0);
    }

    #[test]
    fn histogram_counts_per_power_of_two() {
        let samples = [us(0), us(3), us(4), us(5), us(900)];
        let summary = Summary::of(&samples).expect("samples");
        assert_eq!(summary.histogram, [(1, 1), (4, 2), (8, 1), (1024, 1)]);
    }

    #[test]
    fn no_samples_no_summary() {
        assert_eq!(Summary::of(&[]), None);
    }
}
