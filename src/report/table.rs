//! The plain-text report: the ranking, the leaders' breakdowns, the pull,
//! the roadmap and the analyses given, in fixed-width columns for a
//! terminal.

use std::fmt::{self, Write as _};
use std::io;

use super::Report;
use crate::plan::{Placement, Role};
use crate::smaa::Acceptability;
use crate::stability::{Shift, Stability};
use crate::waves::Roadmap;

/// The widest an id column grows: a longer id is printed whole and pushes
/// the rest of its row out of line.
const MAX_ID_WIDTH: usize = 40;

/// How many rank columns the acceptability table shows at most.
const RANK_COLUMNS: usize = 5;

/// The text report of `report`: each section its inputs allow.
pub(super) fn report(report: &Report<'_>) -> String {
    let mut out = Sink {
        text: String::with_capacity(room(report)),
        to: None,
    };
    // With nowhere to spill to, nothing fails.
    let _ = sections(&mut out, report);
    out.text
}

/// The text report of `report`, written to `to` in pieces as it is made.
pub(super) fn write(report: &Report<'_>, to: &mut dyn io::Write) -> io::Result<()> {
    let mut out = Sink {
        text: String::with_capacity(PIECE + PIECE / 4),
        to: Some(to),
    };
    sections(&mut out, report)?;
    out.flush()
}

/// Each section `report`'s inputs allow, into `out`.
fn sections(out: &mut Sink<'_>, report: &Report<'_>) -> io::Result<()> {
    plan(out, report)?;
    if let Some(roadmap) = report.roadmap {
        roadmap_table(out, roadmap)?;
    }
    if let Some(stability) = report.stability {
        out.text.push_str(&stability_table(stability.values()));
    }
    if let Some(acceptability) = report.acceptability {
        out.text.push_str(&acceptability_table(acceptability));
    }
    if let Some(counterfactuals) = report.counterfactuals {
        out.text
            .push_str("\nWhat one change of evidence would do\n");
        let width = id_width(counterfactuals.iter().map(|c| c.id.as_str()));
        for c in counterfactuals {
            let _ = writeln!(out.text, "  {:4}  {}  {c}", c.role, Padded(&c.id, width));
            out.spill()?;
        }
    }
    Ok(())
}

impl Roadmap {
    /// The roadmap's section of [`Report::table`] (each project's wave,
    /// months and coach, then the followers no one reaches), written to
    /// `out` in pieces as [`Report::write_table`] writes: a report
    /// without a roadmap, then this, is the report with it, so a caller
    /// can write the ranking while the roadmap is still being made.
    ///
    /// ```
    /// use spearhead::{Criteria, Portfolio, Report};
    ///
    /// # let sample = include_str!("../../examples/portfolio.toml");
    /// let criteria = Criteria::default();
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let report = Report::new(&criteria, &portfolio)?;
    /// let roadmap = criteria.roadmap_of(&portfolio, report.plan());
    /// let mut written = Vec::new();
    /// report.write_table(&mut written)?;
    /// roadmap.write_table(&mut written)?;
    /// assert_eq!(written, report.with_roadmap(&roadmap).table().into_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first error `out` gives.
    pub fn write_table(&self, out: &mut impl io::Write) -> io::Result<()> {
        let mut sink = Sink {
            text: String::with_capacity(PIECE + PIECE / 4),
            to: Some(out),
        };
        roadmap_table(&mut sink, self)?;
        sink.flush()
    }
}

/// How much text is written to a writer at a time.
const PIECE: usize = 1 << 16;

/// Where the text goes as it is made: kept whole when there is no writer,
/// else handed to it each time a [`PIECE`] is full.
struct Sink<'w> {
    text: String,
    to: Option<&'w mut dyn io::Write>,
}

impl Sink<'_> {
    /// Hands the text to the writer once a piece is full; an error there
    /// ends the report (a closed pipe: nothing more is made).
    #[inline]
    fn spill(&mut self) -> io::Result<()> {
        if self.text.len() >= PIECE {
            self.flush()?;
        }
        Ok(())
    }

    /// Hands all the text made so far to the writer, if there is one.
    fn flush(&mut self) -> io::Result<()> {
        if let Some(to) = &mut self.to {
            to.write_all(self.text.as_bytes())?;
            self.text.clear();
        }
        Ok(())
    }
}

