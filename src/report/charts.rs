//! The report's figures, drawn once with plotters for two backends: SVG (inline in the HTML and
//! as files) and PNG (with the embedded DejaVu Sans, so text renders on a machine without fonts).

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordusize};
use plotters::prelude::*;

use crate::error::ReportError;
use crate::present::format::{Lang, tkr};

/// Width and height of every figure in pixels.
pub const SIZE: (u32, u32) = (900, 420);

const BLUE: RGBColor = RGBColor(31, 90, 160);
const ORANGE: RGBColor = RGBColor(220, 120, 30);
const GREEN: RGBColor = RGBColor(60, 140, 80);
const RED: RGBColor = RGBColor(190, 50, 50);
const GREY: RGBColor = RGBColor(150, 150, 150);
const PALETTE: [RGBColor; 10] = [
    BLUE,
    ORANGE,
    GREEN,
    RED,
    RGBColor(120, 80, 160),
    RGBColor(90, 90, 90),
    RGBColor(200, 160, 20),
    RGBColor(20, 160, 170),
    RGBColor(230, 120, 170),
    RGBColor(130, 90, 50),
];

static FONT: Once = Once::new();

fn register_font() {
    FONT.call_once(|| {
        // the shipped font is valid; a failure would only make PNG text fall back to nothing
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
        );
    });
}

/// A figure that can draw itself on any plotters backend.
pub trait Chart {
    /// Draws on `area`.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError>;
}

fn err<E: std::fmt::Debug>(e: E) -> ReportError {
    ReportError::Render {
        what: "drawing a chart",
        message: format!("{e:?}"),
    }
}

