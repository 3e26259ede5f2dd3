//! The plan and the roadmap as compact JSON, written by hand: the bytes
//! `serde_json`'s compact writer gives for their `Serialize`, several
//! times faster.
//!
//! `serde_json` escapes every key byte by byte and formats every number
//! afresh; a plan of a million candidates is about 470 MB of JSON, with some
//! twenty numbers a candidate, nearly all of them repeats (scores take a
//! few values per criterion, the minimums one). Here the keys are
//! literals, a text is copied whole when it needs no escape, and each
//! number is formatted once and then copied from a small cache.

use std::fmt::{self, Write as _};

use crate::criterion::Scores;
use crate::plan::{Holder, Keeper, Placement, Plan, Reason};
use crate::waves::{Coaching, Roadmap, Stage, Unreachable, Unreached};

/// How many placements' texts [`JsonWriter::placements`] touches before
/// it writes them.
const BATCH: usize = 32;

/// Writes plans and roadmaps, or their parts a slice at a time, as compact
/// JSON: byte for byte what `serde_json::to_string` gives for them (their
/// `Serialize`), faster.
///
/// The writer keeps the numbers it formatted, so one writer for a whole
/// plan is faster than one a placement; what it writes does not depend on
/// what it wrote before.
///
/// ```
/// use spearhead::{Criteria, JsonWriter, Portfolio};
///
/// # let sample = include_str!("../examples/portfolio.toml");
/// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
/// let plan = Criteria::default().plan(&portfolio)?;
/// let mut json = String::new();
/// JsonWriter::new().plan(&mut json, &plan);
/// assert!(json.starts_with(r#"{"leaders":["crm-rollout","order-to-cash","#));
/// # Ok::<(), spearhead::Error>(())
/// ```
pub struct JsonWriter {
    /// Numbers as `serde_json` writes them.
    json: Numbers,
    /// Numbers as `{}` writes them, in the reasons' words.
    display: Numbers,
    /// Numbers as `{:.3}` writes them, in the reasons' words.
    fixed: Numbers,
    /// A reason's words, before they are escaped.
    words: String,
    /// The last reason a follower is not reached, and its JSON object:
    /// most unreached followers share it.
    unreachable: Option<(Unreachable, String)>,
}

impl fmt::Debug for JsonWriter {
    /// Nothing but its name: the cache is no one's business.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonWriter").finish_non_exhaustive()
    }
}

impl Default for JsonWriter {
    fn default() -> Self {
        JsonWriter::new()
    }
}

impl JsonWriter {
    /// A writer with an empty cache.
    #[must_use]
    pub fn new() -> Self {
        JsonWriter {
            json: Numbers::new(Style::Json),
            display: Numbers::new(Style::Display),
            fixed: Numbers::new(Style::Fixed3),
            words: String::new(),
            unreachable: None,
        }
    }

