//! The charts, as SVG written by hand through [`super::xml`].
//!
//! Hand-written rather than drawn with plotters' SVG backend: these are
//! three bar charts, which take a page of code here, and the writer is
//! ours to keep deterministic (numbers to one decimal, attributes in a
//! fixed order) and safe (every string escaped, bidi controls dropped),
//! with a legend, row heights and label cuts laid out so that no two labels
//! can overlap. Colours are the Okabe-Ito palette, which readers with any
//! common colour-vision deficiency can tell apart.

use std::collections::HashMap;

use crate::criterion::{Criterion, PerCriterion};
use crate::plan::{Placement, Role};
use crate::smaa::{Acceptability, Acceptance};
use crate::stability::Stability;
use crate::waves::{Roadmap, Stage};

use super::Report;
use super::xml::{Svg, Value, truncate};

/// Okabe-Ito, one colour per criterion in [`Criterion::ALL`] order.
const PALETTE: [&str; 7] = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
];
const INK: &str = "#000000";
const GRID: &str = "#d0d0d0";
const MUTED: &str = "#555555";

const WIDTH: f64 = 900.0;
/// Every row is this high, its bar [`BAR`] of it: labels never collide.
const ROW: f64 = 22.0;
const BAR: f64 = 14.0;
/// Where the labels of the rows end and the plot starts.
const PLOT_LEFT: f64 = 280.0;
const PLOT_RIGHT: f64 = 800.0;
/// The longest row label, in letter widths: 12-pixel bold text is about 8
/// pixels an average letter, so 32 fit in the 260 pixels before the plot.
/// Labels are also clipped there, for a run of wide letters.
const LABEL: usize = 32;
/// The longest tooltip, in letter widths.
const TOOLTIP: usize = 200;
/// Where the first row starts, under the title, legend and axis.
const TOP: f64 = 100.0;

/// The x of `share` in `[0, 1]` of the plot's width.
fn x_of(share: f64) -> f64 {
    PLOT_LEFT + share.clamp(0.0, 1.0) * (PLOT_RIGHT - PLOT_LEFT)
}

/// The y of the top of row `i`.
fn row_top(i: usize) -> f64 {
    TOP + ROW * i as f64
}

/// A chart with its title and an empty plot of `rows` rows.
fn page(title: &str, rows: usize) -> Svg {
    let height = row_top(rows) + 36.0;
    let mut svg = Svg::new(WIDTH, height, title);
    svg.open("defs", &[]);
    svg.open("clipPath", &[("id", "labels".into())]);
    svg.empty(
        "rect",
        &[
            ("width", (PLOT_LEFT - 10.0).into()),
            ("height", height.into()),
        ],
    );
    svg.close();
    svg.close();
    svg.text(
        20.0,
        24.0,
        "start",
        &[("font-size", 16.0.into()), ("font-weight", "bold".into())],
        title,
    );
    svg
}

/// Vertical grid lines and their labels at `ticks`, each a share of the
/// plot's width with its label, from the axis down through `rows` rows.
fn axis(svg: &mut Svg, ticks: &[(f64, String)], rows: usize, caption: &str) {
    let bottom = row_top(rows);
    for (share, label) in ticks {
        let x = x_of(*share);
        svg.empty(
            "line",
            &[
                ("x1", x.into()),
                ("y1", (TOP - 4.0).into()),
                ("x2", x.into()),
                ("y2", bottom.into()),
                ("stroke", GRID.into()),
            ],
        );
        svg.text(x, TOP - 8.0, "middle", &[("fill", MUTED.into())], label);
    }
    svg.text(
        f64::midpoint(PLOT_LEFT, PLOT_RIGHT),
        bottom + 24.0,
        "middle",
        &[("fill", MUTED.into())],
        caption,
    );
}

/// A muted note beside a chart's legend, read left to right from `x`.
fn note(svg: &mut Svg, x: f64, y: f64, text: &str) {
    svg.text(x, y, "start", &[("fill", MUTED.into())], text);
}