/// `chart` as an SVG document.
fn svg_document(chart: &impl Chart) -> Result<String, ReportError> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Renders `chart` as SVG text and writes it as PNG to `png`.
pub fn render(chart: &impl Chart, png: &Path) -> Result<String, ReportError> {
    let svg = svg_document(chart)?;
    {
        let root = BitMapBackend::new(png, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        chart.draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let pad = ((hi - lo) * 0.08).max(1.0);
    (lo - pad, hi + pad)
}

/// A chart with amounts or years on both axes.
type Xy<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The common frame of the report's x–y charts: title, margins, label areas.
fn xy_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label_width: u32,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Xy<'a, DB>, ReportError> {
    ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(y_label_width)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// The chart type of the category charts (tornado, overlap): amounts across, one row per label.
type Rows<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordusize>>>;

/// A chart with amounts across and one row per label (the first label at the top).
fn rows_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    (lo, hi): (f64, f64),
    labels: &[String],
    label_width: u32,
    x_label: &dyn Fn(&f64) -> String,
) -> Result<Rows<'a, DB>, ReportError> {
    let n = labels.len().max(1);
    let mut c = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(label_width)
        .build_cartesian_2d(lo..hi, (0..n - 1).into_segmented())
        .map_err(err)?;
    c.configure_mesh()
        .light_line_style(WHITE)
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| match y {
            SegmentValue::CenterOf(i) if *i < n => labels
                .get(n - 1 - *i)
                .map(|l| l.chars().take(38).collect())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_label_formatter(x_label)
        .draw()
        .map_err(err)?;
    Ok(c)
}

/// Net gain per year per actor as grouped bars (SØM's "Figur 2").
pub struct NetBars {
    /// Title.
    pub title: String,
    /// Calendar years.
    pub years: Vec<i32>,
    /// Per actor: label and net per year.
    pub series: Vec<(String, Vec<f64>)>,
    /// Language of the number format.
    pub lang: Lang,
    /// Y axis label.
    pub y_label: String,
}

impl Chart for NetBars {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError> {
        let n = self.years.len().max(1) as f64;
        let (lo, hi) = range(self.series.iter().flat_map(|(_, v)| v.iter().copied()));
        let mut c = xy_chart(area, &self.title, 70, 0.0..n, lo..hi)?;
        let years = self.years.clone();
        let lang = self.lang;
        c.configure_mesh()
            .light_line_style(WHITE)
            .disable_x_mesh()
            .x_labels(self.years.len().min(20))
            .x_label_formatter(&|x| {
                years
                    .get(x.floor() as usize)
                    .map(|y| y.to_string())
                    .unwrap_or_default()
            })
            .y_label_formatter(&|y| tkr(*y, lang))
            .y_desc(&self.y_label)
            .draw()
            .map_err(err)?;
        let k = self.series.len().max(1) as f64;
        for (s, (label, values)) in self.series.iter().enumerate() {
            let color = PALETTE[s % PALETTE.len()];
            c.draw_series(values.iter().enumerate().map(|(t, v)| {
                let x0 = t as f64 + 0.1 + 0.8 * s as f64 / k;
                let x1 = x0 + 0.8 / k;
                Rectangle::new([(x0, 0.0), (x1, *v)], color.filled())
            }))
            .map_err(err)?
            .label(label.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
        }
        c.configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        Ok(())
    }
}

/// Cumulative discounted net (total) with the break-even year and its Monte Carlo band.
pub struct Cumulative {
    /// Title.
    pub title: String,
    /// Calendar years.
    pub years: Vec<i32>,
    /// Cumulative PV per year.
    pub cumulative: Vec<f64>,
    /// Break-even p10–p90 years from Monte Carlo.
    pub band: Option<(f64, f64)>,
    /// Language of the number format.
    pub lang: Lang,
}

impl Chart for Cumulative {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError> {
        let (x0, x1) = (
            *self.years.first().unwrap_or(&0) as f64,
            *self.years.last().unwrap_or(&0) as f64 + 1.0,
        );
        let (lo, hi) = range(self.cumulative.iter().copied());
        let lang = self.lang;
        let mut c = xy_chart(area, &self.title, 70, x0..x1, lo..hi)?;
        c.configure_mesh()
            .light_line_style(WHITE)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| tkr(*y, lang))
            .draw()
            .map_err(err)?;
        if let Some((a, b)) = self.band {
            c.draw_series(std::iter::once(Rectangle::new(
                [(a, lo), (b + 1.0, hi)],
                GREEN.mix(0.15).filled(),
            )))
            .map_err(err)?;
        }
        c.draw_series(std::iter::once(PathElement::new(
            vec![(x0, 0.0), (x1, 0.0)],
            GREY.stroke_width(1),
        )))
        .map_err(err)?;
        c.draw_series(LineSeries::new(
            self.years
                .iter()
                .zip(&self.cumulative)
                .map(|(y, v)| (*y as f64 + 0.5, *v)),
            BLUE.stroke_width(3),
        ))
        .map_err(err)?;
        Ok(())
    }
}

/// PV against the success rate, with the required and the assumed rate marked.
pub struct Requirement {
    /// Title.
    pub title: String,
    /// PV at s = 0.
    pub pv0: f64,
    /// PV per unit of success rate.
    pub slope: f64,
    /// The assumed rate.
    pub assumed: f64,
    /// The required rate.
    pub required: Option<f64>,
    /// Language of the number format.
    pub lang: Lang,
}

impl Chart for Requirement {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError> {
        let top = self.required.map_or(1.0, |s| s.clamp(0.0, 3.0).max(1.0));
        let pv = |s: f64| self.pv0 + s * self.slope;
        let (lo, hi) = range([pv(0.0), pv(top)].into_iter());
        let lang = self.lang;
        let mut c = xy_chart(area, &self.title, 70, 0.0..top, lo..hi)?;
        c.configure_mesh()
            .light_line_style(WHITE)
            .x_label_formatter(&|x| format!("{:.0} %", x * 100.0))
            .y_label_formatter(&|y| tkr(*y, lang))
            .draw()
            .map_err(err)?;
        c.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (top, 0.0)],
            GREY.stroke_width(1),
        )))
        .map_err(err)?;
        c.draw_series(LineSeries::new(
            [(0.0, pv(0.0)), (top, pv(top))],
            BLUE.stroke_width(3),
        ))
        .map_err(err)?;
        let mut marks = vec![(self.assumed, ORANGE)];
        if let Some(s) = self.required.filter(|s| (0.0..=top).contains(s)) {
            marks.push((s, RED));
        }
        for (s, color) in marks {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(s, lo), (s, hi)],
                color.stroke_width(2),
            )))
            .map_err(err)?;
        }
        Ok(())
    }
}

/// Tornado bars around the base PV.
pub struct Tornado {
    /// Title.
    pub title: String,
    /// Base PV.
    pub base: f64,
    /// Label, low, high (largest swing first).
    pub bars: Vec<(String, f64, f64)>,
    /// Language of the number format.
    pub lang: Lang,
}