    /// Appends `plan` to `out` as one compact JSON object, `{"leaders":
    /// [...], "ranking": [...]}` without the spaces.
    pub fn plan(&mut self, out: &mut String, plan: &Plan<'_>) {
        out.push_str("{\"leaders\":[");
        for (i, id) in plan.leaders.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_text(out, id);
        }
        out.push_str("],\"ranking\":[");
        self.placements(out, &plan.ranking);
        out.push_str("]}");
    }

    /// Appends `placements` to `out` as compact JSON objects with a comma
    /// between each two, as in an array: for a caller that writes a long
    /// ranking in pieces, inside `[` and `]` of its own.
    pub fn placements(&mut self, out: &mut String, placements: &[Placement<'_>]) {
        for (i, batch) in placements.chunks(BATCH).enumerate() {
            // The texts lie apart in memory, in no useful order: a loop
            // that only touches the batch's texts first keeps many reads
            // in flight, and the writing then finds them in the cache (at
            // 1M, half the time of writing each as it comes).
            let touched = (batch.iter()).fold(0_u8, |acc, p| {
                let first = |text: &str| text.bytes().next().unwrap_or(0);
                acc ^ first(&p.id)
                    ^ first(&p.name)
                    ^ p.unit.as_deref().map_or(0, first)
                    ^ p.sponsor.as_deref().map_or(0, first)
            });
            std::hint::black_box(touched);
            for (j, placement) in batch.iter().enumerate() {
                if i > 0 || j > 0 {
                    out.push(',');
                }
                self.placement(out, placement);
            }
        }
    }

    /// Appends `placement` to `out` as one compact JSON object.
    pub fn placement(&mut self, out: &mut String, placement: &Placement<'_>) {
        out.push_str("{\"rank\":");
        push_u64(out, placement.rank as u64);
        out.push_str(",\"id\":");
        push_text(out, &placement.id);
        out.push_str(",\"name\":");
        push_text(out, &placement.name);
        if let Some(unit) = &placement.unit {
            out.push_str(",\"unit\":");
            push_text(out, unit);
        }
        if let Some(sponsor) = &placement.sponsor {
            out.push_str(",\"sponsor\":");
            push_text(out, sponsor);
        }
        out.push_str(",\"total\":");
        self.json.push(out, placement.total);
        out.push_str(",\"role\":\"");
        out.push_str(placement.role.as_str());
        out.push_str(if placement.eligible {
            "\",\"eligible\":true,\"scores\":"
        } else {
            "\",\"eligible\":false,\"scores\":"
        });
        self.scores(out, &placement.scores);
        out.push_str(",\"reasons\":[");
        for (i, reason) in placement.reasons.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.reason(out, reason);
        }
        out.push(']');
        if placement.decided {
            out.push_str(",\"decided\":true");
        }
        out.push('}');
    }

    /// Appends `roadmap` to `out` as one compact JSON object,
    /// `{"pull_waves":N,"projects":[...],"unreached":[...]}` without the
    /// spaces: byte for byte what `serde_json::to_string` gives for it.
    ///
    /// ```
    /// use spearhead::{Criteria, JsonWriter, Portfolio};
    ///
    /// # let sample = include_str!("../examples/portfolio.toml");
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let roadmap = Criteria::default().roadmap(&portfolio)?;
    /// let mut json = String::new();
    /// JsonWriter::new().roadmap(&mut json, &roadmap);
    /// assert!(json.starts_with(r#"{"pull_waves":"#));
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    pub fn roadmap(&mut self, out: &mut String, roadmap: &Roadmap) {
        out.push_str("{\"pull_waves\":");
        push_u64(out, roadmap.pull_waves as u64);
        out.push_str(",\"projects\":[");
        self.stages(out, &roadmap.projects);
        out.push_str("],\"unreached\":[");
        self.unreached(out, &roadmap.unreached);
        out.push_str("]}");
    }

    /// Appends `stages` to `out` as compact JSON objects with a comma
    /// between each two, as in an array: for a caller that writes a long
    /// roadmap in pieces, inside `[` and `]` of its own.
    pub fn stages(&mut self, out: &mut String, stages: &[Stage]) {
        for (i, stage) in stages.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"id\":");
            push_text(out, &stage.id);
            out.push_str(",\"name\":");
            push_text(out, &stage.name);
            out.push_str(",\"wave\":");
            push_u64(out, stage.wave as u64);
            out.push_str(",\"start\":");
            push_u64(out, stage.start);
            out.push_str(",\"end\":");
            push_u64(out, stage.end);
            if let Some(coach) = &stage.coach {
                out.push_str(",\"coach\":");
                self.coaching(out, coach);
            }
            out.push('}');
        }
    }

    /// Appends `unreached` to `out` as compact JSON objects with a comma
    /// between each two, as [`JsonWriter::stages`] does.
    pub fn unreached(&mut self, out: &mut String, unreached: &[Unreached]) {
        for (i, follower) in unreached.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"id\":");
            push_text(out, &follower.id);
            out.push_str(",\"name\":");
            push_text(out, &follower.name);
            out.push_str(",\"reason\":");
            match &self.unreachable {
                Some((kept, json)) if *kept == follower.reason => out.push_str(json),
                _ => {
                    let json = unreachable(&follower.reason);
                    out.push_str(&json);
                    self.unreachable = Some((follower.reason.clone(), json));
                }
            }
            out.push('}');
        }
    }

    /// A coach: its fields, then its sentence as `text`.
    fn coaching(&mut self, out: &mut String, coach: &Coaching) {
        out.push_str("{\"person\":");
        push_text(out, &coach.person);
        out.push_str(",\"link\":\"");
        out.push_str(coach.link.as_str());
        out.push_str("\",\"source\":");
        push_text(out, &coach.source);
        out.push_str(",\"trained_as\":\"");
        out.push_str(coach.trained_as.as_str());
        out.push_str("\",\"free_from\":");
        push_u64(out, coach.free_from);
        out.push_str(",\"text\":");
        self.words.clear();
        let _ = write!(self.words, "{coach}");
        push_text(out, &self.words);
        out.push('}');
    }

    /// `{"duration":1.0,...}`.
    fn scores(&mut self, out: &mut String, scores: &Scores) {
        out.push('{');
        for (i, (criterion, score)) in scores.iter().enumerate() {
            out.push_str(if i == 0 { "\"" } else { ",\"" });
            out.push_str(criterion.as_str());
            out.push_str("\":");
            self.json.push(out, score);
        }
        out.push('}');
    }

    /// A reason's kind, fields and words, as its `Serialize` gives them.
    fn reason(&mut self, out: &mut String, reason: &Reason) {
        match reason {
            Reason::BelowMinScore { score, min } => {
                out.push_str("{\"kind\":\"below_min_score\",\"score\":");
                self.json.push(out, *score);
                out.push_str(",\"min\":");
                self.json.push(out, *min);
                // The words as `Display` has them, with no text to escape.
                out.push_str(",\"text\":\"total ");
                self.fixed.push(out, *score);
                out.push_str(" is below the min_score of ");
                self.display.push(out, *min);
                out.push_str("\"}");
            }
            Reason::BelowMin {
                criterion,
                score,
                min,
            } => {
                out.push_str("{\"kind\":\"below_min\",\"criterion\":\"");
                out.push_str(criterion.as_str());
                out.push_str("\",\"score\":");
                self.json.push(out, *score);
                out.push_str(",\"min\":");
                self.json.push(out, *min);
                out.push_str(",\"text\":\"");
                out.push_str(criterion.as_str());
                out.push(' ');
                self.fixed.push(out, *score);
                out.push_str(" is below its min of ");
                self.display.push(out, *min);
                out.push_str("\"}");
            }
            other => self.rarer_reason(out, other),
        }
    }

    /// A reason other than a shortfall: its kind and fields, then its words
    /// as `Display` gives them, escaped, since they may name ids, units,
    /// sponsors and tags.
    // Long because: one arm per kind of reason, as `Serialize` has them.
    fn rarer_reason(&mut self, out: &mut String, reason: &Reason) {
        match reason {
            // Written by `reason` itself, which never sends them here.
            Reason::BelowMinScore { .. } | Reason::BelowMin { .. } => {
                self.reason(out, reason);
                return;
            }
            Reason::Outranked { leaders } => {
                out.push_str("{\"kind\":\"outranked\",\"leaders\":");
                push_u64(out, *leaders as u64);
            }
            Reason::Tied { leader, total } => {
                out.push_str("{\"kind\":\"tied\",\"leader\":");
                push_text(out, leader);
                out.push_str(",\"total\":");
                self.json.push(out, *total);
            }
            Reason::NotToLead => out.push_str("{\"kind\":\"not_to_lead\""),
            Reason::Exclusive { with } => {
                out.push_str("{\"kind\":\"exclusive\",\"with\":");
                holder(out, with);
            }
            Reason::Unit { unit, cap, holders } => {
                out.push_str("{\"kind\":\"unit\",\"unit\":");
                push_text(out, unit);
                out.push_str(",\"cap\":");
                push_u64(out, u64::from(*cap));
                out.push_str(",\"holders\":");
                all_holders(out, holders);
            }
            Reason::Sponsor {
                sponsor,
                cap,
                holders,
            } => {
                out.push_str("{\"kind\":\"sponsor\",\"sponsor\":");
                push_text(out, sponsor);
                out.push_str(",\"cap\":");
                push_u64(out, u64::from(*cap));
                out.push_str(",\"holders\":");
                all_holders(out, holders);
            }
            Reason::Tag { tag, max, holders } => {
                out.push_str("{\"kind\":\"tag\",\"tag\":");
                push_text(out, tag);
                out.push_str(",\"max\":");
                push_u64(out, u64::from(*max));
                out.push_str(",\"holders\":");
                all_holders(out, holders);
            }
            Reason::Training {
                capacity,
                used,
                needs,
            } => {
                out.push_str("{\"kind\":\"training\",\"capacity\":");
                push_u64(out, *capacity);
                out.push_str(",\"used\":");
                push_u64(out, *used);
                out.push_str(",\"needs\":");
                push_u64(out, *needs);
            }
            Reason::Taken { leaders, below } => {
                out.push_str("{\"kind\":\"taken\",\"leaders\":");
                push_u64(out, *leaders as u64);
                out.push_str(",\"below\":[");
                for (i, keeper) in below.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self::keeper(out, keeper);
                }
                out.push(']');
            }
        }
        self.words.clear();
        // Writing to a `String` cannot fail.
        let _ = write!(self.words, "{reason}");
        out.push_str(",\"text\":");
        push_text(out, &self.words);
        out.push('}');
    }
}

