//! The `rank` example as a person uses it: options, stdin, pipes, errors.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use spearhead::{Criteria, Portfolio, Report};

const SAMPLE: &str = include_str!("../../examples/portfolio.toml");

/// The `rank` example, built once for all the tests here by the cargo that
/// runs them: `cargo test --test it` alone builds no example, so these tests
/// may not count on one lying beside the test binary. The build takes
/// cargo's own lock on the target directory; the `OnceLock` makes the tests
/// of this binary wait for one build rather than start several.
fn rank() -> Command {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    let binary = BINARY.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
        let mut build = Command::new(cargo);
        build
            .args(["build", "--quiet", "--example", "rank"])
            .arg("--message-format=json-render-diagnostics")
            .arg("--manifest-path")
            .arg(repo("Cargo.toml"));
        if !cfg!(debug_assertions) {
            build.arg("--release");
        }
        let out = build.output().unwrap();
        assert!(out.status.success(), "{}", text(out.stderr));
        // Cargo names the binary it built: trust that over a guessed path.
        let messages = String::from_utf8(out.stdout).unwrap();
        messages
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "rank")
            .find_map(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo names the rank example's executable")
    });
    Command::new(binary)
}

fn repo(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file)
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spearhead-cli-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `command` with `input` on stdin.
fn with_stdin(command: &mut Command, input: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

/// The sample's criteria: the shipped ones and its constraints.
fn sample_criteria() -> Criteria {
    Criteria::from_toml(include_str!("../../examples/criteria.toml")).unwrap()
}

/// The JSON plan of `portfolio` on `criteria` with its roadmap, as the
/// library gives them.
fn plan_json(criteria: &Criteria, portfolio: &str) -> serde_json::Value {
    let portfolio = Portfolio::from_toml(portfolio).unwrap();
    let plan = criteria.plan(&portfolio).unwrap();
    let mut json = serde_json::to_value(&plan).unwrap();
    json["roadmap"] = serde_json::to_value(criteria.roadmap_of(&portfolio, &plan)).unwrap();
    json
}

/// The example's JSON, as `serde_json` writes it: the plan's keys, the
/// roadmap, then the robustness analyses when asked for.
#[derive(serde::Serialize)]
struct Whole<'a> {
    #[serde(flatten)]
    plan: spearhead::Plan<'a>,
    roadmap: spearhead::Roadmap,
    #[serde(skip_serializing_if = "Option::is_none")]
    robustness: Option<Robustness>,
}

/// How sure the choice of leaders is, as the example has it.
#[derive(serde::Serialize)]
struct Robustness {
    stability: spearhead::PerCriterion<spearhead::Stability>,
    acceptability: spearhead::Acceptability,
    counterfactuals: Vec<spearhead::Counterfactual>,
}

/// Exit code 2, nothing on stdout, and this on stderr.
fn assert_fails(out: &Output, stderr: &str) {
    assert_eq!(text(out.stderr.clone()), stderr);
    assert!(out.stdout.is_empty());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_prints_the_usage_on_stdout_and_succeeds() {
    for flag in ["--help", "-h"] {
        let out = rank().arg(flag).output().unwrap();
        assert!(out.status.success());
        assert!(out.stderr.is_empty());
        let help = text(out.stdout);
        assert!(
            help.contains(
                "usage: rank [--criteria FILE] [--input INPUT] [--format FORMAT] [--robustness] [--svg DIR] [PORTFOLIO]\n"
            ),
            "{help}"
        );
        assert!(help.contains("`-` for stdin"), "{help}");
        assert!(
            help.contains(
                "--format FORMAT    table (default), json, markdown, csv
"
            ),
            "{help}"
        );
    }
}

#[test]
fn with_no_arguments_it_ranks_the_sample_as_a_table() {
    let out = rank().output().unwrap();
    assert!(out.status.success());
    let table = text(out.stdout);
    assert!(
        table.starts_with("rank  total  role  id                  name\n"),
        "{table}"
    );
    assert!(
        table.contains(
            "\n   1  1.000  lead  crm-rollout         CRM rollout (Sales; sponsor D. Okafor)\n"
        ),
        "{table}"
    );
    assert!(
        table.contains("Push: 3 demonstration project(s) lead"),
        "{table}"
    );
}

#[test]
fn json_is_the_plan_and_roadmap_the_library_gives() {
    let expected = plan_json(&sample_criteria(), SAMPLE);
    for args in [&["--format", "json"][..], &["--format=json"], &["--json"]] {
        let out = rank().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json, expected, "{args:?}");
    }
    let out = rank().args(["--format", "table"]).output().unwrap();
    assert_eq!(out.stdout, rank().output().unwrap().stdout);
}

