//! The one-page Markdown report.

use std::fmt::Write as _;

use crate::criteria::Criteria;
use crate::plan::{Placement, Reason, Role};
use crate::stability::Shift;

use super::Report;

/// `text` safe in a Markdown table cell or heading: `\`, `|`, `` ` ``,
/// `*`, `_`, `[`, `]` and `#` behind a backslash; `&` and `<` as HTML
/// entities, so no tag or entity of the input reaches a renderer; line
/// breaks and other control characters as spaces, so a cell stays on its
/// row.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// FNV-1a, 64 bits: a stable hash of `bytes` (the same on every platform
/// and release, unlike `std`'s hashers). It tells two sets of criteria
/// apart; it is no defence against someone making two alike on purpose.
pub(super) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// The FNV-1a 64 hash of the criteria printed back as a criteria file
/// (`toml::to_string`), every key given: two criteria files that mean the
/// same thing hash the same.
pub(super) fn criteria_hash(criteria: &Criteria) -> u64 {
    fnv1a64(toml::to_string(criteria).unwrap_or_default().as_bytes())
}

/// `Some(x)` as `x` to 3 decimals, `None` as `∞`.
fn upper(x: Option<f64>) -> String {
    x.map_or_else(|| "∞".to_owned(), |x| format!("{x:.3}"))
}

/// "a, b in; c out".
fn shift(shift: Option<&Shift>) -> String {
    let Some(shift) = shift else {
        return "–".to_owned();
    };
    let ids = |ids: &[String]| {
        ids.iter()
            .map(|id| escape(id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (shift.enter.is_empty(), shift.leave.is_empty()) {
        (false, false) => format!("{} in; {} out", ids(&shift.enter), ids(&shift.leave)),
        (false, true) => format!("{} in", ids(&shift.enter)),
        (true, false) => format!("{} out", ids(&shift.leave)),
        (true, true) => "–".to_owned(),
    }
}

/// How far a leader's total is above what it must beat: the best follower
/// that only the number of leader places keeps out (`rival`), or
/// `min_score` when there is none.
fn margin(report: &Report<'_>, rival: Option<&Placement>, leader: &Placement) -> (f64, String) {
    // Totals equal as the decimals say, or an eligible total at
    // `min_score`, are 0 apart, whatever the rounding of their sums.
    let criteria = report.criteria;
    if let Some(r) = rival {
        let tied = criteria.numerator_of(&leader.scores) == criteria.numerator_of(&r.scores);
        let margin = if tied { 0.0 } else { leader.total - r.total };
        (margin, format!("over {}", escape(&r.id)))
    } else {
        let margin = leader.total - criteria.min_score;
        let margin = if leader.eligible {
            margin.max(0.0) + 0.0
        } else {
            margin
        };
        (margin, "over min\\_score".to_owned())
    }
}

/// The leaders section: their table, then each leader's breakdown.
fn leaders(out: &mut String, report: &Report<'_>) {
    let plan = &report.plan;
    let _ = writeln!(out, "## Leaders: the push\n");
    if plan.leaders.is_empty() {
        let _ = writeln!(
            out,
            "No candidate may lead: each is below min\\_score ({}) or a criterion's min.\n",
            report.criteria.min_score
        );
        return;
    }
    let leaders: Vec<&Placement> = plan
        .ranking
        .iter()
        .filter(|p| p.role == Role::Lead)
        .collect();
    leaders_table(out, report, &leaders);
    for leader in &leaders {
        leader_breakdown(out, report, leader);
    }
}

/// The table of the leaders, each with its margin over the rival.
fn leaders_table(out: &mut String, report: &Report<'_>, leaders: &[&Placement]) {
    let plan = &report.plan;
    let _ = writeln!(
        out,
        "| rank | id | name | unit | sponsor | total | margin |"
    );
    let _ = writeln!(out, "|---:|---|---|---|---|---:|---|");
    // The best follower held back only by the number of leader places:
    // the one a leader's place would go to. A follower held back by a
    // constraint (a unit's cap, the training capacity, ...) is not a rival.
    let rival = plan.ranking.iter().find(|p| {
        p.role == Role::Pull
            && p.eligible
            && p.reasons
                .iter()
                .all(|r| matches!(r, Reason::Outranked { .. } | Reason::Tied { .. }))
    });
    for leader in leaders {
        let optional = |text: Option<&str>| text.map_or_else(String::new, escape);
        let (margin, over) = margin(report, rival, leader);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.3} | {margin:+.3} {over} |",
            leader.rank,
            escape(&leader.id),
            escape(&leader.name),
            optional(leader.unit.as_deref()),
            optional(leader.sponsor.as_deref()),
            leader.total,
        );
    }
    out.push('\n');
}

/// A leader's subsection: each criterion's weight, score, contribution and why.
fn leader_breakdown(out: &mut String, report: &Report<'_>, leader: &Placement) {
    let Some(candidate) = report.candidate(&leader.id) else {
        return;
    };
    let _ = writeln!(
        out,
        "### {}. {} ({})\n",
        leader.rank,
        escape(&leader.name),
        escape(&leader.id)
    );
    let _ = writeln!(out, "| criterion | weight | score | contribution | why |");
    let _ = writeln!(out, "|---|---:|---:|---:|---|");
    let parts = report.contributions(leader);
    for (line, part) in report
        .criteria
        .breakdown(&candidate.evidence)
        .iter()
        .zip(parts)
    {
        let _ = writeln!(
            out,
            "| {} | {} | {:.3} | {part:.3} | {} |",
            escape(line.criterion.as_str()),
            line.weight,
            line.score,
            escape(&line.explanation)
        );
    }
    out.push('\n');
}

fn why_not(out: &mut String, report: &Report<'_>) {
    let followers: Vec<&Placement> = report
        .plan
        .ranking
        .iter()
        .filter(|p| p.role == Role::Pull)
        .collect();
    if followers.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Why the others follow: the pull\n");
    let _ = writeln!(out, "| rank | id | name | total | why not |");
    let _ = writeln!(out, "|---:|---|---|---:|---|");
    for p in followers {
        let reasons: Vec<String> = p.reasons.iter().map(|r| escape(&r.to_string())).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.3} | {} |",
            p.rank,
            escape(&p.id),
            escape(&p.name),
            p.total,
            reasons.join("; ")
        );
    }
    out.push('\n');
}