/// Why a follower is not reached, as a JSON object: its kind and fields,
/// then its sentence as `text`.
fn unreachable(reason: &Unreachable) -> String {
    let mut out = String::new();
    match reason {
        Unreachable::NoTrainedPerson { unit } => {
            out.push_str("{\"kind\":\"no_trained_person\",\"unit\":");
            match unit {
                Some(unit) => push_text(&mut out, unit),
                None => out.push_str("null"),
            }
        }
        Unreachable::MaxWaves { max_waves } => {
            out.push_str("{\"kind\":\"max_waves\",\"max_waves\":");
            push_u64(&mut out, *max_waves as u64);
        }
    }
    out.push_str(",\"text\":");
    push_text(&mut out, &reason.to_string());
    out.push('}');
    out
}

/// `{"id":"a","rank":1}`.
fn holder(out: &mut String, holder: &Holder) {
    out.push_str("{\"id\":");
    push_text(out, &holder.id);
    out.push_str(",\"rank\":");
    push_u64(out, holder.rank as u64);
    out.push('}');
}

/// `[{"id":"a","rank":1},...]`.
fn all_holders(out: &mut String, holders: &[Holder]) {
    out.push('[');
    for (i, h) in holders.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        holder(out, h);
    }
    out.push(']');
}

/// `{"id":"a","rank":1,"tag":"t"}`, without the tag when it has none.
fn keeper(out: &mut String, keeper: &Keeper) {
    out.push_str("{\"id\":");
    push_text(out, &keeper.id);
    out.push_str(",\"rank\":");
    push_u64(out, keeper.rank as u64);
    if let Some(tag) = &keeper.tag {
        out.push_str(",\"tag\":");
        push_text(out, tag);
    }
    out.push('}');
}

