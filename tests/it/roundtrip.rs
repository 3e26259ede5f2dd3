//! What the API builds is something a file could say: it prints, and the
//! print reads back the same.

use spearhead::{Criteria, Criterion, Error, Portfolio, Ranks};

use crate::alloc::generate;

fn reads_back(criteria: &Criteria) -> String {
    let printed = toml::to_string(criteria).unwrap();
    assert_eq!(
        &Criteria::from_toml(&printed).unwrap(),
        criteria,
        "{printed}"
    );
    printed
}

#[test]
fn leaders_stop_where_a_toml_integer_does() {
    let most = usize::try_from(i64::MAX).unwrap();
    let criteria = Criteria::default().with_leaders(most).unwrap();
    assert!(reads_back(&criteria).contains("leaders = 9223372036854775807\n"));
    if let Some(past) = most.checked_add(1) {
        assert_eq!(
            Criteria::default()
                .with_leaders(past)
                .unwrap_err()
                .to_string(),
            format!(
                "criteria, key selection.leaders: must be at most 9223372036854775807, not {past}"
            )
        );
    }
    assert!(Criteria::default().with_leaders(usize::MAX).is_err());
}

#[test]
fn a_negative_zero_weight_prints_as_zero() {
    let criteria = Criteria::default()
        .with_weight(Criterion::Lead, -0.0)
        .unwrap();
    assert!(criteria.weight(Criterion::Lead).is_sign_positive());
    let printed = reads_back(&criteria);
    assert!(printed.contains("[lead]\nweight = 0.0\n"), "{printed}");

    let read: Criteria = "[lead]\nweight = -0.0\nmin = -0.0\n[selection]\nmin_score = -0.0\n\
                          [duration]\nzero = [-0.0, 36]\n"
        .parse()
        .unwrap();
    let printed = reads_back(&read);
    assert!(!printed.contains("-0"), "{printed}");
}

#[test]
fn there_is_no_empty_portfolio() {
    let error = Portfolio::new(Vec::new()).unwrap_err();
    assert_eq!(error, Error::NoCandidates);
    assert_eq!(
        error.to_string(),
        Portfolio::from_toml("").unwrap_err().to_string()
    );
}

#[test]
fn a_built_portfolio_prints_and_reads_back() {
    let portfolio = generate::portfolio(50);
    let printed = toml::to_string(&portfolio).unwrap();
    assert_eq!(Portfolio::from_toml(&printed).unwrap(), portfolio);
}

#[test]
fn ranks_print_as_the_file_says_them() {
    let shipped = reads_back(&Criteria::default());
    assert!(shipped.contains("\nranks = 10\n"), "{shipped}");
    let all = Criteria::default().with_ranks(Ranks::All).unwrap();
    assert!(reads_back(&all).contains("\nranks = \"all\"\n"));
    let three = all.with_ranks(Ranks::First(3)).unwrap();
    assert!(reads_back(&three).contains("\nranks = 3\n"));
    assert_eq!(three.robustness().ranks(), Ranks::First(3));
}
