//! Portfolios from CSV: the same validation as TOML, errors that pin the
//! row and column, and a TOML portfolio and its CSV twin read the same.
//!
//! `tests/fixtures/invalid-csv/NAME.csv` holds a bad table and `NAME.err`
//! the exact error it must give; `SPEARHEAD_BLESS=1` writes them.

use std::path::Path;

use proptest::prelude::*;
use spearhead::{Criteria, Error, Limits, Portfolio};

use crate::support::candidates;

const SAMPLE_TOML: &str = include_str!("../../examples/portfolio.toml");
const SAMPLE_CSV: &str = include_str!("../../examples/portfolio.csv");

#[test]
fn every_bad_table_gets_its_exact_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid-csv");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "only {} bad tables", files.len());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let error = Limits::default()
            .read_portfolio_csv(&bytes)
            .err()
            .unwrap_or_else(|| panic!("{} was accepted", path.display()));
        let actual = format!("{error}\n");
        let expected = path.with_extension("err");
        if std::env::var_os("SPEARHEAD_BLESS").is_some() {
            std::fs::write(&expected, &actual).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&expected)
            .unwrap_or_else(|_| panic!("{} has no .err", path.display()));
        assert_eq!(actual, want, "{}", path.display());
    }
}

#[test]
fn errors_pin_the_row_the_column_and_the_candidate() {
    let header = SAMPLE_CSV.lines().next().unwrap();
    let mut rows: Vec<String> = SAMPLE_CSV.lines().map(str::to_owned).collect();
    rows[3] = rows[3].replace(",moderate,", ",hgh,");
    let error = Portfolio::from_csv(&(rows.join("\n") + "\n")).unwrap_err();
    let Error::Csv { at, message } = &error else {
        panic!("{error:?}");
    };
    let cell = at.cell.unwrap();
    // Row 4: the header, then the third candidate; the column, from 1,
    // where the header names visibility.
    let column = header.split(',').position(|h| h == "visibility").unwrap() + 1;
    assert_eq!(
        (cell.row, cell.column),
        (4, Some(u32::try_from(column).unwrap()))
    );
    assert_eq!(at.key.as_deref(), Some("visibility"));
    assert_eq!(
        at.candidate,
        Some(spearhead::CandidateRef::Id("warehouse-scanning".to_owned()))
    );
    assert!(message.starts_with("unknown variant `hgh`"), "{message}");
    assert_eq!(at.location, None);
}

#[test]
fn the_sample_and_its_csv_twin_are_the_same_portfolio() {
    let toml = Portfolio::from_toml(SAMPLE_TOML).unwrap();
    let csv = Portfolio::from_csv(SAMPLE_CSV).unwrap();
    assert_eq!(toml, csv);
    // A byte-order mark, as spreadsheets write, and CRLF line ends.
    let excel = format!("\u{feff}{}", SAMPLE_CSV.replace('\n', "\r\n"));
    assert_eq!(Portfolio::from_csv(&excel).unwrap(), toml);
    // Columns in any order.
    let mut reader = csv::Reader::from_reader(SAMPLE_CSV.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(headers.iter().rev()).unwrap();
    for record in &records {
        out.write_record(record.iter().rev()).unwrap();
    }
    let reversed = String::from_utf8(out.into_inner().unwrap()).unwrap();
    assert_eq!(Portfolio::from_csv(&reversed).unwrap(), toml);
}

#[test]
fn limits_apply_to_csv_too() {
    let tight = Limits::default().with_max_candidates(3);
    assert_eq!(
        tight
            .read_portfolio_csv(SAMPLE_CSV.as_bytes())
            .unwrap_err()
            .to_string(),
        "portfolio: 8 candidates is more than the limit of 3"
    );
    let small = Limits::default().with_max_bytes(10);
    assert!(matches!(
        small.read_portfolio_csv(SAMPLE_CSV.as_bytes()),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        Limits::default().read_portfolio_csv(b"id\n\xff\n"),
        Err(Error::Encoding { .. })
    ));
}

/// The portfolio file's keys, as the CSV header row names them.
const KEYS: [&str; 15] = [
    "id",
    "name",
    "unit",
    "sponsor",
    "trainees",
    "tags",
    "duration_months",
    "visibility",
    "change",
    "phase",
    "remedial",
    "bottom_line",
    "lead",
    "sponsor_level",
    "sponsor_motivation",
];

/// `portfolio` as a CSV table: each candidate's TOML table, a cell per key,
/// empty where the key is not given.
fn to_csv(portfolio: &Portfolio) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(KEYS).unwrap();
    for candidate in portfolio.candidates() {
        let table = toml::Table::try_from(candidate).unwrap();
        let mut flat = table.clone();
        if let Some(toml::Value::Table(evidence)) = table.get("evidence") {
            flat.extend(evidence.clone());
        }
        let cells: Vec<String> = KEYS
            .iter()
            .map(|key| match flat.get(*key) {
                None => String::new(),
                Some(toml::Value::String(s)) => s.clone(),
                Some(toml::Value::Float(x)) => x.to_string(),
                Some(toml::Value::Array(items)) => items
                    .iter()
                    .map(|item| item.as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
                    .join(";"),
                Some(other) => other.to_string(),
            })
            .collect();
        out.write_record(&cells).unwrap();
    }
    String::from_utf8(out.into_inner().unwrap()).unwrap()
}

proptest! {
    #[test]
    fn a_toml_portfolio_and_its_csv_twin_give_identical_plans(candidates in candidates()) {
        let portfolio = Portfolio::new(candidates).unwrap();
        let toml_text = toml::to_string(&portfolio).unwrap();
        let csv_text = to_csv(&portfolio);
        let from_toml = Portfolio::from_toml(&toml_text).unwrap();
        let from_csv = Portfolio::from_csv(&csv_text)
            .map_err(|e| format!("{e}\n{csv_text}"))
            .unwrap();
        prop_assert_eq!(&from_csv, &from_toml);
        prop_assert_eq!(&from_csv, &portfolio);
        let criteria = Criteria::default();
        prop_assert_eq!(criteria.plan(&from_csv), criteria.plan(&from_toml));
    }
}

proptest! {
    #[test]
    fn no_table_makes_the_reader_panic(text in "[a-z_,;\"\\n\\r 0-9.=é\u{202e}-]{0,200}") {
        let _ = Portfolio::from_csv(&text);
        let with_header = format!("{}\n{text}", SAMPLE_CSV.lines().next().unwrap());
        let _ = Portfolio::from_csv(&with_header);
    }

    #[test]
    fn no_edit_of_a_cell_of_the_sample_makes_the_reader_panic(
        row in 0_usize..9,
        column in 0_usize..13,
        cell in "[a-zA-Z0-9_;\" .=-]{0,12}",
    ) {
        let mut reader = csv::Reader::from_reader(SAMPLE_CSV.as_bytes());
        let mut rows: Vec<Vec<String>> =
            vec![reader.headers().unwrap().iter().map(str::to_owned).collect()];
        rows.extend(reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()));
        rows[row][column] = cell;
        let mut out = csv::Writer::from_writer(Vec::new());
        for r in &rows {
            out.write_record(r).unwrap();
        }
        let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
        if let Err(e) = Portfolio::from_csv(&text) {
            // Every error says where, in one line.
            let message = e.to_string();
            prop_assert!(message.starts_with("portfolio"), "{}", message);
            prop_assert!(!message.contains('\n'), "{}", message);
        }
    }
}
