//! What the server counts, rendered at `/metrics` in the Prometheus text
//! format. Each server has its own registry (no process-wide recorder), so
//! servers sharing a process, as the tests do, count apart.

use prometheus::{
    exponential_buckets, Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter,
    IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

/// Latency buckets, in seconds: 0.5 ms to about 16 s.
fn latency_buckets() -> Vec<f64> {
    exponential_buckets(0.0005, 2.0, 16).expect("valid buckets")
}

/// The writer's view of its work: how many operations each commit carried
/// and how long the commit (the disk sync) took.
#[derive(Clone)]
pub struct WriterMetrics {
    pub batch_size: Histogram,
    pub commit_seconds: Histogram,
}

impl WriterMetrics {
    /// Metrics no registry renders (for a store opened on its own).
    pub fn detached() -> WriterMetrics {
        Metrics::new().writer
    }
}

/// Every metric of one server.
pub struct Metrics {
    registry: Registry,
    /// `sixin_http_requests_total{method, route, code}`: `route` is the
    /// matched path template (`unmatched` for none), `code` the envelope's
    /// code (0 for any other successful answer, `none` for an answer that
    /// is neither).
    pub requests: IntCounterVec,
    /// `sixin_http_request_duration_seconds{method, route}`.
    pub request_seconds: HistogramVec,
    /// `sixin_http_connections_open`.
    pub connections_open: IntGauge,
    /// `sixin_http_connections_refused_total`: over `--max-connections`.
    pub connections_refused: IntCounter,
    /// `sixin_http_connections_evicted_total`: waiting connections closed
    /// at the cap to make room for new ones.
    pub connections_evicted: IntCounter,
    /// `sixin_http_connections_timed_out_total{phase}`: closed by the idle,
    /// header or body timeout.
    pub connections_timed_out: IntCounterVec,
    /// `sixin_push_connections_open`: realtime push connections (none until
    /// push exists).
    pub push_connections: IntGauge,
    pub writer: WriterMetrics,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "sixin_http_requests_total",
                "Requests answered, by method, matched route and API code",
            ),
            &["method", "route", "code"],
        )
        .expect("valid metric");
        let request_seconds = HistogramVec::new(
            HistogramOpts::new(
                "sixin_http_request_duration_seconds",
                "Time from a request's headers to its answer's headers",
            )
            .buckets(latency_buckets()),
            &["method", "route"],
        )
        .expect("valid metric");
        let connections_open =
            IntGauge::new("sixin_http_connections_open", "HTTP connections open now")
                .expect("valid metric");
        let connections_refused = IntCounter::new(
            "sixin_http_connections_refused_total",
            "Connections answered 503 because --max-connections were busy with requests",
        )
        .expect("valid metric");
        let connections_evicted = IntCounter::new(
            "sixin_http_connections_evicted_total",
            "Idle or half-open connections closed at --max-connections to make room for new ones",
        )
        .expect("valid metric");
        let connections_timed_out = IntCounterVec::new(
            Opts::new(
                "sixin_http_connections_timed_out_total",
                "Connections closed by a timeout, by phase (idle, header, body)",
            ),
            &["phase"],
        )
        .expect("valid metric");
        let push_connections = IntGauge::new(
            "sixin_push_connections_open",
            "Realtime push connections open now",
        )
        .expect("valid metric");
        let batch_size = Histogram::with_opts(
            HistogramOpts::new(
                "sixin_store_write_batch_size",
                "Write operations committed together in one transaction",
            )
            .buckets(exponential_buckets(1.0, 2.0, 11).expect("valid buckets")),
        )
        .expect("valid metric");
        let commit_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "sixin_store_commit_duration_seconds",
                "Time to commit one write transaction (to disk)",
            )
            .buckets(latency_buckets()),
        )
        .expect("valid metric");
        for metric in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(request_seconds.clone()),
            Box::new(connections_open.clone()),
            Box::new(connections_refused.clone()),
            Box::new(connections_evicted.clone()),
            Box::new(connections_timed_out.clone()),
            Box::new(push_connections.clone()),
            Box::new(batch_size.clone()),
            Box::new(commit_seconds.clone()),
        ] {
            registry.register(metric).expect("metric names are unique");
        }
        Metrics {
            registry,
            requests,
            request_seconds,
            connections_open,
            connections_refused,
            connections_evicted,
            connections_timed_out,
            push_connections,
            writer: WriterMetrics {
                batch_size,
                commit_seconds,
            },
        }
    }

    /// Every metric in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut text)
            .expect("text encoding does not fail");
        String::from_utf8(text).expect("the text format is UTF-8")
    }
}

/// The content type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_is_rendered_with_its_labels() {
        let metrics = Metrics::new();
        metrics
            .requests
            .with_label_values(&["GET", "/x/web-interface/nav", "-101"])
            .inc();
        metrics
            .request_seconds
            .with_label_values(&["GET", "/x/web-interface/nav"])
            .observe(0.002);
        metrics.writer.batch_size.observe(3.0);
        let text = metrics.render();
        assert!(text.contains(
            r#"sixin_http_requests_total{code="-101",method="GET",route="/x/web-interface/nav"} 1"#
        ));
        assert!(text.contains(
            r#"sixin_http_request_duration_seconds_count{method="GET",route="/x/web-interface/nav"} 1"#
        ));
        assert!(text.contains("sixin_store_write_batch_size_sum 3"));
        assert!(text.contains("sixin_http_connections_open 0"));
        assert!(text.contains("sixin_push_connections_open 0"));
    }
}