/// A legend row at `y`: a swatch and a label for each item, evenly spaced.
fn legend(svg: &mut Svg, y: f64, items: &[(&str, &str)]) {
    let mut x = 20.0;
    for (colour, label) in items {
        svg.empty(
            "rect",
            &[
                ("x", x.into()),
                ("y", (y - 10.0).into()),
                ("width", 12.0.into()),
                ("height", 12.0.into()),
                ("fill", Value::Text(colour)),
            ],
        );
        svg.text(x + 16.0, y, "start", &[], label);
        x += 120.0;
    }
}

/// The label of a row: "rank. name", bold for a leader, from the left
/// edge and clipped where the plot starts.
fn row_label(svg: &mut Svg, i: usize, placement: &Placement) {
    let label = truncate(&format!("{}. {}", placement.rank, placement.name), LABEL);
    let weight = match placement.role {
        Role::Lead => "bold",
        Role::Pull => "normal",
    };
    svg.text(
        20.0,
        row_top(i) + 15.0,
        "start",
        &[
            ("font-weight", weight.into()),
            ("clip-path", "url(#labels)".into()),
        ],
        &label,
    );
}

/// A number at the end of row `i`'s bar, at `x`, haloed in white so that a
/// grid or `min_score` line behind it does not cross it out.
fn value(svg: &mut Svg, x: f64, i: usize, text: &str) {
    svg.text(
        x,
        row_top(i) + 15.0,
        "start",
        &[
            ("stroke", "#ffffff".into()),
            ("stroke-width", 3.0.into()),
            ("paint-order", "stroke".into()),
        ],
        text,
    );
}

/// A tooltip for the group just opened: `text`, cut short.
fn tooltip(svg: &mut Svg, text: &str) {
    svg.element("title", &[], &truncate(text, TOOLTIP));
}

fn share_ticks() -> Vec<(f64, String)> {
    [0.0, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|t| (t, format!("{t:.2}")))
        .collect()
}

/// Stacked bars of each criterion's contribution to the total.
pub(super) fn contributions(report: &Report<'_>) -> String {
    let shown: Vec<&Placement> = report.shown().collect();
    let mut svg = page("Where each total comes from", shown.len());
    let items: Vec<(&str, &str)> = PALETTE
        .iter()
        .zip(Criterion::ALL)
        .map(|(colour, criterion)| (*colour, criterion.as_str()))
        .collect();
    legend(&mut svg, 50.0, &items);
    note(
        &mut svg,
        20.0,
        70.0,
        &format!(
            "bold: leads; dashed: min_score {}; each part is weight × score / sum of weights",
            report.criteria.min_score
        ),
    );
    axis(
        &mut svg,
        &share_ticks(),
        shown.len(),
        "total (weighted mean of the scores)",
    );
    // Under the rows, so that the bars and their numbers stay on top.
    min_score_line(&mut svg, report.criteria.min_score, shown.len());
    for (i, placement) in shown.iter().enumerate() {
        contribution_row(&mut svg, report, i, placement);
    }
    svg.finish()
}

/// The dashed line at `min` across `rows` rows, when `min` is above 0.
fn min_score_line(svg: &mut Svg, min: f64, rows: usize) {
    if min > 0.0 {
        let x = x_of(min);
        svg.empty(
            "line",
            &[
                ("x1", x.into()),
                ("y1", TOP.into()),
                ("x2", x.into()),
                ("y2", row_top(rows).into()),
                ("stroke", INK.into()),
                ("stroke-dasharray", "4 3".into()),
            ],
        );
    }
}

