//! The one small XML writer the charts use: elements, attributes and text,
//! with every string escaped and every number printed to a fixed precision,
//! so that the same chart comes out as the same bytes.

use std::fmt::Write as _;

/// An SVG document being written.
pub(super) struct Svg {
    out: String,
    open: Vec<&'static str>,
}

/// An attribute value: text (escaped) or a number (fixed precision).
pub(super) enum Value<'a> {
    Text(&'a str),
    Number(f64),
}

impl From<&'static str> for Value<'_> {
    fn from(text: &'static str) -> Self {
        Value::Text(text)
    }
}

impl From<f64> for Value<'_> {
    fn from(x: f64) -> Self {
        Value::Number(x)
    }
}

/// `(name, value)` pairs, written in the order given.
pub(super) type Attrs<'a> = &'a [(&'static str, Value<'a>)];

impl Svg {
    /// An `<svg>` element of `width` by `height` user units, with a white
    /// background and the default font.
    pub(super) fn new(width: f64, height: f64, title: &str) -> Self {
        let mut svg = Svg {
            out: String::new(),
            open: Vec::new(),
        };
        svg.open(
            "svg",
            &[
                ("xmlns", "http://www.w3.org/2000/svg".into()),
                ("width", width.into()),
                ("height", height.into()),
                (
                    "viewBox",
                    Value::Text(&format!("0 0 {width:.1} {height:.1}")),
                ),
                ("font-family", "DejaVu Sans, Verdana, sans-serif".into()),
                ("font-size", 12.0.into()),
            ],
        );
        svg.element("title", &[], title);
        svg.empty(
            "rect",
            &[
                ("width", width.into()),
                ("height", height.into()),
                ("fill", "#ffffff".into()),
            ],
        );
        svg
    }

    fn start(&mut self, name: &'static str, attrs: Attrs<'_>) {
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
    }

    fn attrs(&mut self, attrs: Attrs<'_>) {
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            match value {
                Value::Text(text) => escape_into(&mut self.out, text),
                Value::Number(x) => number_into(&mut self.out, *x),
            }
            self.out.push('"');
        }
    }

    /// `<name attrs>`, closed by [`Svg::close`].
    pub(super) fn open(&mut self, name: &'static str, attrs: Attrs<'_>) {
        self.start(name, attrs);
        self.out.push_str(">\n");
        self.open.push(name);
    }

    /// Closes the innermost open element.
    pub(super) fn close(&mut self) {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
    }

    /// `<name attrs/>`.
    pub(super) fn empty(&mut self, name: &'static str, attrs: Attrs<'_>) {
        self.start(name, attrs);
        self.out.push_str("/>\n");
    }

    /// `<name attrs>text</name>`, the text escaped.
    pub(super) fn element(&mut self, name: &'static str, attrs: Attrs<'_>, text: &str) {
        self.start(name, attrs);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<text>` at `(x, y)`, anchored `anchor`, with `extra` attributes.
    pub(super) fn text(
        &mut self,
        x: f64,
        y: f64,
        anchor: &'static str,
        extra: Attrs<'_>,
        text: &str,
    ) {
        self.start(
            "text",
            &[
                ("x", x.into()),
                ("y", y.into()),
                ("text-anchor", anchor.into()),
            ],
        );
        self.attrs(extra);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</text>\n");
    }

    /// The document, every open element closed.
    pub(super) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        self.out
    }
}

/// `x` to one decimal, the same text on every platform; `-0.0` is `0.0`.
fn number_into(out: &mut String, x: f64) {
    let x = if x == 0.0 || !x.is_finite() { 0.0 } else { x };
    let _ = write!(out, "{x:.1}");
}

/// Whether `c` reorders or hides text: the bidi controls and marks and the
/// zero-width characters. A label must show what it says, in its order.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// `text` as XML character data or an attribute value: `&`, `<`, `>`, `"`
/// and `'` as entities; control characters, which XML 1.0 forbids or
/// which would break a line, as `U+FFFD`; bidi controls and zero-width
/// characters dropped; the noncharacters `U+FFFE` and `U+FFFF`, which XML
/// forbids, as `U+FFFD`.
pub(super) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c if invisible(c) => {}
            c => out.push(c),
        }
    }
}

/// How wide `text` is, in widths of an average Latin letter: wide East
/// Asian and emoji characters count 2. An estimate on the safe side for
/// the chart's fonts.
fn width(c: char) -> usize {
    if matches!(c, '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}' | '\u{1F300}'..='\u{1FAFF}' | '\u{20000}'..='\u{3FFFD}')
    {
        2
    } else {
        1
    }
}

/// `text` cut to at most `max` letter widths, ending in `…` when cut.
pub(super) fn truncate(text: &str, max: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    let shown: Vec<char> = text.chars().filter(|&c| !invisible(c)).collect();
    let total: usize = shown.iter().map(|&c| width(c)).sum();
    if total <= max {
        return shown.into_iter().collect();
    }
    for c in shown {
        let w = width(c);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        escape_into(&mut out, text);
        out
    }

    #[test]
    fn markup_controls_and_bidi_do_not_survive() {
        assert_eq!(
            escaped("</svg><script>a & 'b' \"c\""),
            "&lt;/svg&gt;&lt;script&gt;a &amp; &apos;b&apos; &quot;c&quot;"
        );
        assert_eq!(escaped("a\u{202E}b\u{200F}c\u{2067}d"), "abcd");
        assert_eq!(escaped("a\nb\u{0}c\u{FFFF}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
    }

    #[test]
    fn long_labels_end_in_an_ellipsis_within_the_width() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly-10", 10), "exactly-10");
        assert_eq!(truncate("eleven-long", 10), "eleven-lo…");
        assert_eq!(truncate("漢字漢字漢字", 7), "漢字漢…");
        assert_eq!(truncate(&"x".repeat(10_000), 5).chars().count(), 5);
    }

    #[test]
    fn numbers_have_one_decimal_and_no_negative_zero() {
        let mut out = String::new();
        for x in [1.0, -0.0, 2.25, f64::NAN, 1e6] {
            number_into(&mut out, x);
            out.push(' ');
        }
        assert_eq!(out, "1.0 0.0 2.2 0.0 1000000.0 ");
    }
}