/// About how long the text of `report`'s ranking, pull and roadmap is, so
/// that it is made room for once rather than grown by copying: hundreds of
/// megabytes at a million candidates.
fn room(report: &Report<'_>) -> usize {
    let ranking = &report.plan.ranking;
    let width = id_width(ranking.iter().map(|p| p.id.as_ref()));
    let texts = |p: &Placement<'_>| {
        let unit = p.unit.as_ref().map_or(0, |u| u.len() + 12);
        let sponsor = p.sponsor.as_ref().map_or(0, |s| s.len() + 12);
        p.name.len() + unit + sponsor
    };
    let rows: usize = (ranking.iter())
        .map(|p| 2 * width + 28 + texts(p) + 64 * p.reasons.len())
        .sum();
    let roadmap = report.roadmap.map_or(0, |r| {
        r.projects.len() * (width + 48) + r.unreached.len() * (width + 128)
    });
    rows + roadmap
}

/// The ranking, the leaders with their breakdowns, and the followers with
/// why each does not lead.
fn plan(out: &mut Sink<'_>, report: &Report<'_>) -> io::Result<()> {
    let ranking = &report.plan.ranking;
    let width = id_width(ranking.iter().map(|p| p.id.as_ref()));
    let _ = writeln!(out.text, "rank  total  role  {}  name", Padded("id", width));
    // A ranking repeats its totals and reasons row after row: each is
    // formatted when it changes.
    let mut total = Memo::default();
    for (i, p) in ranking.iter().enumerate() {
        if i % BATCH == 0 {
            touch_ahead(ranking, i, |p| [p.id.as_ref(), p.name.as_ref()]);
        }
        // As `"{:>4}  {total}  {:4}  {}  {}"` writes it, without the
        // formatting machinery: three rows a candidate at a million.
        let total = total.text(&p.total.to_bits(), || format!("{:.3}", p.total));
        let text = &mut out.text;
        push_right(text, p.rank as u64, 4);
        text.push_str("  ");
        text.push_str(total);
        text.push_str("  ");
        text.push_str(p.role.as_str());
        text.push_str("  ");
        // Writing to a `String` cannot fail.
        let _ = pad(text, &p.id, width);
        text.push_str("  ");
        let _ = who(text, p);
        text.push('\n');
        out.spill()?;
    }
    let _ = writeln!(
        out.text,
        "\nPush: {} demonstration project(s) lead",
        report.plan.leaders.len()
    );
    for p in ranking.iter().filter(|p| p.role == Role::Lead) {
        let _ = writeln!(out.text, "\n  {} ({}), total {:.3}", Who(p), p.id, p.total);
        if p.decided {
            // A must-lead: it leads whatever it falls short on.
            let short: Vec<String> = p.reasons.iter().map(ToString::to_string).collect();
            let _ = writeln!(
                out.text,
                "    leads by decision (must_lead); {}",
                short.join("; ")
            );
        }
        if let Some(candidate) = report.candidate(&p.id) {
            for line in report.criteria.breakdown(&candidate.evidence) {
                let _ = writeln!(
                    out.text,
                    "    {:<12} {:.2}  {}",
                    line.criterion.as_str(),
                    line.score,
                    line.explanation
                );
            }
        }
        out.spill()?;
    }
    out.text
        .push_str("\nPull: the others follow when the leaders show results\n");
    let mut texts = Memo::default();
    let pulls = ranking
        .iter()
        .enumerate()
        .filter(|(_, p)| p.role == Role::Pull);
    for (i, p) in pulls {
        if i % BATCH == 0 {
            touch_ahead(ranking, i, |p| [p.id.as_ref(), ""]);
        }
        out.text.push_str("  ");
        let _ = pad(&mut out.text, &p.id, width);
        out.text.push_str("  ");
        for (i, reason) in p.reasons.iter().enumerate() {
            if i > 0 {
                out.text.push_str("; ");
            }
            out.text.push_str(texts.text(reason, || reason.to_string()));
        }
        out.text.push('\n');
        out.spill()?;
    }
    Ok(())
}

/// How many rows' texts are read ahead of formatting them.
const BATCH: usize = 64;