fn stability(out: &mut String, report: &Report<'_>) {
    let Some(stability) = report.stability else {
        return;
    };
    let _ = writeln!(out, "## Stability\n");
    let _ = writeln!(
        out,
        "How far each weight can move, the others fixed, with the same leaders.\n"
    );
    let _ = writeln!(
        out,
        "| criterion | weight | low | high | below low | above high |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---|---|");
    for s in stability.values() {
        let _ = writeln!(
            out,
            "| {} | {} | {:.3} | {} | {} | {} |",
            escape(s.criterion.as_str()),
            s.weight,
            s.low,
            upper(s.high),
            shift(s.below.as_ref()),
            shift(s.above.as_ref())
        );
    }
    out.push('\n');
}

fn acceptability(out: &mut String, report: &Report<'_>) {
    let Some(acceptability) = report.acceptability else {
        return;
    };
    let _ = writeln!(out, "## Acceptability\n");
    let _ = writeln!(
        out,
        "How often each candidate leads over {} weight vectors drawn {} (seed {}).\n",
        acceptability.samples, acceptability.sampling, acceptability.seed
    );
    let _ = writeln!(out, "| id | leads | ranks 1st |");
    let _ = writeln!(out, "|---|---:|---:|");
    let samples = acceptability.samples.max(1) as f64;
    for a in &acceptability.candidates {
        let first = a.ranks.first().copied().unwrap_or(0) as f64;
        let _ = writeln!(
            out,
            "| {} | {:.1}% | {:.1}% |",
            escape(&a.id),
            a.lead_share * 100.0,
            first / samples * 100.0
        );
    }
    out.push('\n');
}