/// Row `i` of the contributions: `placement`'s stacked parts and its total.
fn contribution_row(svg: &mut Svg, report: &Report<'_>, i: usize, placement: &Placement) {
    let top = row_top(i) + (ROW - BAR) / 2.0;
    svg.open("g", &[]);
    tooltip(
        svg,
        &format!(
            "{} ({}): total {:.3}, {}",
            placement.name, placement.id, placement.total, placement.role
        ),
    );
    row_label(svg, i, placement);
    let mut start = 0.0;
    for ((part, colour), criterion) in report
        .contributions(placement)
        .into_iter()
        .zip(PALETTE)
        .zip(Criterion::ALL)
    {
        let (x0, x1) = (x_of(start), x_of(start + part));
        start += part;
        if x1 - x0 < 0.05 {
            continue;
        }
        svg.open(
            "rect",
            &[
                ("x", x0.into()),
                ("y", top.into()),
                ("width", (x1 - x0).into()),
                ("height", BAR.into()),
                ("fill", colour.into()),
            ],
        );
        svg.element("title", &[], &format!("{criterion}: {part:.3}"));
        svg.close();
    }
    value(
        svg,
        x_of(placement.total) + 6.0,
        i,
        &format!("{:.3}", placement.total),
    );
    svg.close();
}

/// Bars of the share of samples in which each candidate leads.
pub(super) fn acceptability(report: &Report<'_>, acceptability: &Acceptability) -> String {
    let rows = acceptance_rows(report, acceptability);
    let mut svg = page("How often each candidate leads", rows.len());
    let colour = PALETTE.get(4).copied().unwrap_or(INK);
    legend(&mut svg, 50.0, &[(colour, "leads")]);
    note(
        &mut svg,
        160.0,
        50.0,
        &format!(
            "share of {} weight vectors drawn {} (seed {}); bold: leads as configured",
            acceptability.samples, acceptability.sampling, acceptability.seed
        ),
    );
    let ticks: Vec<(f64, String)> = [0.0, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|t| (t, format!("{:.0}%", t * 100.0)))
        .collect();
    axis(
        &mut svg,
        &ticks,
        rows.len(),
        "share of samples in which it leads",
    );
    for (i, (acceptance, placement)) in rows.iter().enumerate() {
        acceptance_row(
            &mut svg,
            i,
            acceptance,
            placement,
            acceptability.samples,
            colour,
        );
    }
    svg.finish()
}

/// The candidates shown in the acceptability chart with their placements:
/// the most often leading first, then by rank; the leaders and the next at most.
fn acceptance_rows<'a>(
    report: &'a Report<'_>,
    acceptability: &'a Acceptability,
) -> Vec<(&'a Acceptance, &'a Placement<'a>)> {
    let placements: HashMap<&str, &Placement> = report
        .plan
        .ranking
        .iter()
        .map(|p| (p.id.as_ref(), p))
        .collect();
    let mut rows: Vec<(&Acceptance, &Placement)> = acceptability
        .candidates
        .iter()
        .filter_map(|a| placements.get(a.id.as_str()).map(|p| (a, *p)))
        .collect();
    rows.sort_by(|(a, p), (b, q)| {
        b.lead_share
            .total_cmp(&a.lead_share)
            .then(p.rank.cmp(&q.rank))
    });
    rows.truncate(report.criteria.leaders + super::NEXT);
    rows
}

/// Row `i` of the acceptability chart: the share of `samples` in which it leads.
fn acceptance_row(
    svg: &mut Svg,
    i: usize,
    acceptance: &Acceptance,
    placement: &Placement,
    samples: u64,
    colour: &'static str,
) {
    svg.open("g", &[]);
    tooltip(
        svg,
        &format!(
            "{} ({}): leads in {} of {samples} samples",
            placement.name, placement.id, acceptance.leads
        ),
    );
    row_label(svg, i, placement);
    let width = x_of(acceptance.lead_share) - PLOT_LEFT;
    svg.empty(
        "rect",
        &[
            ("x", PLOT_LEFT.into()),
            ("y", (row_top(i) + (ROW - BAR) / 2.0).into()),
            ("width", width.into()),
            ("height", BAR.into()),
            ("fill", colour.into()),
        ],
    );
    value(
        svg,
        x_of(acceptance.lead_share) + 6.0,
        i,
        &format!("{:.1}%", acceptance.lead_share * 100.0),
    );
    svg.close();
}