#[test]
fn json_is_indented_at_a_terminal_and_compact_into_a_pipe() {
    let piped = text(rank().arg("--json").output().unwrap().stdout);
    assert_eq!(piped.lines().count(), 1);
    // Byte for byte what serde_json gives for the plan and its roadmap.
    let (criteria, sample) = (sample_criteria(), Portfolio::from_toml(SAMPLE).unwrap());
    let plan = criteria.plan(&sample).unwrap();
    let expected = Whole {
        roadmap: criteria.roadmap_of(&sample, &plan),
        plan,
        robustness: None,
    };
    assert_eq!(piped, serde_json::to_string(&expected).unwrap() + "\n");
    assert!(piped.starts_with("{\"leaders\":[\""), "{piped}");
    // util-linux's `script` runs the program at a terminal of its own.
    let program = rank().get_program().to_owned();
    let out = Command::new("script")
        .args(["--quiet", "--return", "--command"])
        .arg(format!("{} --json", program.to_str().unwrap()))
        .arg("/dev/null")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(out.stderr));
    // The terminal writes each line break as \r\n.
    let shown = text(out.stdout).replace("\r\n", "\n");
    assert!(shown.starts_with("{\n  \"leaders\": [\n"), "{shown}");
    let json: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        json,
        serde_json::from_str::<serde_json::Value>(&piped).unwrap()
    );
}