/// Reads the first byte of the texts `texts` gives for each of the
/// [`BATCH`] placements of `ranking` from `from`, in a loop that does
/// nothing else: the texts lie in no useful order in memory, and such a
/// loop keeps many reads in flight, so that formatting the rows then finds
/// them in the cache (at a million candidates, a fifth of the table's time
/// was spent waiting on each id in turn). `black_box` keeps the reads.
fn touch_ahead<'p>(
    ranking: &'p [Placement<'_>],
    from: usize,
    texts: impl Fn(&'p Placement<'_>) -> [&'p str; 2],
) {
    let first = |text: &str| text.as_bytes().first().copied().unwrap_or(0);
    let rows = ranking.get(from..).unwrap_or_default().iter().take(BATCH);
    let touched = rows.fold(0, |sum, p| {
        let [a, b] = texts(p);
        sum ^ first(a) ^ first(b)
    });
    std::hint::black_box(touched);
}

/// The texts of the last few values formatted: a ranking repeats a few
/// totals and reasons row after row.
struct Memo<T> {
    kept: Vec<(T, String)>,
    /// Where the next new value goes once `kept` is full.
    next: usize,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            kept: Vec::new(),
            next: 0,
        }
    }
}

impl<T: PartialEq + Clone> Memo<T> {
    /// How many values it keeps.
    const KEPT: usize = 16;

    /// The text of `value`: `format`'s, kept while it is among the last
    /// few values asked for.
    fn text(&mut self, value: &T, format: impl FnOnce() -> String) -> &str {
        let at = match self.kept.iter().position(|(kept, _)| kept == value) {
            Some(at) => at,
            None if self.kept.len() < Self::KEPT => {
                self.kept.push((value.clone(), format()));
                self.kept.len() - 1
            }
            None => {
                let at = self.next;
                self.next = (self.next + 1) % Self::KEPT;
                if let Some(slot) = self.kept.get_mut(at) {
                    *slot = (value.clone(), format());
                }
                at
            }
        };
        self.kept.get(at).map_or("", |(_, text)| text)
    }
}

/// Each project's wave, months and coach, then the followers no one
/// reaches.
fn roadmap_table(out: &mut Sink<'_>, roadmap: &Roadmap) -> io::Result<()> {
    let _ = write!(
        out.text,
        "\nRoadmap: the push, then {} pull wave(s)\n",
        roadmap.pull_waves
    );
    let width = id_width(roadmap.projects.iter().map(|s| s.id.as_str()));
    let _ = writeln!(
        out.text,
        "  wave  start  end  {}  coach",
        Padded("id", width)
    );
    for stage in &roadmap.projects {
        let _ = write!(
            out.text,
            "  {:>4}  {:>5}  {:>3}  {}  ",
            stage.wave,
            stage.start,
            stage.end,
            Padded(&stage.id, width)
        );
        match &stage.coach {
            Some(coach) => {
                let _ = writeln!(out.text, "{coach}");
            }
            None => out.text.push_str("leads: the push\n"),
        }
        out.spill()?;
    }
    let mut reason = Memo::default();
    for unreached in &roadmap.unreached {
        let reason = reason.text(&unreached.reason, || unreached.reason.to_string());
        let text = &mut out.text;
        text.push_str("  not reached: ");
        text.push_str(&unreached.id);
        text.push_str("  ");
        text.push_str(reason);
        text.push('\n');
        out.spill()?;
    }
    Ok(())
}

/// How far each weight can move, the others fixed, with the same leaders.
fn stability_table<'s>(stability: impl Iterator<Item = &'s Stability>) -> String {
    let mut out = String::from(
        "\nRobustness: how far each weight can move, the others fixed, with the same leaders\n",
    );
    let _ = writeln!(
        out,
        "  {:<12} {:>7}  {:<18} past the ends",
        "criterion", "weight", "same leaders for"
    );
    for s in stability {
        let range = match s.high {
            Some(high) => format!("{} to {}", number(s.low), number(high)),
            None => format!("{} and up", number(s.low)),
        };
        let mut ends = Vec::new();
        if let Some(below) = &s.below {
            ends.push(format!("below: {}", shift(below)));
        }
        if let Some(above) = &s.above {
            ends.push(format!("above: {}", shift(above)));
        }
        if ends.is_empty() {
            ends.push("no weight changes the leaders".to_owned());
        }
        let _ = writeln!(
            out,
            "  {:<12} {:>7}  {:<18} {}",
            s.criterion.as_str(),
            number(s.weight),
            range,
            ends.join("; ")
        );
    }
    out
}

