//! What a scenario measured (one [`Row`] per load), how it is measured
//! around the load ([`Snapshot`]: the servers' CPU time, peak memory and
//! data-directory size before and after), and the report as a markdown
//! table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::load::Outcome;
use super::server::{cpu_micros, reset_peak, status_kb, Target};

/// One measured load.
#[derive(Debug, Clone)]
pub struct Row {
    pub scenario: String,
    pub variant: String,
    pub connections: usize,
    pub ok: u64,
    pub errors: u64,
    /// Error codes and counts, when any.
    pub error_detail: String,
    pub per_second: f64,
    /// Microseconds; `None` when the load timed nothing.
    pub p50: Option<u64>,
    pub p99: Option<u64>,
    pub p999: Option<u64>,
    pub cpu_per_request: Option<f64>,
    /// Kilobytes.
    pub peak_rss: Option<u64>,
    pub bytes_per_message: Option<f64>,
    pub note: String,
}

impl Row {
    pub fn new(scenario: &str, variant: &str, connections: usize, outcome: &Outcome) -> Row {
        let errors = outcome.error_count();
        let error_detail = outcome
            .errors
            .iter()
            .map(|(code, n)| format!("{code}×{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        Row {
            scenario: scenario.into(),
            variant: variant.into(),
            connections,
            ok: outcome.ok,
            errors,
            error_detail,
            per_second: outcome.per_second(),
            p50: quantile(outcome, 0.5),
            p99: quantile(outcome, 0.99),
            p999: quantile(outcome, 0.999),
            cpu_per_request: None,
            peak_rss: None,
            bytes_per_message: None,
            note: String::new(),
        }
    }
}

fn quantile(outcome: &Outcome, q: f64) -> Option<u64> {
    (!outcome.latency.is_empty()).then(|| outcome.latency.value_at_quantile(q))
}

/// The servers' counters before a load.
pub struct Snapshot {
    cpu: Option<u64>,
    disk: Option<u64>,
}

impl Snapshot {
    /// Reads CPU time and disk use, and resets the peak-memory marks.
    pub fn take(target: &Target) -> Snapshot {
        for pid in &target.pids {
            reset_peak(*pid);
        }
        Snapshot {
            cpu: cpu_sum(&target.pids),
            disk: target.disk_bytes(),
        }
    }

    /// Fills in `row`'s CPU per request and peak memory, and its bytes per
    /// message when `messages` were stored.
    pub fn finish(&self, target: &Target, row: &mut Row, messages: Option<u64>) {
        if let (Some(before), Some(after)) = (self.cpu, cpu_sum(&target.pids)) {
            if row.ok > 0 {
                row.cpu_per_request = Some(after.saturating_sub(before) as f64 / row.ok as f64);
            }
        }
        row.peak_rss = peak_rss(&target.pids);
        if let (Some(before), Some(after), Some(n)) = (self.disk, target.disk_bytes(), messages) {
            if n > 0 {
                row.bytes_per_message = Some((after as f64 - before as f64) / n as f64);
            }
        }
    }
}

fn cpu_sum(pids: &[u32]) -> Option<u64> {
    if pids.is_empty() {
        return None;
    }
    pids.iter().map(|pid| cpu_micros(*pid)).sum()
}

/// The largest peak (or, without one, current) memory among `pids`, kB.
pub fn peak_rss(pids: &[u32]) -> Option<u64> {
    pids.iter()
        .filter_map(|pid| status_kb(*pid, "VmHWM").or_else(|| status_kb(*pid, "VmRSS")))
        .max()
}

/// Current memory of the largest of `pids`, kB.
pub fn rss(pids: &[u32]) -> Option<u64> {
    pids.iter().filter_map(|pid| status_kb(*pid, "VmRSS")).max()
}

/// The whole report: a heading, the setting, and the table.
pub fn markdown(
    title: &str,
    setting: &[String],
    rows: &[Row],
    ceilings: &BTreeMap<usize, f64>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {title}\n");
    for line in setting {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out);
    out.push_str(
        "| scenario | load | conns | req/s | × ceiling | p50 ms | p99 ms | p99.9 ms | CPU µs/req | peak RSS MB | B/msg | ok | errors | note |\n",
    );
    out.push_str(
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n",
    );
    for row in rows {
        let ratio = match ceilings.get(&row.connections) {
            Some(&c) if c > 0.0 && row.scenario != "ceiling" => {
                format!("{:.3}", row.per_second / c)
            }
            _ => "-".into(),
        };
        let errors = if row.errors == 0 {
            "0".to_owned()
        } else {
            format!("{} ({})", row.errors, row.error_detail)
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.scenario,
            row.variant,
            row.connections,
            row.per_second,
            ratio,
            ms(row.p50),
            ms(row.p99),
            ms(row.p999),
            opt(row.cpu_per_request, 1),
            row.peak_rss
                .map(|kb| format!("{:.1}", kb as f64 / 1024.0))
                .unwrap_or_else(|| "-".into()),
            opt(row.bytes_per_message, 0),
            row.ok,
            errors,
            row.note,
        );
    }
    out
}

fn ms(micros: Option<u64>) -> String {
    micros
        .map(|m| format!("{:.2}", m as f64 / 1000.0))
        .unwrap_or_else(|| "-".into())
}

fn opt(value: Option<f64>, decimals: usize) -> String {
    value
        .map(|v| format!("{v:.decimals$}"))
        .unwrap_or_else(|| "-".into())
}
