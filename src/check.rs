//! What a value must be to exist: finite numbers, scores in `[0, 1]`,
//! weights, and the ids and texts of candidates. Each check returns the
//! message; the caller knows the place.

use crate::invisible;

/// The most decimal places a candidate's months may have: a millionth of a
/// month is under three seconds.
pub(crate) const MAX_MONTH_PLACES: u32 = 6;

/// The decimal places of the shortest decimal that reads back as `months`,
/// when it has at most [`MAX_MONTH_PLACES`]: no formatting, for the
/// portfolio's door.
#[allow(
    clippy::float_cmp,
    reason = "a whole number divided once reads back exactly or not at all"
)]
pub(crate) fn month_places(months: f64) -> Option<u32> {
    // From 2^52 up every f64 is a whole number.
    if months >= 4_503_599_627_370_496.0 {
        return Some(0);
    }
    let mut scale = 1.0;
    for places in 0..=MAX_MONTH_PLACES {
        let scaled = (months * scale).round();
        // Below 2^53 every whole number is exact; dividing rounds once.
        if scaled < 9_007_199_254_740_992.0 && scaled / scale == months {
            return Some(places);
        }
        scale *= 10.0;
    }
    None
}

/// Rejects NaN and infinities.
pub(crate) fn number(x: f64) -> Result<(), String> {
    if x.is_nan() {
        Err("must be a number, not nan".to_owned())
    } else if x.is_infinite() {
        Err(format!("must be finite, not {x}"))
    } else {
        Ok(())
    }
}

/// The smallest weight above 0: see [`Criteria::MIN_WEIGHT`](crate::Criteria::MIN_WEIGHT).
pub(crate) const MIN_WEIGHT: f64 = 1e-6;

/// The largest weight: see [`Criteria::MAX_WEIGHT`](crate::Criteria::MAX_WEIGHT).
pub(crate) const MAX_WEIGHT: f64 = 1e6;

/// A weight: 0, or a number in `[MIN_WEIGHT, MAX_WEIGHT]`.
pub(crate) fn weight(w: f64) -> Result<(), String> {
    number(w)?;
    if w < 0.0 {
        return Err(format!("must be at least 0, not {w}"));
    }
    if w != 0.0 && !(MIN_WEIGHT..=MAX_WEIGHT).contains(&w) {
        return Err(format!("must be 0 or in [1e-6, 1e6], not {w:e}"));
    }
    Ok(())
}

/// A score or a minimum: a number in `[0, 1]`.
pub(crate) fn unit(x: f64) -> Result<(), String> {
    number(x)?;
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        Err(format!("must be in [0, 1], not {x}"))
    }
}

/// A duration: a number more than 0 months, to a millionth of a month
/// at most, so that its score is exact (see `src/exact.rs`).
pub(crate) fn months(months: f64) -> Result<(), String> {
    number(months)?;
    if months <= 0.0 {
        return Err(format!("must be more than 0 months, not {months}"));
    }
    if month_places(months).is_none() {
        return Err(format!(
            "must have at most {MAX_MONTH_PLACES} decimal places (a millionth of a month), \
             not {months}"
        ));
    }
    Ok(())
}

/// Characters that reorder text as displayed (bidi controls).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// An id: a text in Unicode NFC without invisible characters or blanks
/// other than the ASCII space, so that two ids that look the same are the
/// same. Not normalised for the caller: the id given is the id printed.
pub(crate) fn id(id: &str) -> Result<(), String> {
    if is_plain(id) {
        // Printable ASCII holds no invisible character or other blank, and
        // is in NFC.
        return Ok(());
    }
    any_id(id)
}

/// Whether `text` is printable ASCII and not all spaces: an id and a text
/// as they are almost always given, which every check lets through.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().all(|b| (b' '..=b'~').contains(b)) && bytes.iter().any(|&b| b != b' ')
}

/// [`id`] for any text, character by character.
fn any_id(id: &str) -> Result<(), String> {
    any_text(id)?;
    for c in id.chars() {
        if invisible::is_ignorable(c) {
            return Err(format!(
                "must not hold the invisible character U+{:04X}",
                u32::from(c)
            ));
        }
        if invisible::is_other_blank(c) {
            return Err(format!(
                "must not hold the blank U+{:04X}: use a plain space",
                u32::from(c)
            ));
        }
    }
    if !unicode_normalization::is_nfc(id) {
        return Err(
            "must be in Unicode normalization form C (NFC): a letter and its accent as one character"
                .to_owned(),
        );
    }
    Ok(())
}

/// A name, unit or sponsor: not empty, without control or bidi characters.
pub(crate) fn text(text: &str) -> Result<(), String> {
    if is_plain(text) {
        return Ok(());
    }
    any_text(text)
}

/// [`text`] for any text, character by character.
fn any_text(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("must not be empty".to_owned());
    }
    for c in text.chars() {
        if c.is_control() {
            return Err(format!(
                "must not hold the control character U+{:04X}",
                u32::from(c)
            ));
        }
        if is_bidi_control(c) {
            return Err(format!(
                "must not hold the bidi control character U+{:04X}",
                u32::from(c)
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{any_id, any_text, id, text};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        /// The printable-ASCII shortcut agrees with the checks character
        /// by character: on any text, on mostly ASCII text, and on text
        /// near the shortcut's edges (spaces, tabs, DEL, a combining
        /// accent, invisible characters, other blanks).
        #[test]
        fn the_ascii_shortcut_agrees_with_the_full_checks(
            any in any::<String>(),
            ascii in "[ -~]{0,12}",
            edges in proptest::collection::vec(proptest::sample::select(vec![
                " ", "a", "~", "\t", "\u{7f}", "\u{1f}", "\u{80}", "e\u{301}", "\u{e9}",
                "\u{200b}", "\u{a0}", "\u{3000}", "\u{202e}", "\u{ad}", "\u{feff}",
            ]), 0..6),
        ) {
            for s in [any, ascii, edges.concat()] {
                prop_assert_eq!(id(&s), any_id(&s), "{:?}", s);
                prop_assert_eq!(text(&s), any_text(&s), "{:?}", s);
            }
        }
    }
}