/// How often each candidate leads and ranks where, over the samples.
fn acceptability_table(a: &Acceptability) -> String {
    let mut out = format!(
        "\nAcceptability: {} weight vectors drawn ({}, seed {}), ranks 1 to {} counted\n",
        a.samples, a.sampling, a.seed, a.ranks
    );
    let width = id_width(a.candidates.iter().map(|c| c.id.as_str()));
    let shown = a.leaders.min(a.ranks).min(RANK_COLUMNS);
    let mut header = format!("  {}  leads ", Padded("id", width));
    for rank in 1..=shown {
        let _ = write!(header, " rank {rank:<2}");
    }
    header.push_str(
        " central weights (duration visibility tangibility phase bottom_line lead sponsorship)",
    );
    let _ = writeln!(out, "{header}");
    #[allow(clippy::cast_precision_loss)] // a share, printed to 0.1%
    let share = |count: u64| 100.0 * count as f64 / a.samples.max(1) as f64;
    for c in &a.candidates {
        let mut line = format!("  {}  {:5.1}%", Padded(&c.id, width), 100.0 * c.lead_share);
        for rank in 0..shown {
            let count = c.ranks.get(rank).copied().unwrap_or(0);
            let _ = write!(line, " {:6.1}%", share(count));
        }
        match &c.central_weights {
            Some(weights) => {
                let weights: Vec<String> = weights.iter().map(|(_, w)| format!("{w:.2}")).collect();
                let _ = write!(line, "  {}", weights.join(" "));
            }
            None => line.push_str("  never leads"),
        }
        let _ = writeln!(out, "{line}");
    }
    out.push_str(
        "  Ranks count every candidate, eligible or not; only an eligible one leads,\n  \
         so a candidate below a min can rank high and never lead.\n",
    );
    out
}

/// `x` with at most 3 decimals, without trailing zeros.
fn number(x: f64) -> String {
    let text = format!("{x:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0" } else { text }.to_owned()
}

/// "a in, b out".
fn shift(shift: &Shift) -> String {
    let moves: Vec<String> = (shift.enter.iter().map(|id| format!("{id} in")))
        .chain(shift.leave.iter().map(|id| format!("{id} out")))
        .collect();
    moves.join(", ")
}

/// The width of an id column: the longest id, at least the header "id", at
/// most [`MAX_ID_WIDTH`].
fn id_width<'i>(ids: impl Iterator<Item = &'i str>) -> usize {
    let mut widest = 0;
    for id in ids {
        // An id has no more characters than bytes: one no longer in bytes
        // than the widest so far is not read at all.
        if id.len() > widest {
            widest = widest.max(id.chars().count());
            if widest >= MAX_ID_WIDTH {
                break;
            }
        }
    }
    widest.clamp(2, MAX_ID_WIDTH)
}

/// `n` right-aligned in `width` characters, as `{:>width$}` writes it.
fn push_right(out: &mut String, n: u64, width: usize) {
    let digits = n.checked_ilog10().map_or(1, |log| log as usize + 1);
    for _ in digits..width {
        out.push(' ');
    }
    crate::json::push_u64(out, n);
}

/// `text` padded with spaces to `width` characters: what [`Padded`]
/// writes, and the rows write directly into their `String`.
fn pad(out: &mut impl fmt::Write, text: &str, width: usize) -> fmt::Result {
    out.write_str(text)?;
    // A text no shorter in bytes than the width needs no padding, and in
    // ASCII a byte is a character: most ids are not counted.
    if text.len() >= width && text.is_ascii() {
        return Ok(());
    }
    let chars = if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    };
    for _ in chars..width {
        out.write_char(' ')?;
    }
    Ok(())
}

