//! Project rules as tests: the shipped files stay valid, the README stays true.

use std::collections::BTreeSet;
use std::path::Path;

fn read(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap()
}

/// Every dotted key of a TOML table, tables included.
fn keys(table: &toml::Table, prefix: &str, out: &mut BTreeSet<String>) {
    for (key, value) in table {
        let path = format!("{prefix}{key}");
        if let toml::Value::Table(inner) = value {
            keys(inner, &format!("{path}."), out);
        }
        out.insert(path);
    }
}

#[test]
fn the_shipped_criteria_set_every_key() {
    // The library starts the shipped file from zeros: a key missing from it
    // would silently score 0. Printing criteria gives every key of the file
    // format (each criterion's optional `min` only where it is set).
    let printed: toml::Table = toml::to_string(&spearhead::Criteria::default())
        .unwrap()
        .parse()
        .unwrap();
    let mut expected = BTreeSet::new();
    keys(&printed, "", &mut expected);
    assert!(expected.len() >= 60, "only {} keys printed", expected.len());
    let shipped: toml::Table = spearhead::SHIPPED_CRITERIA.parse().unwrap();
    let mut found = BTreeSet::new();
    keys(&shipped, "", &mut found);
    let missing: Vec<_> = expected.difference(&found).collect();
    assert!(missing.is_empty(), "criteria.toml lacks {missing:?}");
    assert_eq!(spearhead::SHIPPED_CRITERIA, read("criteria.toml"));
    assert_eq!(
        spearhead::Criteria::from_toml(&read("criteria.toml")).unwrap(),
        spearhead::Criteria::default()
    );
}

#[test]
fn the_sample_portfolio_is_valid() {
    let portfolio = spearhead::Portfolio::from_toml(&read("examples/portfolio.toml")).unwrap();
    assert_eq!(portfolio.len(), 8);
}

#[test]
fn the_readme_codemap_lists_every_source_file() {
    let readme = read("README.md");
    let codemap = readme.split("## Codemap").nth(1).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let name = path.strip_prefix(root).unwrap().to_str().unwrap();
            assert!(codemap.contains(name), "codemap lacks {name}");
        }
    }
}

#[test]
fn the_readme_gives_the_two_commands_and_ci_runs_its_test_command() {
    let readme = read("README.md");
    assert!(readme.contains("cargo run --example rank"));
    assert!(readme.contains("cargo test"));
    let ci = read(".ci/run");
    assert!(ci.lines().any(|l| l.trim() == "cargo test"));
    assert!(ci.contains("cargo clippy --all-targets -- -D warnings"));
    assert!(ci.contains("cargo fmt --check"));
}

#[test]
fn public_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<spearhead::Criteria>();
    assert_send_sync::<spearhead::Portfolio>();
    assert_send_sync::<spearhead::Candidate>();
    assert_send_sync::<spearhead::Evidence>();
    assert_send_sync::<spearhead::Error>();
    assert_send_sync::<spearhead::Plan>();
    assert_send_sync::<spearhead::Placement>();
    assert_send_sync::<spearhead::Reason>();
    assert_send_sync::<spearhead::Holder>();
    assert_send_sync::<spearhead::Keeper>();
    assert_send_sync::<spearhead::JsonWriter>();
    assert_send_sync::<spearhead::Ranked<'static>>();
    assert_send_sync::<spearhead::Assessment>();
    assert_send_sync::<spearhead::Line>();
    assert_send_sync::<spearhead::Stability>();
    assert_send_sync::<spearhead::Shift>();
    assert_send_sync::<spearhead::Acceptability>();
    assert_send_sync::<spearhead::Acceptance>();
    assert_send_sync::<spearhead::Robustness>();
    assert_send_sync::<spearhead::Sampling>();
    assert_send_sync::<spearhead::WeightOrder>();
    assert_send_sync::<spearhead::Weights>();
    assert_send_sync::<spearhead::Waves>();
    assert_send_sync::<spearhead::Roadmap>();
    assert_send_sync::<spearhead::Stage>();
    assert_send_sync::<spearhead::Coaching>();
    assert_send_sync::<spearhead::Unreached>();
    assert_send_sync::<spearhead::Unreachable>();
    assert_send_sync::<spearhead::Link>();
    assert_send_sync::<spearhead::KeyRole>();
}

#[test]
fn the_readme_shows_the_sample_portfolios_markdown_report() {
    let readme = read("README.md");
    let sample: spearhead::Portfolio = read("examples/portfolio.toml").parse().unwrap();
    // `rank` reads the sample with its criteria, examples/criteria.toml.
    // Four backticks fence the report: it holds a fenced TOML block.
    let criteria: spearhead::Criteria = read("examples/criteria.toml").parse().unwrap();
    let roadmap = criteria.roadmap(&sample).unwrap();
    let markdown = spearhead::Report::new(&criteria, &sample)
        .unwrap()
        .with_roadmap(&roadmap)
        .markdown();
    assert!(
        readme.contains(&format!("````markdown\n{markdown}````\n")),
        "the README's report differs from Report::markdown of the sample"
    );
}