/// The least of 1, 2, 2.5 and 5 times a power of ten at least `x`.
fn round_up(x: f64) -> f64 {
    if !(x > 0.0 && x.is_finite()) {
        return 0.0;
    }
    let power = 10_f64.powf(x.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&r| r >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

/// `x` to at most 2 decimals, without trailing zeros: "2.5", "10".
fn short(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The width of a stability interval, for sorting: infinite when open.
fn room(s: &Stability) -> f64 {
    s.high.unwrap_or(f64::INFINITY) - s.low
}

/// A tornado of each weight's stability interval, the narrowest on top.
pub(super) fn stability(stability: &PerCriterion<Stability>) -> String {
    let mut rows: Vec<&Stability> = stability.values().collect();
    rows.sort_by(|a, b| {
        room(a)
            .total_cmp(&room(b))
            .then(a.criterion.cmp(&b.criterion))
    });
    let heaviest = rows.iter().map(|s| s.weight).fold(0.0, f64::max);
    let furthest = rows.iter().filter_map(|s| s.high).fold(0.0, f64::max);
    // Room for every finite end up to ten times the heaviest weight, in
    // four round steps; ends beyond are drawn open, like infinite ones.
    let wanted = (furthest * 1.1).clamp(2.0 * heaviest, 10.0 * heaviest);
    let step = round_up(wanted / 4.0);
    let scale = if step > 0.0 { 4.0 * step } else { 1.0 };
    let mut svg = page(
        "How far each weight can move with the same leaders",
        rows.len(),
    );
    let sky = PALETTE.get(1).copied().unwrap_or(INK);
    legend(
        &mut svg,
        50.0,
        &[(sky, "same leaders"), (INK, "current weight")],
    );
    note(
        &mut svg,
        260.0,
        50.0,
        "the other weights fixed; an arrow: no end, or beyond the axis",
    );
    let ticks: Vec<(f64, String)> = [0.0, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|t| (t, short(t * scale)))
        .collect();
    axis(&mut svg, &ticks, rows.len(), "weight");
    for (i, s) in rows.iter().enumerate() {
        interval(&mut svg, i, s, scale);
    }
    svg.finish()
}

/// Row `i` of the tornado: `s`'s interval on an axis from 0 to `scale`.
fn interval(svg: &mut Svg, i: usize, s: &Stability, scale: f64) {
    let sky = PALETTE.get(1).copied().unwrap_or(INK);
    let top = row_top(i) + (ROW - BAR) / 2.0;
    let high = s.high.map_or(String::from("∞"), |h| format!("{h:.2}"));
    svg.open("g", &[]);
    tooltip(
        svg,
        &format!(
            "{}: weight {} keeps the same leaders from {:.3} to {high}",
            s.criterion, s.weight, s.low
        ),
    );
    svg.text(
        PLOT_LEFT - 10.0,
        row_top(i) + 15.0,
        "end",
        &[],
        s.criterion.as_str(),
    );
    let x0 = x_of(s.low / scale);
    let open = s.high.is_none_or(|h| h > scale);
    let x1 = x_of(s.high.unwrap_or(scale) / scale);
    svg.empty(
        "rect",
        &[
            ("x", x0.into()),
            ("y", top.into()),
            ("width", (x1 - x0).into()),
            ("height", BAR.into()),
            ("fill", sky.into()),
        ],
    );
    if open {
        open_arrow(svg, x1, top, sky);
    }
    weight_mark(svg, x_of(s.weight / scale), top);
    svg.text(
        PLOT_RIGHT + 16.0,
        row_top(i) + 15.0,
        "start",
        &[],
        &format!("{:.2} – {high}", s.low),
    );
    svg.close();
}

/// The arrow at `x` of a bar from `top`: its interval has no end on the axis.
fn open_arrow(svg: &mut Svg, x: f64, top: f64, colour: &'static str) {
    let points = format!(
        "{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        x,
        top - 3.0,
        x + 10.0,
        top + BAR / 2.0,
        x,
        top + BAR + 3.0
    );
    svg.empty(
        "polygon",
        &[("points", Value::Text(&points)), ("fill", colour.into())],
    );
}

/// The mark of the current weight at `x` across a bar from `top`.
fn weight_mark(svg: &mut Svg, x: f64, top: f64) {
    svg.empty(
        "line",
        &[
            ("x1", x.into()),
            ("y1", (top - 3.0).into()),
            ("x2", x.into()),
            ("y2", (top + BAR + 3.0).into()),
            ("stroke", INK.into()),
            ("stroke-width", 2.0.into()),
        ],
    );
}

/// The roadmap as a Gantt chart: a bar per reached project from its start
/// month to its end, coloured by wave, in the roadmap's order (the leaders,
/// then each wave); the first leaders-and-next-20 rows of it at most.
pub(super) fn roadmap(roadmap: &Roadmap) -> String {
    let shown = roadmap.projects.len().min(40);
    let rows = roadmap.projects.get(..shown).unwrap_or_default();
    let last = rows.iter().map(|s| s.end).max().unwrap_or(0).max(1);
    let step = round_up(last as f64 / 4.0).max(1.0);
    let scale = 4.0 * step;
    let mut svg = page("How the rest follow: the waves", rows.len());
    let names = wave_names(roadmap.pull_waves);
    let items: Vec<(&str, &str)> = PALETTE
        .iter()
        .zip(&names)
        .map(|(colour, name)| (*colour, name.as_str()))
        .collect();
    legend(&mut svg, 50.0, &items);
    note(
        &mut svg,
        20.0,
        70.0,
        &format!(
            "each bar from its start month to its end; {} pull wave(s); {} never reached",
            roadmap.pull_waves,
            roadmap.unreached.len()
        ),
    );
    let ticks: Vec<(f64, String)> = [0.0, 0.25, 0.5, 0.75, 1.0]
        .into_iter()
        .map(|t| (t, short(t * scale)))
        .collect();
    axis(&mut svg, &ticks, rows.len(), "month");
    for (i, stage) in rows.iter().enumerate() {
        stage_row(&mut svg, i, stage, scale);
    }
    svg.finish()
}

/// The legend's names of the waves up to `pull_waves`, the last colour
/// standing for every wave from it on.
fn wave_names(pull_waves: usize) -> Vec<String> {
    let waves = pull_waves.min(PALETTE.len() - 1);
    (0..=waves)
        .map(|w| match w {
            0 => "leaders".to_owned(),
            w if w == PALETTE.len() - 1 && pull_waves > w => format!("waves {w}+"),
            w => format!("wave {w}"),
        })
        .collect()
}

/// Row `i` of the roadmap: `stage`'s bar from its start month to its end.
fn stage_row(svg: &mut Svg, i: usize, stage: &Stage, scale: f64) {
    let colour = PALETTE
        .get(stage.wave.min(PALETTE.len() - 1))
        .copied()
        .unwrap_or(INK);
    svg.open("g", &[]);
    let coach = stage
        .coach
        .as_ref()
        .map_or_else(|| "leads".to_owned(), ToString::to_string);
    tooltip(
        svg,
        &format!(
            "{} ({}): wave {}, months {}-{}, {coach}",
            stage.name, stage.id, stage.wave, stage.start, stage.end
        ),
    );
    let label = truncate(&format!("{}. {}", stage.wave, stage.name), LABEL);
    svg.text(
        20.0,
        row_top(i) + 15.0,
        "start",
        &[
            (
                "font-weight",
                if stage.wave == 0 { "bold" } else { "normal" }.into(),
            ),
            ("clip-path", "url(#labels)".into()),
        ],
        &label,
    );
    let x0 = x_of(stage.start as f64 / scale);
    let x1 = x_of(stage.end as f64 / scale);
    svg.empty(
        "rect",
        &[
            ("x", x0.into()),
            ("y", (row_top(i) + (ROW - BAR) / 2.0).into()),
            ("width", (x1 - x0).max(1.0).into()),
            ("height", BAR.into()),
            ("fill", colour.into()),
        ],
    );
    svg.close();
}