#[test]
fn a_dash_reads_the_portfolio_from_stdin() {
    let edited = SAMPLE.replacen(
        "sponsor_motivation = \"moderate\"",
        "sponsor_motivation = \"strong\"",
        1,
    );
    assert_ne!(edited, SAMPLE);
    let out = with_stdin(rank().args(["--json", "-"]), &edited);
    assert!(out.status.success(), "{}", text(out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json, plan_json(&Criteria::default(), &edited));

    // The criteria may come from stdin instead, but not both.
    let out = with_stdin(
        rank().args(["--json", "--criteria", "-"]),
        "[selection]\nleaders = 1\n",
    );
    assert!(out.status.success(), "{}", text(out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["leaders"], serde_json::json!(["crm-rollout"]));
    let out = with_stdin(rank().args(["--criteria", "-", "-"]), "");
    assert_fails(
        &out,
        "error: stdin (`-`) can be only one of --criteria and PORTFOLIO\n\
         usage: rank [--criteria FILE] [--input INPUT] [--format FORMAT] [--robustness] [--svg DIR] [PORTFOLIO]\n\
         run with --help for more\n",
    );
}

#[test]
fn criteria_are_read_with_or_without_an_equals_sign() {
    let dir = scratch("criteria");
    let file = dir.join("one leader.toml");
    std::fs::write(&file, "[selection]\nleaders = 1\n").unwrap();
    let mut joined = std::ffi::OsString::from("--criteria=");
    joined.push(&file);
    let one = rank().arg("--json").arg(joined).output().unwrap();
    let two = rank()
        .arg("--json")
        .arg("--criteria")
        .arg(&file)
        .arg(repo("examples/portfolio.toml"))
        .output()
        .unwrap();
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(json["leaders"], serde_json::json!(["crm-rollout"]));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_flag_given_twice_is_an_error_not_an_override() {
    let usage = "usage: rank [--criteria FILE] [--input INPUT] [--format FORMAT] [--robustness] [--svg DIR] [PORTFOLIO]\n\
                 run with --help for more\n";
    for (args, message) in [
        (
            &["--criteria", "a.toml", "--criteria", "b.toml"][..],
            "--criteria given twice",
        ),
        (
            &["--criteria=a.toml", "--criteria=a.toml"],
            "--criteria given twice",
        ),
        (
            &["--format", "json", "--json"],
            "--format (or --json) given twice",
        ),
        (
            &["--json", "--format=table"],
            "--format (or --json) given twice",
        ),
        (
            &["--robustness", "--robustness"],
            "--robustness given twice",
        ),
        (&["a.toml", "b.toml"], "PORTFOLIO given twice"),
        (
            &["--format", "xml"],
            "unknown format \"xml\", expected one of table, json, markdown, csv",
        ),
        (&["--svg", "a", "--svg", "b"], "--svg given twice"),
        (
            &["--max-bytes", "1", "--max-bytes=2"],
            "--max-bytes given twice",
        ),
        (
            &["--max-candidates=1", "--max-candidates", "1"],
            "--max-candidates given twice",
        ),
        (
            &["--input", "xls"],
            "unknown input \"xls\", expected one of toml, csv",
        ),
        (&["--frobnicate"], "invalid option '--frobnicate'"),
        (&["--criteria"], "missing argument for option '--criteria'"),
    ] {
        let out = rank().args(args).output().unwrap();
        assert_fails(&out, &format!("error: {message}\n{usage}"));
    }
}

#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    // Far more output than a pipe buffers, so `head` closes the pipe while
    // rank still writes: the table, and the JSON written as it is made.
    let first = SAMPLE.split("[[candidate]]").nth(1).unwrap();
    let mut portfolio = String::new();
    for i in 0..3000 {
        portfolio += "[[candidate]]";
        portfolio += &first.replacen("\"crm-rollout\"", &format!("\"c{i}\""), 1);
    }
    assert_eq!(Portfolio::from_toml(&portfolio).unwrap().len(), 3000);

    for (format, bytes) in [("table", None), ("json", Some(100))] {
        let mut rank = rank()
            .args(["--format", format, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = rank.stdin.take().unwrap();
        let input = portfolio.clone();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let count = bytes.map_or_else(|| "-n2".to_owned(), |n| format!("-c{n}"));
        let head = Command::new("head")
            .arg(count)
            .stdin(rank.stdout.take().unwrap())
            .output()
            .unwrap();
        writer.join().unwrap().unwrap();
        let mut stderr = String::new();
        rank.stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = rank.wait().unwrap();
        match bytes {
            Some(n) => assert_eq!(head.stdout.len(), n),
            None => assert_eq!(text(head.stdout).lines().count(), 2),
        }
        assert_eq!(stderr, "", "{format}");
        assert_eq!(status.code(), Some(0), "{format}");
    }
}

#[test]
fn errors_start_with_file_line_and_column_and_name_candidate_and_key() {
    let dir = scratch("errors");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[selection]\nleaders = 0\n").unwrap();
    let out = rank()
        .arg("--criteria")
        .arg(&bad)
        .arg(repo("examples/portfolio.toml"))
        .output()
        .unwrap();
    let bad = bad.display();
    assert_fails(
        &out,
        &format!("{bad}:2:11: error: key selection.leaders: must be at least 1, not 0\n"),
    );

    let portfolio = dir.join("portfolio.toml");
    std::fs::write(&portfolio, SAMPLE.replacen("\"high\"", "\"hgh\"", 1)).unwrap();
    let out = rank().arg(&portfolio).output().unwrap();
    assert_fails(
        &out,
        &format!(
            "{}:14:14: error: candidate \"crm-rollout\", key visibility: \
             unknown variant `hgh`, expected one of `low`, `moderate`, `high`\n",
            portfolio.display()
        ),
    );

    // From stdin, and an error with no line: the place is the input's name.
    let out = with_stdin(rank().arg("-"), "# nothing\n");
    assert_fails(
        &out,
        "<stdin>: error: no candidates: add at least one [[candidate]] table\n",
    );

    let out = rank().arg(dir.join("missing.toml")).output().unwrap();
    assert_fails(
        &out,
        &format!(
            "{}: error: cannot read: No such file or directory (os error 2)\n",
            dir.join("missing.toml").display()
        ),
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn constraints_that_cannot_hold_are_each_named_by_their_place_in_the_file() {
    let dir = scratch("conflict");
    let criteria = dir.join("criteria.toml");
    std::fs::write(
        &criteria,
        "[constraints]\nmust_lead = [\"crm-rollout\"]\nmust_not_lead = [\"crm-rollout\"]\n",
    )
    .unwrap();
    let out = rank()
        .arg("--criteria")
        .arg(&criteria)
        .arg(repo("examples/portfolio.toml"))
        .output()
        .unwrap();
    let file = criteria.display();
    assert_fails(
        &out,
        &format!(
            "{file}:2:14: error: the constraints cannot all hold together: \
             {file}:2:14, key constraints.must_lead = \"crm-rollout\"; \
             {file}:3:18, key constraints.must_not_lead = \"crm-rollout\"\n"
        ),
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_path_that_would_split_or_hide_a_message_is_quoted() {
    for name in ["new\nline.toml", "bidi\u{202e}lmot.toml", "quote\".toml"] {
        let path = Path::new("/nonexistent").join(name);
        let out = rank().arg(&path).output().unwrap();
        assert_fails(
            &out,
            &format!("{path:?}: error: cannot read: No such file or directory (os error 2)\n"),
        );
        assert!(format!("{path:?}").starts_with("\"/nonexistent/"));
    }
}

#[test]
fn a_very_long_id_does_not_break_the_table() {
    // A format width stops at 65,535: the table pads by hand.
    let id = "x".repeat(70_000);
    let portfolio = SAMPLE.replacen("\"crm-rollout\"", &format!("\"{id}\""), 1);
    let out = with_stdin(rank().args(["--robustness", "-"]), &portfolio);
    assert!(out.status.success(), "{}", text(out.stderr));
    let table = text(out.stdout);
    assert!(table.contains(&format!(
        "   1  1.000  lead  {id}  CRM rollout (Sales; sponsor D. Okafor)\n"
    )));
    // The other ids line up at the column's widest, 40 characters.
    assert!(table.contains(&format!(
        "   2  0.943  lead  {:<40}  Order-to-cash",
        "order-to-cash"
    )));
}

#[test]
fn robustness_comes_as_a_table_and_as_json() {
    let out = rank().arg("--robustness").output().unwrap();
    assert!(out.status.success());
    let table = text(out.stdout);
    assert!(
        table.contains("  bottom_line        1  0 to 8.5           above: field-service-app out\n"),
        "{table}"
    );
    assert!(
        table
            .contains("  duration           1  0 and up           no weight changes the leaders\n"),
        "{table}"
    );
    assert!(
        table.contains(
            "Acceptability: 10000 weight vectors drawn (simplex, seed 0), ranks 1 to 8 counted\n"
        ),
        "{table}"
    );
    assert!(
        table.contains(
            "  Ranks count every candidate, eligible or not; only an eligible one leads,\n"
        ),
        "{table}"
    );
    assert!(
        table.contains("  lead  field-service-app   sponsor_level managing_director -> manager unseats it (total 0.800)\n"),
        "{table}"
    );

    let out = rank()
        .args(["--robustness", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = text(out.stdout);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sample = Portfolio::from_toml(SAMPLE).unwrap();
    let criteria = sample_criteria();
    assert_eq!(
        json["robustness"]["stability"],
        serde_json::to_value(criteria.stability(&sample).unwrap()).unwrap()
    );
    let threads = std::num::NonZeroUsize::MIN;
    assert_eq!(
        json["robustness"]["acceptability"],
        serde_json::to_value(criteria.acceptability(&sample, threads).unwrap()).unwrap()
    );
    assert_eq!(
        json["robustness"]["counterfactuals"],
        serde_json::to_value(criteria.counterfactuals(&sample).unwrap()).unwrap()
    );
    // Byte for byte what serde_json gives for the whole, though the
    // ranking is written by the library's `JsonWriter`.
    let plan = criteria.plan(&sample).unwrap();
    let whole = Whole {
        roadmap: criteria.roadmap_of(&sample, &plan),
        plan,
        robustness: Some(Robustness {
            stability: criteria.stability(&sample).unwrap(),
            acceptability: criteria.acceptability(&sample, threads).unwrap(),
            counterfactuals: criteria.counterfactuals(&sample).unwrap(),
        }),
    };
    assert_eq!(text, serde_json::to_string(&whole).unwrap() + "\n");
    // The plan's keys come first, in their usual order; on one line, as
    // stdout is a pipe here.
    assert!(text.starts_with("{\"leaders\":["), "{text}");
    assert_eq!(text.lines().count(), 1);
    assert!(text.find("\"ranking\"").unwrap() < text.find("\"robustness\"").unwrap());
}

#[test]
fn markdown_and_csv_are_the_reports_the_library_gives() {
    let sample = Portfolio::from_toml(SAMPLE).unwrap();
    let criteria = sample_criteria();
    let roadmap = criteria.roadmap(&sample).unwrap();
    let report = Report::new(&criteria, &sample)
        .unwrap()
        .with_roadmap(&roadmap);
    for (format, expected) in [("markdown", report.markdown()), ("csv", report.csv())] {
        let out = rank().args(["--format", format]).output().unwrap();
        assert!(out.status.success(), "{format}");
        assert_eq!(text(out.stdout), expected, "{format}");
    }
    let out = rank()
        .args(["--format", "markdown", "--robustness"])
        .output()
        .unwrap();
    let markdown = text(out.stdout);
    for section in [
        "## Stability",
        "## Acceptability",
        "## What would flip each role",
    ] {
        assert!(markdown.contains(section), "{section}");
    }
}

#[test]
fn svg_writes_the_charts_into_a_directory() {
    let dir = scratch("svg").join("charts");
    let _ = std::fs::remove_dir_all(&dir);
    let out = rank().arg("--svg").arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", text(out.stderr));
    // The table still goes to stdout.
    assert!(text(out.stdout).starts_with("rank  total  role"));
    let sample = Portfolio::from_toml(SAMPLE).unwrap();
    let criteria = sample_criteria();
    let expected = Report::new(&criteria, &sample)
        .unwrap()
        .contribution_chart();
    assert_eq!(
        std::fs::read_to_string(dir.join("contributions.svg")).unwrap(),
        expected
    );
    assert!(!dir.join("stability.svg").exists());
    let out = rank()
        .args(["--robustness", "--svg"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    for name in [
        "contributions.svg",
        "acceptability.svg",
        "stability.svg",
        "roadmap.svg",
    ] {
        let svg = std::fs::read_to_string(dir.join(name)).unwrap();
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_csv_portfolio_is_read_by_its_extension_or_with_input_csv() {
    let toml = rank()
        .arg(repo("examples/portfolio.toml"))
        .output()
        .unwrap();
    let csv = rank().arg(repo("examples/portfolio.csv")).output().unwrap();
    assert!(csv.status.success(), "{}", text(csv.stderr));
    assert_eq!(csv.stdout, toml.stdout);
    let table = std::fs::read_to_string(repo("examples/portfolio.csv")).unwrap();
    let out = with_stdin(rank().args(["--input", "csv", "-"]), &table);
    assert!(out.status.success(), "{}", text(out.stderr));
    assert_eq!(out.stdout, toml.stdout);
    // Errors name the file, the row, the column and the candidate.
    let dir = scratch("csv");
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, table.replacen(",high,", ",hgh,", 1)).unwrap();
    let out = rank().arg(&bad).output().unwrap();
    assert_fails(
        &out,
        &format!(
            "{}: error: row 2, column 9, candidate \"crm-rollout\", key visibility: \
             unknown variant `hgh`, expected one of `low`, `moderate`, `high`\n",
            bad.display()
        ),
    );
    // A .csv file read as TOML with --input toml fails as TOML does.
    let out = rank()
        .args(["--input", "toml"])
        .arg(repo("examples/portfolio.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_file_too_large_is_refused_with_its_size() {
    let dir = scratch("too-large");
    // Sparse: 300 MiB that cost no disk.
    let huge = dir.join("huge.toml");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(300 << 20)
        .unwrap();
    let out = rank().arg(&huge).output().unwrap();
    assert_fails(
        &out,
        &format!(
            "{}: error: 314572800 bytes is more than the limit of 268435456 bytes\n",
            huge.display()
        ),
    );
    // Read from stdin, only the bytes up to the limit are known.
    let out = with_stdin(rank().args(["--max-bytes", "1000", "-"]), &" ".repeat(1010));
    assert_fails(&out, "<stdin>: error: more than the limit of 1000 bytes\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_limits_are_flags() {
    let sample = repo("examples/portfolio.toml");
    let out = rank()
        .args(["--max-candidates", "3"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_fails(
        &out,
        &format!(
            "{}: error: 8 candidates is more than the limit of 3\n",
            sample.display()
        ),
    );
    let out = rank()
        .args(["--max-bytes=100"])
        .arg(&sample)
        .output()
        .unwrap();
    let size = std::fs::metadata(&sample).unwrap().len();
    assert_fails(
        &out,
        &format!(
            "{}: error: {size} bytes is more than the limit of 100 bytes\n",
            sample.display()
        ),
    );
    // A CSV table and the criteria file are held to them too.
    let table = repo("examples/portfolio.csv");
    let out = rank()
        .args(["--max-candidates", "7"])
        .arg(&table)
        .output()
        .unwrap();
    assert_fails(
        &out,
        &format!(
            "{}: error: 8 candidates is more than the limit of 7\n",
            table.display()
        ),
    );
    let criteria = repo("examples/criteria.toml");
    let out = rank()
        .args(["--max-bytes", "10", "--criteria"])
        .arg(&criteria)
        .output()
        .unwrap();
    let size = std::fs::metadata(&criteria).unwrap().len();
    assert_fails(
        &out,
        &format!(
            "{}: error: {size} bytes is more than the limit of 10 bytes\n",
            criteria.display()
        ),
    );
    let out = rank()
        .args(["--max-candidates", "8", "--max-bytes", "100000"])
        .arg(&sample)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(out.stderr));
    for args in [["--max-bytes", "many"], ["--max-candidates", "-1"]] {
        let out = rank().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(text(out.stderr).starts_with("error: "));
    }
    let help = text(rank().arg("--help").output().unwrap().stdout);
    assert!(help.contains("--max-bytes N      refuse an input file of more than N bytes\n                     (default 268435456)"), "{help}");
    assert!(help.contains("--max-candidates N refuse a portfolio of more than N candidates\n                     (default 1000000)"), "{help}");
}
