//! Reports: golden files of the sample portfolio's Markdown, CSV and SVG
//! charts; hostile ids and names stay escaped and the SVG still parses; the
//! CSV reads back to the same numbers.
//!
//! `tests/fixtures/report/` holds the expected files; run with
//! `SPEARHEAD_BLESS=1` to write them from what the code gives, then read
//! every change (and look at the charts).

use std::num::NonZeroUsize;
use std::path::Path;

use spearhead::{Candidate, Criteria, Criterion, Evidence, Phase, Portfolio, Report};

use crate::support::ideal;

const SAMPLE: &str = include_str!("../../examples/portfolio.toml");

/// The shipped criteria, with fewer samples so that the test is quick.
fn criteria() -> Criteria {
    "[robustness]\nsamples = 2000\nseed = 42\n".parse().unwrap()
}

fn check(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/report")
        .join(name);
    if std::env::var_os("SPEARHEAD_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no {}: bless it with SPEARHEAD_BLESS=1", path.display()));
    assert_eq!(actual, want, "{} differs", path.display());
}

/// Every report of `portfolio`, with every analysis.
fn everything(
    criteria: &Criteria,
    portfolio: &Portfolio,
) -> (String, String, String, Vec<(String, String)>) {
    let stability = criteria.stability(portfolio).unwrap();
    let acceptability = criteria
        .acceptability(portfolio, NonZeroUsize::MIN)
        .unwrap();
    let counterfactuals = criteria.counterfactuals(portfolio).unwrap();
    let roadmap = criteria.roadmap(portfolio).unwrap();
    let report = Report::new(criteria, portfolio)
        .unwrap()
        .with_stability(&stability)
        .with_acceptability(&acceptability)
        .with_counterfactuals(&counterfactuals)
        .with_roadmap(&roadmap);
    let charts = report
        .charts()
        .into_iter()
        .map(|c| (c.name.to_owned(), c.svg))
        .collect();
    (report.table(), report.markdown(), report.csv(), charts)
}

#[test]
fn the_sample_portfolio_gives_its_golden_reports() {
    let portfolio: Portfolio = SAMPLE.parse().unwrap();
    let (table, markdown, csv, charts) = everything(&criteria(), &portfolio);
    check("portfolio.txt", &table);
    check("portfolio.md", &markdown);
    check("portfolio.csv", &csv);
    let names: Vec<&str> = charts.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "contributions.svg",
            "acceptability.svg",
            "stability.svg",
            "roadmap.svg"
        ]
    );
    for (name, svg) in &charts {
        roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{name}: {e}"));
        check(name, svg);
    }
}

#[test]
fn the_reports_do_not_depend_on_the_order_of_the_candidates() {
    let portfolio: Portfolio = SAMPLE.parse().unwrap();
    let mut reversed = portfolio.candidates().to_vec();
    reversed.reverse();
    let reversed = Portfolio::new(reversed).unwrap();
    let criteria = criteria();
    assert_eq!(
        everything(&criteria, &portfolio),
        everything(&criteria, &reversed)
    );
}

#[test]
fn without_analyses_their_sections_and_charts_are_left_out() {
    let portfolio: Portfolio = SAMPLE.parse().unwrap();
    let criteria = Criteria::default();
    let report = Report::new(&criteria, &portfolio).unwrap();
    let markdown = report.markdown();
    assert!(markdown.contains("## Leaders: the push"));
    assert!(markdown.contains("## Why the others follow: the pull"));
    for section in ["## Stability", "## Acceptability", "## What would flip"] {
        assert!(!markdown.contains(section), "{section}");
    }
    let table = report.table();
    assert!(table.contains("\nPush: 3 demonstration project(s) lead\n"));
    assert!(table.contains("\nPull: the others follow when the leaders show results\n"));
    for section in [
        "Roadmap:",
        "Robustness:",
        "Acceptability:",
        "What one change",
    ] {
        assert!(!table.contains(section), "{section}");
    }
    assert_eq!(report.charts().len(), 1);
    assert!(report.stability_chart().is_none());
    assert!(report.acceptability_chart().is_none());
    assert_eq!(report.plan(), &criteria.plan(&portfolio).unwrap());
}