impl Chart for Tornado {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError> {
        let n = self.bars.len().max(1);
        let (lo, hi) = range(
            self.bars
                .iter()
                .flat_map(|(_, a, b)| [*a, *b])
                .chain([self.base]),
        );
        let labels: Vec<String> = self.bars.iter().map(|b| b.0.clone()).collect();
        let lang = self.lang;
        let mut c = rows_chart(area, &self.title, (lo, hi), &labels, 260, &|x| {
            tkr(*x, lang)
        })?;
        c.draw_series(self.bars.iter().enumerate().map(|(i, (_, a, b))| {
            let y = n - 1 - i;
            Rectangle::new(
                [
                    (*a, SegmentValue::Exact(y)),
                    (*b, SegmentValue::Exact(y + 1)),
                ],
                BLUE.mix(0.8).filled(),
            )
        }))
        .map_err(err)?;
        c.draw_series(std::iter::once(PathElement::new(
            vec![
                (self.base, SegmentValue::Exact(0)),
                (self.base, SegmentValue::Exact(n)),
            ],
            BLACK.stroke_width(2),
        )))
        .map_err(err)?;
        Ok(())
    }
}

/// A histogram of the total PV with the interval marked.
pub struct Histogram {
    /// Title.
    pub title: String,
    /// Bin edges.
    pub edges: Vec<f64>,
    /// Counts.
    pub counts: Vec<u64>,
    /// The central interval.
    pub interval: [f64; 2],
    /// Language of the number format.
    pub lang: Lang,
}

impl Chart for Histogram {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError> {
        let x0 = *self.edges.first().unwrap_or(&0.0);
        let x1 = *self.edges.last().unwrap_or(&1.0);
        let (x0, x1) = if x1 > x0 {
            (x0, x1)
        } else {
            (x0 - 1.0, x0 + 1.0)
        };
        let top = self.counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.1;
        let lang = self.lang;
        let mut c = xy_chart(area, &self.title, 50, x0..x1, 0.0..top)?;
        c.configure_mesh()
            .light_line_style(WHITE)
            .disable_y_mesh()
            .x_label_formatter(&|x| tkr(*x, lang))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(err)?;
        c.draw_series(self.counts.iter().enumerate().map(|(i, n)| {
            let (a, b) = (self.edges[i], self.edges[i + 1]);
            let color = if b <= 0.0 { RED } else { GREEN };
            Rectangle::new([(a, 0.0), (b, *n as f64)], color.mix(0.7).filled())
        }))
        .map_err(err)?;
        for x in self.interval {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, top)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        }
        Ok(())
    }
}

/// The risk profile (S-curve): P(total PV ≥ amount) against the amount, with the interval's ends
/// and zero marked.
pub struct RiskProfile {
    /// Title.
    pub title: String,
    /// `[amount, P(PV ≥ amount)]`, amounts increasing.
    pub points: Vec<[f64; 2]>,
    /// The central interval.
    pub interval: [f64; 2],
    /// Language of the number format.
    pub lang: Lang,
}

impl Chart for RiskProfile {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError> {
        let (x0, x1) = range(self.points.iter().map(|p| p[0]));
        let lang = self.lang;
        let mut c = xy_chart(area, &self.title, 50, x0..x1, 0.0..1.0)?;
        c.configure_mesh()
            .x_label_formatter(&|x| tkr(*x, lang))
            .y_label_formatter(&|y| crate::present::format::pct(*y, 0, lang))
            .draw()
            .map_err(err)?;
        // the part below zero red, above green
        for (color, keep) in [(RED, false), (GREEN, true)] {
            let part: Vec<(f64, f64)> = self
                .points
                .iter()
                .filter(|p| (p[0] >= 0.0) == keep)
                .map(|p| (p[0], p[1]))
                .collect();
            c.draw_series(LineSeries::new(part, color.stroke_width(3)))
                .map_err(err)?;
        }
        for x in self.interval {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, 1.0)],
                GREY.stroke_width(2),
            )))
            .map_err(err)?;
        }
        if x0 < 0.0 && x1 > 0.0 {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, 1.0)],
                BLACK.stroke_width(2),
            )))
            .map_err(err)?;
        }
        Ok(())
    }
}

/// What drives the uncertainty: per input its share of the variance alone (dark) and with its
/// interactions (light), the largest first.
pub struct Drivers {
    /// Title.
    pub title: String,
    /// Label, first-order index, total index.
    pub bars: Vec<(String, f64, f64)>,
    /// Language of the number format.
    pub lang: Lang,
}

