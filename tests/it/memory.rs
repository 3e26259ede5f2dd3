//! Reading costs at most 16 times the input's size plus 64 MiB of memory,
//! whatever the input, accepted or refused: the worst shapes, counted by
//! the counting allocator, at sizes on both sides of where the pre-scan
//! refuses them and up to the size limit.

use allocation_counter::measure;
use spearhead::{Criteria, Error, Limits, Portfolio};

use crate::alloc::generate;

/// The bound the README states.
fn bound(len: usize) -> u64 {
    16 * len as u64 + (64 << 20)
}

/// The peak memory of reading `text` as a portfolio and as criteria, and
/// whether each was accepted.
fn read(text: &str) -> [(u64, Result<(), Error>); 2] {
    let mut portfolio = None;
    let p = measure(|| portfolio = Some(Portfolio::from_toml(text).map(drop))).bytes_max;
    let mut criteria = None;
    let c = measure(|| criteria = Some(Criteria::from_toml(text).map(drop))).bytes_max;
    [(p, portfolio.unwrap()), (c, criteria.unwrap())]
}

fn numbered(n: usize, line: impl Fn(usize) -> String) -> String {
    (0..n).map(line).collect::<Vec<_>>().concat()
}

/// `n` repetitions of the shapes that cost most memory per byte.
fn shapes(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("ones", format!("x = [{}]", "1, ".repeat(n))),
        ("dense ones", format!("x = [{}]", "1,".repeat(n))),
        ("empty inline tables", format!("x = [{}]", "{},".repeat(n))),
        ("inline tables", format!("x = [{}]", "{a=1},".repeat(n))),
        ("empty arrays", format!("x = [{}]", "[],".repeat(n))),
        ("strings", format!("x = [{}]", "'',".repeat(n))),
        ("headers", "[[candidate]]\n".repeat(n)),
        ("keys", numbered(n, |i| format!("k{i}=1\n"))),
        ("tables", numbered(n, |i| format!("[t{i}]\n"))),
        ("words", " x".repeat(n)),
        ("commas", ",".repeat(n)),
    ]
}

#[test]
fn the_worst_shapes_stay_within_the_bound_accepted_or_refused() {
    let mut accepted = 0;
    let mut refused = 0;
    for n in [10_000, 100_000, 300_000, 1_000_000] {
        for (name, text) in shapes(n) {
            for (peak, result) in read(&text) {
                assert!(
                    peak <= bound(text.len()),
                    "{name} x {n}: {peak} bytes for {} ({result:?})",
                    text.len()
                );
                match result {
                    Err(Error::TooDense { .. } | Error::TooManyCandidates { .. }) => refused += 1,
                    _ => accepted += 1,
                }
            }
        }
    }
    // Both sides of the line were tried.
    assert!(
        accepted > 20 && refused > 20,
        "{accepted} parsed, {refused} refused"
    );
}

#[test]
fn shapes_at_the_size_limit_are_refused_unparsed() {
    let limit = Limits::default().max_bytes;
    let fill = |unit: &str, head: &str, tail: &str| {
        let n = (limit - head.len() - tail.len()) / unit.len();
        format!("{head}{}{tail}", unit.repeat(n))
    };
    let texts = [
        fill("1, ", "x = [", "]"),
        fill("{},", "x = [", "]"),
        fill("[[candidate]]\n", "", ""),
    ];
    for text in &texts {
        assert!(text.len() <= limit);
        for (peak, result) in read(text) {
            assert!(
                matches!(
                    result,
                    Err(Error::TooDense { .. } | Error::TooManyCandidates { .. })
                ),
                "{result:?}"
            );
            // Nothing but the pre-scan ran: no tree was built.
            assert!(peak <= prescan_only(), "{peak}");
        }
    }
    assert_eq!(
        Portfolio::from_toml(&texts[2]).unwrap_err().to_string(),
        "portfolio: 19173961 candidates is more than the limit of 1000000"
    );
}

#[test]
fn one_candidate_too_many_is_refused_unparsed() {
    // Headers alone, as many as the default limit allows and one more: the
    // generated file of a million candidates would take a debug build long
    // to write, and only the headers are counted.
    let text = "[[candidate]]\n".repeat(Limits::default().max_candidates + 1);
    let mut result = None;
    let peak = measure(|| result = Some(Portfolio::from_toml(&text).map(drop))).bytes_max;
    assert_eq!(
        result.unwrap().unwrap_err().to_string(),
        "portfolio: 1000001 candidates is more than the limit of 1000000"
    );
    assert!(peak <= prescan_only(), "{peak}");
}