/// The name of `p`, then its unit and sponsor when the portfolio gives
/// them: what [`Who`] writes, and the rows write directly.
fn who(out: &mut impl fmt::Write, p: &Placement<'_>) -> fmt::Result {
    out.write_str(&p.name)?;
    let (open, close) = (" (", ")");
    match (&p.unit, &p.sponsor) {
        (Some(unit), Some(sponsor)) => {
            for piece in [open, unit, "; sponsor ", sponsor, close] {
                out.write_str(piece)?;
            }
        }
        (Some(unit), None) => {
            for piece in [open, unit, close] {
                out.write_str(piece)?;
            }
        }
        (None, Some(sponsor)) => {
            for piece in [" (sponsor ", sponsor, close] {
                out.write_str(piece)?;
            }
        }
        (None, None) => {}
    }
    Ok(())
}

/// Text padded with spaces to a width in characters. By hand: a format
/// width (`{:w$}`) panics past 65,535, and an id may be longer.
struct Padded<'t>(&'t str, usize);

impl fmt::Display for Padded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        pad(f, self.0, self.1)
    }
}

/// The name, then the unit and sponsor when the portfolio gives them:
/// "CRM rollout (Sales; sponsor D. Okafor)".
struct Who<'p>(&'p Placement<'p>);

impl fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        who(f, self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_memo_gives_each_value_its_own_text_past_what_it_keeps() {
        let mut memo = Memo::default();
        let mut formatted = 0;
        // 40 values, each asked for three times in a row, then all again.
        for round in 0..2 {
            for value in 0..40_u32 {
                for _ in 0..3 {
                    let text = memo.text(&value, || {
                        formatted += 1;
                        format!("v{value}")
                    });
                    assert_eq!(text, format!("v{value}"), "round {round}");
                }
            }
        }
        // Once per value and round: 40 values do not fit in what it keeps.
        assert_eq!(formatted, 80);
        // The last few are still kept.
        memo.text(&39, || unreachable!("39 is kept"));
    }

    #[test]
    fn numbers_drop_trailing_zeros_and_negative_zero() {
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(-0.0001), "0");
        assert_eq!(number(0.1234), "0.123");
    }

    #[test]
    fn padding_counts_characters_and_never_cuts() {
        assert_eq!(Padded("é", 3).to_string(), "é  ");
        assert_eq!(Padded("abcd", 2).to_string(), "abcd");
        assert_eq!(id_width(["a"].into_iter()), 2);
        assert_eq!(id_width(["x".repeat(70_000).as_str()].into_iter()), 40);
        // The widest counts, however the ids come.
        assert_eq!(id_width(["ab", "abcde", "abc", "ééééééé"].into_iter()), 7);
        assert_eq!(id_width(["ééé", "abcd"].into_iter()), 4);
    }

    #[test]
    fn numbers_are_right_aligned_as_a_format_width_aligns_them() {
        for n in [0, 7, 10, 999, 1_000, 9_999, 10_000, 1_234_567, u64::MAX] {
            let mut text = String::new();
            push_right(&mut text, n, 4);
            assert_eq!(text, format!("{n:>4}"));
        }
    }

    #[test]
    fn who_gives_the_unit_and_sponsor_there_are() {
        let placement = |unit: Option<&'static str>, sponsor: Option<&'static str>| {
            let mut p: Placement<'static> = serde_json::from_value(serde_json::json!({
                "rank": 1, "id": "a", "name": "Name", "total": 0.5, "role": "pull",
                "eligible": false, "reasons": [],
                "scores": {"duration": 0.0, "visibility": 0.0, "tangibility": 0.0,
                    "phase": 0.0, "bottom_line": 0.0, "lead": 0.0, "sponsorship": 0.0},
            }))
            .unwrap_or_else(|e| unreachable!("{e}"));
            p.unit = unit.map(Into::into);
            p.sponsor = sponsor.map(Into::into);
            p
        };
        for (unit, sponsor, want) in [
            (Some("Sales"), Some("D. O"), "Name (Sales; sponsor D. O)"),
            (Some("Sales"), None, "Name (Sales)"),
            (None, Some("D. O"), "Name (sponsor D. O)"),
            (None, None, "Name"),
        ] {
            let p = placement(unit, sponsor);
            assert_eq!(Who(&p).to_string(), want);
            let mut text = String::new();
            let _ = who(&mut text, &p);
            assert_eq!(text, want);
        }
    }
}