impl Chart for Drivers {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError> {
        let n = self.bars.len().max(1);
        let labels: Vec<String> = self.bars.iter().map(|b| b.0.clone()).collect();
        let lang = self.lang;
        let mut c = rows_chart(area, &self.title, (0.0, 1.0), &labels, 260, &|x| {
            crate::present::format::pct(*x, 0, lang)
        })?;
        for (alpha, pick) in [(0.35, 2usize), (0.9, 1)] {
            c.draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                let y = n - 1 - i;
                let v = if pick == 1 { b.1 } else { b.2 };
                let mut r = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(y)),
                        (v, SegmentValue::Exact(y + 1)),
                    ],
                    BLUE.mix(alpha).filled(),
                );
                r.set_margin(5, 5, 0, 0);
                r
            }))
            .map_err(err)?;
        }
        Ok(())
    }
}

/// Shares of draws per break-even year.
pub struct YearBars {
    /// Title.
    pub title: String,
    /// Year and share.
    pub shares: Vec<(i32, f64)>,
}

impl Chart for YearBars {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError> {
        let x0 = self.shares.first().map_or(0, |s| s.0) as f64;
        let x1 = self.shares.last().map_or(1, |s| s.0 + 1) as f64;
        let top = self.shares.iter().map(|s| s.1).fold(0.01, f64::max) * 1.15;
        let mut c = xy_chart(area, &self.title, 50, x0..x1, 0.0..top)?;
        c.configure_mesh()
            .light_line_style(WHITE)
            .disable_x_mesh()
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{:.0} %", y * 100.0))
            .draw()
            .map_err(err)?;
        c.draw_series(self.shares.iter().map(|(y, s)| {
            let y = *y as f64;
            Rectangle::new([(y + 0.1, 0.0), (y + 0.9, *s)], BLUE.mix(0.8).filled())
        }))
        .map_err(err)?;
        Ok(())
    }
}

/// The intervals of several interventions, with the median, to show their overlap.
pub struct Overlap {
    /// Title.
    pub title: String,
    /// Id, low, median, high.
    pub rows: Vec<(String, f64, f64, f64)>,
    /// Language of the number format.
    pub lang: Lang,
}

impl Chart for Overlap {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), ReportError> {
        let n = self.rows.len().max(1);
        let (lo, hi) = range(self.rows.iter().flat_map(|r| [r.1, r.3]));
        let labels: Vec<String> = self.rows.iter().map(|r| r.0.clone()).collect();
        let lang = self.lang;
        let mut c = rows_chart(area, &self.title, (lo, hi), &labels, 160, &|x| {
            tkr(*x, lang)
        })?;
        for (i, (_, a, m, b)) in self.rows.iter().enumerate() {
            let y = n - 1 - i;
            let color = PALETTE[i % PALETTE.len()];
            c.draw_series(std::iter::once(Rectangle::new(
                [
                    (*a, SegmentValue::Exact(y)),
                    (*b, SegmentValue::Exact(y + 1)),
                ],
                color.mix(0.6).filled(),
            )))
            .map_err(err)?;
            c.draw_series(std::iter::once(PathElement::new(
                vec![
                    (*m, SegmentValue::Exact(y)),
                    (*m, SegmentValue::Exact(y + 1)),
                ],
                BLACK.stroke_width(3),
            )))
            .map_err(err)?;
        }
        Ok(())
    }
}

// The figures of one result, built in one place for the report and the workbench.

/// Net gain per year and actor of one intervention (SØM's "Figur 2").
pub fn net_bars(c: &crate::model::Calculation, lang: Lang) -> NetBars {
    NetBars {
        title: format!(
            "{} — {}",
            lang.t(
                "Nettogevinst pr. år og aktør",
                "Net gain per year and actor"
            ),
            c.id
        ),
        years: c.years.clone(),
        series: c
            .net
            .0
            .iter()
            .skip(1)
            .map(|(k, v)| (crate::present::words::actor(k, lang), v.clone()))
            .collect(),
        lang,
        y_label: lang.t("tusinde kr.", "thousand kr.").into(),
    }
}

/// The present value of the total by success rate, with the required and the assumed rate.
pub fn requirement(
    c: &crate::model::Calculation,
    d: &crate::analysis::require::Requirement,
    lang: Lang,
) -> Requirement {
    Requirement {
        title: format!(
            "{} — {}",
            lang.t(
                "Nutidsværdi efter succesrate (rød: krævet, orange: antaget)",
                "Present value by success rate (red: required, orange: assumed)"
            ),
            c.id
        ),
        pv0: d.pv_at_zero,
        slope: d.slope,
        assumed: c.success_rate,
        required: d.success_rate,
        lang,
    }
}

