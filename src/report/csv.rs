//! The plan as a spreadsheet: one row per candidate, quoted by the csv
//! crate, with formula-like text cells neutralised.

use crate::criterion::Criterion;
use crate::plan::Placement;

use super::Report;

/// The header row.
fn header() -> Vec<String> {
    let mut cells: Vec<String> = ["rank", "id", "name", "unit", "sponsor", "role", "total"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    cells.extend(Criterion::ALL.iter().map(|c| format!("{c}_score")));
    cells.extend(Criterion::ALL.iter().map(|c| format!("{c}_contribution")));
    cells.push("reasons".to_owned());
    cells
}

/// `text` as a cell a spreadsheet shows rather than evaluates: a leading
/// `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front (the
/// OWASP advice against CSV injection).
pub(super) fn neutral(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn row(report: &Report<'_>, placement: &Placement) -> Vec<String> {
    let optional = |text: Option<&str>| text.map_or_else(String::new, neutral);
    let mut cells = vec![
        placement.rank.to_string(),
        neutral(&placement.id),
        neutral(&placement.name),
        optional(placement.unit.as_deref()),
        optional(placement.sponsor.as_deref()),
        placement.role.to_string(),
        placement.total.to_string(),
    ];
    cells.extend(placement.scores.iter().map(|(_, s)| s.to_string()));
    cells.extend(report.contributions(placement).iter().map(f64::to_string));
    let reasons: Vec<String> = placement.reasons.iter().map(ToString::to_string).collect();
    cells.push(neutral(&reasons.join("; ")));
    cells
}

/// The header and one row per candidate, best first.
pub(super) fn report(report: &Report<'_>) -> String {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    // Writing to a `Vec` cannot fail, and every row has the header's
    // length: the results below are always `Ok`.
    let _ = out.write_record(header());
    for placement in &report.plan.ranking {
        let _ = out.write_record(row(report, placement));
    }
    let bytes = out.into_inner().unwrap_or_default();
    // Every cell is a Rust string, and the csv crate adds only ASCII.
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::neutral;

    #[test]
    fn formulas_are_shown_not_run() {
        for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutral(text), format!("'{text}"));
        }
        assert_eq!(neutral("a=1"), "a=1");
        assert_eq!(neutral(""), "");
    }
}
