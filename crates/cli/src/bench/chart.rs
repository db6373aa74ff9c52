//! The charts of a run, drawn as SVG with `plotters` (no fonts needed: the
//! SVG backend writes text elements and lets the viewer render them):
//! `throughput.svg`, requests per second against connections for `send`
//! and `fetch` beside the hello-world ceiling (`--sweep` adds points), and
//! `latency.svg`, p50 / p99 / p99.9 of every load on a log scale.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::prelude::*;

use super::report::Row;

/// Draws the charts of `rows` into `dir`.
pub fn draw(dir: &Path, rows: &[Row]) -> Result<(), String> {
    throughput(&dir.join("throughput.svg"), rows).map_err(|e| e.to_string())?;
    latency(&dir.join("latency.svg"), rows).map_err(|e| e.to_string())?;
    Ok(())
}

type Failure = Box<dyn std::error::Error>;

/// The best throughput of each connection count, per scenario.
fn curves(rows: &[Row]) -> BTreeMap<&str, BTreeMap<usize, f64>> {
    let mut curves: BTreeMap<&str, BTreeMap<usize, f64>> = BTreeMap::new();
    for row in rows {
        if !matches!(row.scenario.as_str(), "send" | "fetch" | "ceiling") || row.ok == 0 {
            continue;
        }
        let best = curves
            .entry(row.scenario.as_str())
            .or_default()
            .entry(row.connections)
            .or_insert(0.0);
        *best = best.max(row.per_second);
    }
    curves
}

fn throughput(path: &Path, rows: &[Row]) -> Result<(), Failure> {
    let curves = curves(rows);
    let most_conns = curves
        .values()
        .flat_map(|c| c.keys().copied())
        .max()
        .unwrap_or(1)
        .max(2) as f64;
    let most_rps = curves
        .values()
        .flat_map(|c| c.values().copied())
        .fold(1.0, f64::max);
    let root = SVGBackend::new(path, (900, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Throughput against connections", ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d((1.0..most_conns * 1.2).log_scale(), 0.0..most_rps * 1.1)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .x_desc("connections")
        .y_desc("requests per second")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    let colours = [("ceiling", BLACK), ("fetch", BLUE), ("send", RED)];
    for (name, colour) in colours {
        let Some(curve) = curves.get(name) else {
            continue;
        };
        let points: Vec<(f64, f64)> = curve.iter().map(|(c, r)| (*c as f64, *r)).collect();
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour));
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 4, colour.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn latency(path: &Path, rows: &[Row]) -> Result<(), Failure> {
    let timed: Vec<&Row> = rows.iter().filter(|r| r.p50.is_some()).collect();
    let labels: Vec<String> = timed
        .iter()
        .map(|r| format!("{} {} c{}", r.scenario, r.variant, r.connections))
        .collect();
    let ms = |v: Option<u64>| v.unwrap_or(1).max(1) as f64 / 1000.0;
    let most = timed.iter().map(|r| ms(r.p999)).fold(1.0, f64::max);
    let n = timed.len().max(1);
    let root = SVGBackend::new(path, (1000, 620)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("Latency percentiles per load", ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(170)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, (0.01..most * 2.0).log_scale())?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .y_desc("milliseconds")
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            labels.get(i as usize).cloned().unwrap_or_default()
        })
        .x_label_style(
            ("sans-serif", 11)
                .into_font()
                .transform(FontTransform::Rotate90),
        )
        .y_label_formatter(&|y| format!("{y}"))
        .draw()?;
    let series = [
        (
            "p50",
            GREEN,
            timed.iter().map(|r| ms(r.p50)).collect::<Vec<_>>(),
        ),
        ("p99", BLUE, timed.iter().map(|r| ms(r.p99)).collect()),
        ("p99.9", RED, timed.iter().map(|r| ms(r.p999)).collect()),
    ];
    for (name, colour, values) in series {
        let points: Vec<(f64, f64)> = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i as f64, v))
            .collect();
        chart
            .draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 5, colour.filled())),
            )?
            .label(name)
            .legend(move |(x, y)| Circle::new((x + 10, y), 5, colour.filled()));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