/// The tornado's twelve widest bars.
pub fn tornado(t: &crate::analysis::tornado::Tornado, lang: Lang) -> Tornado {
    Tornado {
        title: format!("{} — {}", lang.t("Tornado (±20 %)", "Tornado (±20%)"), t.id),
        base: t.base,
        bars: t
            .bars
            .iter()
            .take(12)
            .map(|b| (crate::present::words::bar(b, lang), b.low, b.high))
            .collect(),
        lang,
    }
}

/// The Monte Carlo histogram of the total present value with the interval marked.
pub fn histogram(m: &crate::analysis::mc::McResult, lang: Lang) -> Histogram {
    Histogram {
        title: format!(
            "{} — {}",
            lang.t(
                "Monte Carlo: nutidsværdi i alt (linjer: interval)",
                "Monte Carlo: total present value (lines: interval)"
            ),
            m.id
        ),
        edges: m.histogram.edges.clone(),
        counts: m.histogram.counts.clone(),
        interval: m
            .pv
            .get(crate::model::TOTAL)
            .map_or([0.0, 0.0], |p| p.interval),
        lang,
    }
}

/// The risk profile of the total present value, from the Monte Carlo's `cdf`.
pub fn risk_profile(m: &crate::analysis::mc::McResult, lang: Lang) -> RiskProfile {
    let p = m.pv.get(crate::model::TOTAL);
    RiskProfile {
        title: format!(
            "{} — {}",
            lang.t(
                "Sandsynlighed for mindst … kr. i alt (grå: interval)",
                "Chance of at least … kr. in total (grey: interval)"
            ),
            m.id
        ),
        points: p.map_or_else(Vec::new, |p| {
            p.cdf.iter().map(|[a, q]| [*a, 1.0 - q]).collect()
        }),
        interval: p.map_or([0.0, 0.0], |p| p.interval),
        lang,
    }
}

/// What drives the uncertainty of the total present value (the largest twelve inputs).
pub fn drivers(m: &crate::analysis::mc::McResult, lang: Lang) -> Option<Drivers> {
    let short = |input: &str, label: &str| crate::present::words::input_short(input, label, lang);
    // correlated inputs: the squared rank correlations (alone and "with" alike); else Sobol's
    let (title, bars) = match m
        .rank_sensitivity
        .as_ref()
        .and_then(|r| r.get(crate::model::TOTAL))
    {
        Some(list) => (
            (
                "Hvad driver usikkerheden (kvadreret rangkorrelation, korrelerede input)",
                "What drives the uncertainty (squared rank correlation, correlated inputs)",
            ),
            list.iter()
                .map(|i| (short(&i.input, &i.label), i.squared, i.squared))
                .collect::<Vec<_>>(),
        ),
        None => (
            (
                "Hvad driver usikkerheden (mørk: alene, lys: med samspil)",
                "What drives the uncertainty (dark: alone, light: with interactions)",
            ),
            m.sensitivity
                .as_ref()?
                .get(crate::model::TOTAL)?
                .iter()
                .map(|i| (short(&i.input, &i.label), i.first_order, i.total))
                .collect::<Vec<_>>(),
        ),
    };
    Some(Drivers {
        title: format!("{} — {}", lang.t(title.0, title.1), m.id),
        bars: bars.into_iter().take(12).collect(),
        lang,
    })
}

/// The interventions' intervals of the total present value, one row each.
pub fn overlap(mcs: &[crate::analysis::mc::McResult], lang: Lang) -> Overlap {
    Overlap {
        title: lang
            .t(
                "Intervaller for nutidsværdi i alt (streg: median)",
                "Intervals of the total present value (bar: median)",
            )
            .into(),
        rows: mcs
            .iter()
            .filter_map(|m| {
                let p = m.pv.get(crate::model::TOTAL)?;
                Some((m.id.clone(), p.interval[0], p.p50, p.interval[1]))
            })
            .collect(),
        lang,
    }
}

/// Renders `chart` as SVG text only (the workbench's live figures), without the XML declaration.
pub fn svg(chart: &impl Chart) -> Result<String, ReportError> {
    let svg = svg_document(chart)?;
    Ok(match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    })
}