#[test]
fn the_footer_names_the_version_the_criteria_and_the_seed() {
    let portfolio: Portfolio = SAMPLE.parse().unwrap();
    let footer = |criteria: &Criteria| {
        let markdown = Report::new(criteria, &portfolio).unwrap().markdown();
        markdown.lines().last().unwrap().to_owned()
    };
    let shipped = footer(&Criteria::default());
    assert!(shipped.starts_with(concat!("spearhead ", env!("CARGO_PKG_VERSION"), " · ")));
    assert!(shipped.ends_with(" · seed 0"), "{shipped}");
    // The same criteria written another way hash the same; other criteria
    // do not.
    let same: Criteria = "[selection]\nleaders = 3\n".parse().unwrap();
    assert_eq!(footer(&same), shipped);
    let other = Criteria::default()
        .with_weight(Criterion::Lead, 2.0)
        .unwrap();
    assert_ne!(footer(&other), shipped);
}

/// A candidate of `id` (named `name`) with ideal evidence, or less.
fn hostile_candidate(id: &str, name: &str, evidence: Evidence) -> Candidate {
    Candidate {
        name: name.to_owned(),
        unit: Some("=cmd|' /C calc'!A0".to_owned()),
        sponsor: Some("<b>&amp;</b>".to_owned()),
        ..Candidate::new(id, evidence)
    }
}

fn hostile_portfolio() -> (Portfolio, Vec<String>) {
    let long = "x".repeat(10_000);
    let ids = [
        "</svg><script>alert(1)</script>",
        "\"quoted\" & 'single'",
        "a&b;&amp;<![CDATA[x]]>",
        "=HYPERLINK(\"http://example.com\")",
        "pipe|new`tick*",
        "שלום-עולם",
        long.as_str(),
    ];
    let weaker = Evidence {
        phase: Phase::Sustainment,
        ..ideal()
    };
    let candidates = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let evidence = if i % 2 == 0 { ideal() } else { weaker };
            hostile_candidate(id, &format!("{id} <name>"), evidence)
        })
        .collect();
    (
        Portfolio::new(candidates).unwrap(),
        ids.iter().map(|&s| s.to_owned()).collect(),
    )
}

/// Every element in `svg`, which must parse.
fn elements(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(roxmltree::Node::is_element)
        .map(|n| n.tag_name().name().to_owned())
        .collect()
}

#[test]
fn hostile_ids_stay_escaped_and_the_svg_parses() {
    let (portfolio, ids) = hostile_portfolio();
    let criteria = criteria();
    let (table, markdown, csv, charts) = everything(&criteria, &portfolio);
    // The text table: one line per candidate, each id whole, however long.
    let ranking: Vec<&str> = table.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(ranking.len(), portfolio.len() + 1);
    for id in &ids {
        assert!(ranking.iter().any(|l| l.contains(id.as_str())), "{id}");
    }
    for (name, svg) in &charts {
        let tags = elements(svg);
        for tag in &tags {
            assert!(
                [
                    "svg", "title", "defs", "clipPath", "rect", "g", "text", "line", "polygon"
                ]
                .contains(&tag.as_str()),
                "{name}: <{tag}>"
            );
        }
        assert!(!svg.contains("<script"), "{name}");
        assert!(!svg.contains("<b>"), "{name}");
        // Long labels are cut: the 10,000-character id never shows whole.
        assert!(!svg.contains(&"x".repeat(250)), "{name}");
    }
    // The contribution chart's tooltips carry the ids, escaped and back.
    let doc = roxmltree::Document::parse(&charts[0].1).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text())
        .collect();
    for id in ids.iter().filter(|id| id.len() < 100) {
        assert!(
            titles.iter().any(|t| t.contains(&format!("({id})"))),
            "{id} not in a tooltip"
        );
    }
    // Markdown: every table row keeps its cells, and no tag gets through.
    assert!(!markdown.contains("<script") && !markdown.contains("<b>"));
    assert_eq!(tables_keep_their_cells(&markdown), Ok(()));
    assert!(markdown.contains("pipe\\|new\\`tick\\*"));
    // CSV: every cell comes back whole, formulas neutralised.
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let mut back: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    back.sort();
    let mut want: Vec<String> = ids
        .iter()
        .map(|id| {
            if id.starts_with('=') {
                format!("'{id}")
            } else {
                id.clone()
            }
        })
        .collect();
    want.sort();
    assert_eq!(back, want);
    for record in csv::Reader::from_reader(csv.as_bytes()).records() {
        assert_eq!(&record.unwrap()[3], "'=cmd|' /C calc'!A0");
    }
}