/// The criteria's `[constraints]`, as the criteria file writes them, when
/// there are any: a fenced TOML block, which no id inside can break out of
/// (every string in it is quoted).
fn constraints(out: &mut String, report: &Report<'_>) {
    let printed = toml::to_string(report.criteria).unwrap_or_default();
    let Ok(mut file) = printed.parse::<toml::Table>() else {
        return;
    };
    let Some(toml::Value::Table(constraints)) = file.remove("constraints") else {
        return;
    };
    if constraints.is_empty() {
        return;
    }
    let mut section = toml::Table::new();
    section.insert("constraints".to_owned(), toml::Value::Table(constraints));
    let text = toml::to_string(&section).unwrap_or_default();
    let _ = writeln!(out, "## Constraints\n");
    let _ = writeln!(out, "The leaders were chosen under these constraints:\n");
    let _ = writeln!(out, "```toml\n{}```\n", text.trim_start());
}

/// The pull after the push: each reached project's wave, months and
/// coach, then the followers no one reaches and why.
fn roadmap(out: &mut String, report: &Report<'_>) {
    let Some(roadmap) = report.roadmap else {
        return;
    };
    let _ = writeln!(out, "## Roadmap: how the rest follow\n");
    let _ = writeln!(
        out,
        "{} pull wave(s) after the leaders (wave 0).\n",
        roadmap.pull_waves
    );
    let _ = writeln!(out, "| wave | id | name | months | coach |");
    let _ = writeln!(out, "|---:|---|---|---|---|");
    for stage in &roadmap.projects {
        let coach = stage
            .coach
            .as_ref()
            .map_or_else(|| "leads".to_owned(), |c| escape(&c.to_string()));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {}-{} | {coach} |",
            stage.wave,
            escape(&stage.id),
            escape(&stage.name),
            stage.start,
            stage.end
        );
    }
    out.push('\n');
    if roadmap.unreached.is_empty() {
        return;
    }
    let _ = writeln!(out, "Never reached:\n");
    let _ = writeln!(out, "| id | name | why |");
    let _ = writeln!(out, "|---|---|---|");
    for unreached in &roadmap.unreached {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            escape(&unreached.id),
            escape(&unreached.name),
            escape(&unreached.reason.to_string())
        );
    }
    out.push('\n');
}

fn counterfactuals(out: &mut String, report: &Report<'_>) {
    let Some(counterfactuals) = report.counterfactuals else {
        return;
    };
    let _ = writeln!(out, "## What would flip each role\n");
    let _ = writeln!(out, "| rank | id | role | smallest change |");
    let _ = writeln!(out, "|---:|---|---|---|");
    for c in counterfactuals {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.rank,
            escape(&c.id),
            c.role,
            escape(&c.to_string())
        );
    }
    out.push('\n');
}

fn footer(out: &mut String, report: &Report<'_>) {
    let seed = report
        .acceptability
        .map_or(report.criteria.robustness.seed(), |a| a.seed);
    let _ = writeln!(
        out,
        "---\n\nspearhead {} · criteria FNV-1a 64 `{:016x}` · seed {seed}",
        env!("CARGO_PKG_VERSION"),
        criteria_hash(report.criteria),
    );
}

/// The whole report, section by section; a section whose input was not
/// given (or, for constraints, that the criteria do not have) is left out.
pub(super) fn report(report: &Report<'_>) -> String {
    let plan = &report.plan;
    let eligible = plan.ranking.iter().filter(|p| p.eligible).count();
    let mut out = String::new();
    let _ = writeln!(out, "# Demonstration projects\n");
    let _ = writeln!(
        out,
        "{} of {} candidates lead (at most {}); {eligible} may lead (min\\_score {}, and every criterion's min).\n",
        plan.leaders.len(),
        plan.ranking.len(),
        report.criteria.leaders,
        report.criteria.min_score
    );
    leaders(&mut out, report);
    why_not(&mut out, report);
    constraints(&mut out, report);
    stability(&mut out, report);
    acceptability(&mut out, report);
    counterfactuals(&mut out, report);
    roadmap(&mut out, report);
    footer(&mut out, report);
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, fnv1a64};

    #[test]
    fn cells_cannot_break_a_table_or_inject_markup() {
        assert_eq!(escape("a|b\nc`d"), "a\\|b c\\`d");
        assert_eq!(escape("<script>&#x202E;"), "&lt;script>&amp;\\#x202E;");
        assert_eq!(
            escape("[x](y) *b* _i_ #h \\"),
            "\\[x\\](y) \\*b\\* \\_i\\_ \\#h \\\\"
        );
    }

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