/// The most the pre-scan alone takes: where each `[[candidate]]` header
/// starts, 8 bytes for each of up to `max_candidates`, as its vector grows.
fn prescan_only() -> u64 {
    16 * Limits::default().max_candidates as u64
}

#[test]
fn a_dense_file_is_refused_with_its_size_and_the_memory_it_would_take() {
    let text = format!("x = [{}]", "1, ".repeat(1_000_000));
    assert_eq!(
        Criteria::from_toml(&text).unwrap_err().to_string(),
        "criteria: 3000006 bytes too dense to parse: about 356 MiB of memory, more than the limit of 109 MiB (16 times the size plus 64 MiB)"
    );
}

/// The peak memory of reading `text` as a portfolio, and what it gave.
fn read_portfolio(text: &str) -> (u64, Result<Portfolio, Error>) {
    let mut result = None;
    let peak = measure(|| result = Some(Portfolio::from_toml(text))).bytes_max;
    (peak, result.unwrap())
}

/// The generated file of `n` candidates, each with a name, unit and
/// sponsor: every key a candidate may have.
fn full_portfolio_toml(n: usize) -> String {
    generate::portfolio_toml(n).replace(
        "\nduration_months",
        "\nname = \"A project\"\nunit = \"Operations\"\nsponsor = \"D. Okafor\"\nduration_months",
    )
}

/// Memory grows with the candidates, so a file of them within 16 times its
/// size alone, without the 64 MiB, is within the bound at any count: the
/// default limit of a million too, which a debug build would take long to
/// read.
#[test]
fn candidates_are_read_within_16_times_their_size() {
    for text in [
        generate::portfolio_toml(100_000),
        full_portfolio_toml(100_000),
        // Lists kept with every candidate.
        generate::portfolio_toml(100_000).replace(
            "\nduration_months",
            "\ntags = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\"]\n\
             champions = [\"K. Osei\", \"L. Diaz\"]\nduration_months",
        ),
        // As short as a candidate gets.
        generate::portfolio_toml(100_000)
            .replace(" = ", "=")
            .replace("\nremedial=false", ""),
    ] {
        let (peak, portfolio) = read_portfolio(&text);
        assert_eq!(portfolio.unwrap().len(), 100_000);
        assert!(peak <= 16 * text.len() as u64, "{peak} for {}", text.len());
    }
}

/// `text` with the line that starts with `key` in candidate `id` made
/// `line`, and the 1-based number of that line.
fn with_line(text: &str, id: &str, key: &str, line: &str) -> (String, usize) {
    let candidate = text.find(&format!("\nid = \"{id}\"")).unwrap();
    let start = candidate + text[candidate..].find(&format!("\n{key} = ")).unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    let number = text[..start].matches('\n').count() + 1;
    (format!("{}{line}{}", &text[..start], &text[end..]), number)
}

#[test]
fn a_file_read_a_section_at_a_time_places_its_errors_in_the_whole_file() {
    // Far past the first 64 MiB of the bound, were it parsed at once.
    let text = generate::portfolio_toml(60_000);
    let (peak, portfolio) = read_portfolio(&text);
    assert_eq!(portfolio.unwrap().len(), 60_000);
    assert!(peak <= bound(text.len()), "{peak}");

    let error = |text: &str| read_portfolio(text).1.map(drop).unwrap_err().to_string();
    let (bad, line) = with_line(&text, "c0040000", "visibility", "visibility = \"hgh\"");
    assert_eq!(
        error(&bad),
        format!(
            "portfolio:{line}:14, candidate \"c0040000\", key visibility: unknown variant `hgh`, \
             expected one of `low`, `moderate`, `high`"
        )
    );
    let (bad, line) = with_line(&text, "c0050000", "id", "id = \"\"");
    assert_eq!(
        error(&bad),
        format!("portfolio:{line}:6, candidate #50001, key id: must not be empty")
    );
    let (bad, line) = with_line(&text, "c0055000", "id", "id = \"c0000007\"");
    let (_, first) = with_line(&text, "c0000007", "id", "");
    assert_eq!(
        error(&bad),
        format!(
            "portfolio:{line}:6, candidate \"c0000007\", key id: duplicate candidate id, \
             first used at {first}:6"
        )
    );
    let lines = text.matches('\n').count();
    assert_eq!(
        error(&format!("{text}[other]\nx = 1\n")),
        format!(
            "portfolio:{}:2, key other: unknown field `other`, expected `candidate`",
            lines + 1
        )
    );
    assert_eq!(
        error(&format!("candidate = []\n{text}")),
        "portfolio:2:1: duplicate key `candidate`"
    );
}