/// `n` in decimal.
pub(crate) fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        // A digit: below 10.
        *slot = b'0' + u8::try_from(n % 10).unwrap_or(0);
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = digits.get(start..).unwrap_or_default();
    out.push_str(std::str::from_utf8(digits).unwrap_or_default());
}

/// `text` as a JSON string, escaped as `serde_json` escapes it: `"` and `\`,
/// and the control characters below U+0020, nothing else.
fn push_text(out: &mut String, text: &str) {
    out.push('"');
    // Most texts need no escape; the check is one pass without branches.
    let escapes = (text.bytes()).fold(0_u8, |escapes, b| {
        escapes | u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\')
    });
    let plain = escapes == 0;
    if plain {
        out.push_str(text);
    } else {
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if u32::from(c) < 0x20 => {
                    // Writing to a `String` cannot fail.
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

/// How a number is written.
#[derive(Clone, Copy)]
enum Style {
    /// As `serde_json` writes an `f64`, with the same formatter (zmij):
    /// the shortest digits that read back the same, with `.0` on a whole
    /// number, in exponent form below `1e-5` and from `1e16` (`1e-7`,
    /// `1e+16`); `null` for what is not finite.
    Json,
    /// As `{}` writes it.
    Display,
    /// As `{:.3}` writes it.
    Fixed3,
}

/// How many numbers a cache holds: each is kept where its bits hash to.
const SLOTS: usize = 1024;

/// The longest number a cache keeps; longer ones are formatted each time.
const LONGEST: usize = 24;

/// Numbers formatted in one style, kept by their bits: a slot's text is
/// empty until a number is kept in it.
struct Numbers {
    style: Style,
    slots: Vec<(u64, Box<str>)>,
    /// A number being formatted.
    scratch: String,
}

impl Numbers {
    fn new(style: Style) -> Self {
        Numbers {
            style,
            slots: vec![(0, Box::default()); SLOTS],
            scratch: String::new(),
        }
    }

    /// Appends `x` to `out` in this cache's style.
    #[inline]
    fn push(&mut self, out: &mut String, x: f64) {
        let bits = x.to_bits();
        // Fibonacci hashing: the top bits of the product.
        let at = usize::try_from(bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54).unwrap_or(0);
        if let Some((kept, text)) = self.slots.get(at)
            && *kept == bits
            && !text.is_empty()
        {
            out.push_str(text);
            return;
        }
        self.scratch.clear();
        format(&mut self.scratch, self.style, x);
        out.push_str(&self.scratch);
        if self.scratch.len() <= LONGEST
            && let Some(slot) = self.slots.get_mut(at)
        {
            *slot = (bits, self.scratch.as_str().into());
        }
    }
}

/// Appends `x` to `out` in `style`.
fn format(out: &mut String, style: Style, x: f64) {
    // Writing to a `String` cannot fail.
    let _ = match style {
        Style::Display => write!(out, "{x}"),
        Style::Fixed3 => write!(out, "{x:.3}"),
        Style::Json if !x.is_finite() => out.write_str("null"),
        // serde_json writes a finite `f64` with zmij's `format_finite`; so
        // does this. Where two shortest forms are equally near, zmij and
        // `{}` may choose differently (`…891.562` and `…891.563`).
        Style::Json => out.write_str(zmij::Buffer::new().format_finite(x)),
    };
}
