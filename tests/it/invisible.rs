//! Ids that look alike are refused: the table of invisible characters is
//! Unicode's `Default_Ignorable_Code_Point`, checked here against regex's
//! own Unicode tables, and ids must be in NFC.

use regex::Regex;
use spearhead::{Candidate, Portfolio};

use crate::alloc::generate;

fn refusal(id: &str) -> Option<String> {
    let evidence = generate::portfolio(1).candidates()[0].evidence;
    Portfolio::new(vec![Candidate::new(id, evidence)])
        .err()
        .map(|e| e.to_string())
}

#[test]
fn every_default_ignorable_code_point_is_refused_and_only_they_are_called_invisible() {
    let ignorable = Regex::new(r"^\p{Default_Ignorable_Code_Point}$").unwrap();
    let bidi = Regex::new(r"^\p{Bidi_Control}$").unwrap();
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        let id = format!("a{c}b");
        let refused = refusal(&id);
        let invisible = refused
            .as_deref()
            .is_some_and(|e| e.contains("invisible character"));
        let text = c.to_string();
        if ignorable.is_match(&text) {
            // Bidi controls are refused in every text, as such.
            let shown = refused.as_deref().unwrap_or_default();
            assert!(
                invisible || (bidi.is_match(&text) && shown.contains("bidi")),
                "U+{:04X}: {refused:?}",
                u32::from(c)
            );
        } else {
            assert!(!invisible, "U+{:04X}: {refused:?}", u32::from(c));
        }
    }
}

#[test]
fn ids_that_only_look_alike_are_refused() {
    for (id, message) in [
        (
            "crm\u{3164}",
            "portfolio, candidate \"crm\\u{3164}\", key id: must not hold the invisible character U+3164",
        ),
        (
            "crm\u{e0041}",
            "portfolio, candidate \"crm\\u{e0041}\", key id: must not hold the invisible character U+E0041",
        ),
        (
            "a\u{2062}b",
            "portfolio, candidate \"a\\u{2062}b\", key id: must not hold the invisible character U+2062",
        ),
        (
            "a\u{34f}b",
            "portfolio, candidate \"a\\u{34f}b\", key id: must not hold the invisible character U+034F",
        ),
        (
            "crm\u{a0}rollout",
            "portfolio, candidate \"crm\\u{a0}rollout\", key id: must not hold the blank U+00A0: use a plain space",
        ),
        (
            "cafe\u{301}",
            "portfolio, candidate \"cafe\\u{301}\", key id: must be in Unicode normalization form C (NFC): a letter and its accent as one character",
        ),
    ] {
        assert_eq!(refusal(id).as_deref(), Some(message), "{id:?}");
    }
    // The same ids, seen, are fine; so are accents written as one character.
    for id in ["crm", "crm rollout", "café", "日本語", "❤"] {
        assert_eq!(refusal(id), None, "{id:?}");
    }
}
