//! Files large enough to be read in two parts on two threads (from 32 MiB
//! of TOML, 16 MiB of CSV) read as the candidates they were written from,
//! and of two errors, one in each part, the first in the file is the one
//! given, at its line and column.

use spearhead::{Candidate, Limits};

use crate::alloc::generate;

/// TOML candidates: 35 MB, 11 lines each.
const TOML_N: usize = 150_000;
/// CSV candidates: 17 MB, a row each after the header.
const CSV_N: usize = 220_000;

/// `text` with `from` replaced by `to` on line `line` (1-based).
fn edit(text: &str, line: usize, from: &str, to: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let edited = lines[line - 1].replacen(from, to, 1);
    assert_ne!(edited, lines[line - 1], "line {line}");
    lines[line - 1] = edited;
    lines.join("\n") + "\n"
}

#[test]
fn a_large_toml_file_reads_in_two_parts_as_one() {
    let text = generate::portfolio_toml(TOML_N);
    assert!(text.len() > 32 << 20, "{}", text.len());
    let limits = Limits::default();
    let portfolio = limits.read_portfolio(text.as_bytes()).unwrap();
    assert_eq!(
        portfolio.candidates(),
        generate::candidates(TOML_N).as_slice()
    );

    // `duration_months` is the third line of each candidate's eleven: a
    // negative duration is an error the parts keep, not one that sends
    // the file to the document tree.
    let line = |k: usize| 11 * k + 3;
    let (early, late) = (TOML_N / 4, TOML_N * 3 / 4);
    let bad =
        |text: &str, k: usize| edit(text, line(k), "duration_months = ", "duration_months = -");
    let late_only = bad(&text, late);
    let both = bad(&late_only, early);
    for (text, k) in [(&late_only, late), (&both, early)] {
        let error = limits
            .read_portfolio(text.as_bytes())
            .unwrap_err()
            .to_string();
        let want = format!(
            "portfolio:{}:19, candidate \"{}\", key duration_months:",
            line(k),
            generate::id(k)
        );
        assert!(error.starts_with(&want), "{error}\nwanted {want}");
    }
}

#[test]
fn a_large_csv_table_reads_in_two_parts_as_one() {
    let text = generate::portfolio_csv(CSV_N);
    assert!(text.len() > 16 << 20, "{}", text.len());
    let limits = Limits::default();
    let portfolio = limits.read_portfolio_csv(text.as_bytes()).unwrap();
    // The CSV keeps no names: each is its id, as the TOML's.
    let want: Vec<Candidate> = generate::candidates(CSV_N);
    assert_eq!(portfolio.candidates(), want.as_slice());

    // Candidate k is on row k + 2, after the header; duration is column 2.
    let (early, late) = (CSV_N / 4, CSV_N * 3 / 4);
    let bad = |text: &str, k: usize| {
        let id = generate::id(k);
        edit(text, k + 2, &format!("{id},"), &format!("{id},x"))
    };
    let late_only = bad(&text, late);
    let both = bad(&late_only, early);
    for (text, k) in [(&late_only, late), (&both, early)] {
        let error = limits
            .read_portfolio_csv(text.as_bytes())
            .unwrap_err()
            .to_string();
        let want = format!(
            "portfolio, row {}, column 2, candidate \"{}\", key duration_months:",
            k + 2,
            generate::id(k)
        );
        assert!(error.starts_with(&want), "{error}\nwanted {want}");
    }
}