#[test]
fn bidi_controls_never_reach_a_report() {
    // The portfolio refuses them at the door; the chart writer drops them
    // too (its unit tests), should a text ever get past.
    for text in ["evil\u{202E}gpj.exe", "a\u{200F}b", "\u{2067}x"] {
        let candidate = Candidate::new(text, ideal());
        assert!(Portfolio::new(vec![candidate]).is_err(), "{text:?}");
        let named = Candidate {
            name: text.to_owned(),
            ..Candidate::new("ok", ideal())
        };
        assert!(Portfolio::new(vec![named]).is_err(), "{text:?}");
    }
}

#[test]
fn the_csv_reads_back_to_the_same_numbers() {
    let portfolio: Portfolio = SAMPLE.parse().unwrap();
    let criteria = Criteria::default()
        .with_weight(Criterion::Sponsorship, 1.7)
        .unwrap();
    let report = Report::new(&criteria, &portfolio).unwrap();
    let text = report.csv();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.len(), 7 + 7 + 7 + 1);
    assert_eq!(&headers[7], "duration_score");
    assert_eq!(&headers[14], "duration_contribution");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), portfolio.len());
    let sum: f64 = Criterion::ALL.iter().map(|&c| criteria.weight(c)).sum();
    for (row, placement) in rows.iter().zip(&report.plan().ranking) {
        let number = |i: usize| row[i].parse::<f64>().unwrap();
        assert_eq!(row[0].parse::<usize>().unwrap(), placement.rank);
        assert_eq!(&row[1], placement.id);
        assert_eq!(&row[5], placement.role.to_string());
        assert_eq!(number(6), placement.total);
        let candidate = portfolio.get(&placement.id).unwrap();
        assert_eq!(&row[3], candidate.unit.as_deref().unwrap_or(""));
        assert_eq!(&row[4], candidate.sponsor.as_deref().unwrap_or(""));
        let mut parts = 0.0;
        for (i, &criterion) in Criterion::ALL.iter().enumerate() {
            let score = placement.scores[criterion];
            assert_eq!(number(7 + i), score);
            assert_eq!(number(14 + i), criteria.weight(criterion) * score / sum);
            parts += number(14 + i);
        }
        assert!((parts - placement.total).abs() < 1e-12);
        let reasons: Vec<String> = placement.reasons.iter().map(ToString::to_string).collect();
        assert_eq!(&row[21], reasons.join("; "));
    }
}

/// Every table row of `markdown` has as many cells as its table's header.
fn tables_keep_their_cells(markdown: &str) -> Result<(), String> {
    let cells = |line: &str| line.replace("\\|", "").matches('|').count();
    let mut header = 0;
    for line in markdown.lines() {
        if !line.starts_with('|') {
            header = 0;
        } else if header == 0 {
            header = cells(line);
        } else if cells(line) != header {
            return Err(format!("{line}: not {header} cells"));
        }
    }
    Ok(())
}

/// A writer that keeps what it is given, piece by piece, and fails from
/// its `fail_at`th write on.
#[derive(Default)]
struct Writes {
    pieces: Vec<Vec<u8>>,
    calls: usize,
    fail_at: Option<usize>,
}

impl std::io::Write for Writes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.calls += 1;
        if self.fail_at.is_some_and(|at| self.calls >= at) {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        self.pieces.push(buf.to_vec());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_table_is_written_in_pieces_as_it_is_made() {
    let portfolio = crate::alloc::generate::portfolio(20_000);
    let criteria = Criteria::default();
    let roadmap = criteria.roadmap(&portfolio).unwrap();
    let report = Report::new(&criteria, &portfolio)
        .unwrap()
        .with_roadmap(&roadmap);
    let mut out = Writes::default();
    report.write_table(&mut out).unwrap();
    assert_eq!(out.pieces.concat(), report.table().into_bytes());
    // About 2 MB, in pieces of 64 KiB and a row, the last one shorter.
    assert!(out.pieces.len() > 20, "{}", out.pieces.len());
    for piece in &out.pieces {
        assert!(piece.len() < (1 << 16) + 512, "{}", piece.len());
    }
    for piece in &out.pieces[..out.pieces.len() - 1] {
        assert!(piece.len() >= 1 << 16, "{}", piece.len());
    }
    // The ranking without the roadmap, then the roadmap's own section: the
    // same bytes, as the example writes them while the roadmap is made.
    let mut parts = Vec::new();
    Report::new(&criteria, &portfolio)
        .unwrap()
        .write_table(&mut parts)
        .unwrap();
    let plan_part = parts.len();
    roadmap.write_table(&mut parts).unwrap();
    assert!(parts.len() > plan_part);
    assert_eq!(parts, out.pieces.concat());
    // With every analysis too: the sample's golden table.
    let sample: Portfolio = SAMPLE.parse().unwrap();
    let criteria = self::criteria();
    let (table, ..) = everything(&criteria, &sample);
    let stability = criteria.stability(&sample).unwrap();
    let acceptability = criteria.acceptability(&sample, NonZeroUsize::MIN).unwrap();
    let counterfactuals = criteria.counterfactuals(&sample).unwrap();
    let roadmap = criteria.roadmap(&sample).unwrap();
    let report = Report::new(&criteria, &sample)
        .unwrap()
        .with_stability(&stability)
        .with_acceptability(&acceptability)
        .with_counterfactuals(&counterfactuals)
        .with_roadmap(&roadmap);
    let mut written = Vec::new();
    report.write_table(&mut written).unwrap();
    assert_eq!(String::from_utf8(written).unwrap(), table);
}

#[test]
fn the_first_error_of_the_writer_ends_the_table() {
    let portfolio = crate::alloc::generate::portfolio(20_000);
    let criteria = Criteria::default();
    let report = Report::new(&criteria, &portfolio).unwrap();
    let mut out = Writes {
        fail_at: Some(3),
        ..Writes::default()
    };
    let error = report.write_table(&mut out).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe);
    // Two pieces taken, the third refused, and nothing asked for after it.
    assert_eq!((out.pieces.len(), out.calls), (2, 3));
    assert!(report.table().as_bytes().starts_with(&out.pieces.concat()));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn every_report_of_any_portfolio_is_well_formed(candidates in crate::support::candidates()) {
        let portfolio = Portfolio::new(candidates).unwrap();
        let criteria = Criteria::default();
        let stability = criteria.stability(&portfolio).unwrap();
        let counterfactuals = criteria.counterfactuals(&portfolio).unwrap();
        let report = Report::new(&criteria, &portfolio).unwrap()
            .with_stability(&stability)
            .with_counterfactuals(&counterfactuals);
        for chart in report.charts() {
            proptest::prop_assert!(roxmltree::Document::parse(&chart.svg).is_ok(), "{}", chart.name);
        }
        let markdown = report.markdown();
        proptest::prop_assert_eq!(tables_keep_their_cells(&markdown), Ok(()));
        let mut written = Vec::new();
        report.write_table(&mut written).unwrap();
        proptest::prop_assert_eq!(String::from_utf8(written).unwrap(), report.table());
        let text = report.csv();
        let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect();
        proptest::prop_assert_eq!(rows.len(), portfolio.len());
        for (row, placement) in rows.iter().zip(&report.plan().ranking) {
            proptest::prop_assert_eq!(row[6].parse::<f64>().unwrap(), placement.total);
        }
    }
}

#[test]
fn constraints_show_in_the_report_and_margins_are_over_a_real_rival() {
    let portfolio: Portfolio = SAMPLE.parse().unwrap();
    let criteria: Criteria = include_str!("../../examples/criteria.toml")
        .parse()
        .unwrap();
    let markdown = Report::new(&criteria, &portfolio).unwrap().markdown();
    assert!(
        markdown.contains(
            "## Constraints\n\nThe leaders were chosen under these constraints:\n\n\
             ```toml\n[constraints]\nper_unit = 1\ntraining_capacity = 40\n```\n"
        ),
        "{markdown}"
    );
    // warehouse-scanning ranks above a leader but is held back by the
    // training capacity, not by the number of places: no leader's margin
    // is counted over it.
    assert!(!markdown.contains("over warehouse-scanning"), "{markdown}");
    for line in markdown.lines().filter(|l| l.contains(" over ")) {
        assert!(line.contains(" | +"), "{line}");
    }
    assert_eq!(tables_keep_their_cells(&markdown), Ok(()));
    // The shipped criteria have no constraints, and no such section.
    let shipped = Criteria::default();
    let plain = Report::new(&shipped, &portfolio).unwrap().markdown();
    assert!(!plain.contains("## Constraints"));
}
