//! Reports people read: a one-page Markdown summary, a spreadsheet (CSV),
//! and SVG charts, each a `String` (the caller writes the files).
//!
//! A [`Report`] holds what was computed: the plan always, and the
//! stability intervals, acceptability and counterfactuals when the caller
//! computed them, and the wave roadmap when given. A later analysis joins
//! as one more `with_` input and one more section or chart; an input that
//! was not given leaves its section out.

mod csv;
mod markdown;
mod svg;
mod table;
mod xml;

use crate::candidate::{Candidate, Portfolio};
use crate::counterfactual::Counterfactual;
use crate::criteria::Criteria;
use crate::criterion::PerCriterion;
use crate::error::Result;
use crate::plan::{Placement, Plan, Role};
use crate::smaa::Acceptability;
use crate::stability::Stability;
use crate::waves::Roadmap;

/// How many followers the charts show after the leaders.
const NEXT: usize = 20;

/// What a report shows: a plan, and the analyses the caller ran.
///
/// ```
/// use spearhead::{Criteria, Portfolio, Report};
///
/// # let sample = include_str!("../../examples/portfolio.toml");
/// let criteria = Criteria::default();
/// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
/// let stability = criteria.stability(&portfolio)?;
/// let report = Report::new(&criteria, &portfolio)?.with_stability(&stability);
/// assert!(report.markdown().contains("## Stability"));
/// assert!(report.csv().starts_with("rank,id,name,unit,sponsor,role,total,"));
/// assert!(report.contribution_chart().starts_with("<svg"));
/// assert!(report.acceptability_chart().is_none()); // not computed
/// # Ok::<(), spearhead::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Report<'a> {
    criteria: &'a Criteria,
    portfolio: &'a Portfolio,
    plan: Plan<'a>,
    stability: Option<&'a PerCriterion<Stability>>,
    acceptability: Option<&'a Acceptability>,
    counterfactuals: Option<&'a [Counterfactual]>,
    roadmap: Option<&'a Roadmap>,
}

/// One SVG chart and the file name it is meant for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Chart {
    /// A file name: `contributions.svg`, `acceptability.svg`,
    /// `stability.svg`, `roadmap.svg`.
    pub name: &'static str,
    /// The SVG document.
    pub svg: String,
}

impl<'a> Report<'a> {
    /// A report of `criteria`'s plan for `portfolio`.
    ///
    /// # Errors
    ///
    /// As [`Criteria::plan`]: a constraint that names a candidate the
    /// portfolio does not hold, or constraints that cannot all hold.
    pub fn new(criteria: &'a Criteria, portfolio: &'a Portfolio) -> Result<Self> {
        Ok(Report {
            criteria,
            portfolio,
            plan: criteria.plan(portfolio)?,
            stability: None,
            acceptability: None,
            counterfactuals: None,
            roadmap: None,
        })
    }

    /// Adds the weight-stability intervals ([`Criteria::stability`] of the
    /// same criteria and portfolio).
    #[must_use]
    pub fn with_stability(mut self, stability: &'a PerCriterion<Stability>) -> Self {
        self.stability = Some(stability);
        self
    }

    /// Adds how often each candidate leads under sampled weights
    /// ([`Criteria::acceptability`] of the same criteria and portfolio).
    #[must_use]
    pub fn with_acceptability(mut self, acceptability: &'a Acceptability) -> Self {
        self.acceptability = Some(acceptability);
        self
    }

    /// Adds the smallest change that flips each candidate's role
    /// ([`Criteria::counterfactuals`] of the same criteria and portfolio).
    #[must_use]
    pub fn with_counterfactuals(mut self, counterfactuals: &'a [Counterfactual]) -> Self {
        self.counterfactuals = Some(counterfactuals);
        self
    }

    /// Adds the pull after the push ([`Criteria::roadmap`] of the same
    /// criteria and portfolio): a roadmap section and a Gantt chart.
    #[must_use]
    pub fn with_roadmap(mut self, roadmap: &'a Roadmap) -> Self {
        self.roadmap = Some(roadmap);
        self
    }

    /// The plan the report shows.
    #[must_use]
    pub fn plan(&self) -> &Plan<'a> {
        &self.plan
    }

    /// The plain-text report a terminal shows: the ranking (rank, total,
    /// role, id, name with unit and sponsor), each leader's breakdown, why
    /// each of the others follows, then the roadmap, the stability
    /// intervals, the acceptability table and the counterfactuals when
    /// given. Columns are fixed-width: an id column grows to the longest id
    /// up to 40 characters, and a longer id is printed whole.
    ///
    /// ```
    /// use spearhead::{Criteria, Portfolio, Report};
    ///
    /// # let sample = include_str!("../../examples/portfolio.toml");
    /// let criteria = Criteria::default();
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let table = Report::new(&criteria, &portfolio)?.table();
    /// assert!(table.starts_with("rank  total  role  id"));
    /// assert!(table.contains("\nPush: 3 demonstration project(s) lead\n"));
    /// assert!(!table.contains("Roadmap")); // no roadmap given
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    #[must_use]
    pub fn table(&self) -> String {
        table::report(self)
    }

    /// Writes [`Report::table`]'s text to `out` as it is made, a piece of
    /// 64 KiB at a time, rather than as one `String`: the same bytes, with
    /// memory that does not grow with the portfolio (at a million
    /// candidates the table is about 260 MB). The first error `out` gives
    /// ends the writing and is returned, so a closed pipe stops the work
    /// at once. `out` is not flushed; wrap an unbuffered writer in a
    /// [`BufWriter`](std::io::BufWriter) only if it needs one, since the
    /// pieces are already large.
    ///
    /// ```
    /// use spearhead::{Criteria, Portfolio, Report};
    ///
    /// # let sample = include_str!("../../examples/portfolio.toml");
    /// let criteria = Criteria::default();
    /// let portfolio: Portfolio = sample.parse()?; // examples/portfolio.toml
    /// let report = Report::new(&criteria, &portfolio)?;
    /// let mut written = Vec::new();
    /// report.write_table(&mut written)?;
    /// assert_eq!(written, report.table().into_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first error `out` gives.
    pub fn write_table(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        table::write(self, out)
    }

    /// A one-page Markdown summary: the leaders with their margins and
    /// breakdowns, why each of the others does not lead, the analyses
    /// given, and a footer with the crate version, a hash of the criteria
    /// and the seed. The hash is FNV-1a 64 of the criteria printed back as
    /// a criteria file (every key given), so the same criteria written
    /// another way hash the same; it tells settings apart and is no
    /// defence against forgery. Every user string is escaped, so no id or
    /// name can break a table or inject markup.
    #[must_use]
    pub fn markdown(&self) -> String {
        markdown::report(self)
    }

    /// A spreadsheet: a header row, then one row per candidate, best first,
    /// with its rank, id, name, unit, sponsor, role, total, its seven
    /// scores, its seven weighted contributions (`weight * score / sum of
    /// weights`, which add up to the total) and why it does not lead.
    ///
    /// Quoting follows RFC 4180 (the csv crate). A text cell that starts
    /// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in
    /// front, so a spreadsheet shows it rather than runs it as a formula;
    /// numbers are written as the shortest text that reads back to the same
    /// `f64`.
    #[must_use]
    pub fn csv(&self) -> String {
        csv::report(self)
    }

    /// Stacked bars of each criterion's weighted contribution to the
    /// total, for the leaders and the next 20 candidates, best first.
    #[must_use]
    pub fn contribution_chart(&self) -> String {
        svg::contributions(self)
    }

    /// Bars of the share of sampled weight vectors under which each
    /// candidate leads, most often first; `None` without acceptability.
    #[must_use]
    pub fn acceptability_chart(&self) -> Option<String> {
        self.acceptability.map(|a| svg::acceptability(self, a))
    }

    /// A tornado of each weight's stability interval around its current
    /// value, the narrowest first; `None` without stability intervals.
    #[must_use]
    pub fn stability_chart(&self) -> Option<String> {
        self.stability.map(svg::stability)
    }

    /// The roadmap as a Gantt chart: a bar from each project's start to its
    /// end, coloured by wave, the leaders (wave 0) first; `None` without a
    /// roadmap.
    #[must_use]
    pub fn roadmap_chart(&self) -> Option<String> {
        self.roadmap.map(svg::roadmap)
    }

    /// Every chart the report's inputs allow, each with its file name.
    #[must_use]
    pub fn charts(&self) -> Vec<Chart> {
        let mut charts = vec![Chart {
            name: "contributions.svg",
            svg: self.contribution_chart(),
        }];
        if let Some(svg) = self.acceptability_chart() {
            charts.push(Chart {
                name: "acceptability.svg",
                svg,
            });
        }
        if let Some(svg) = self.stability_chart() {
            charts.push(Chart {
                name: "stability.svg",
                svg,
            });
        }
        if let Some(svg) = self.roadmap_chart() {
            charts.push(Chart {
                name: "roadmap.svg",
                svg,
            });
        }
        charts
    }

    /// The candidate with id `id`.
    fn candidate(&self, id: &str) -> Option<&'a Candidate> {
        self.portfolio.get(id)
    }

    /// The leaders and the next [`NEXT`] followers, in rank order.
    fn shown(&self) -> impl Iterator<Item = &Placement<'a>> {
        let mut followers = 0;
        self.plan.ranking.iter().filter(move |p| match p.role {
            Role::Lead => true,
            Role::Pull => {
                followers += 1;
                followers <= NEXT
            }
        })
    }

    /// `weight * score / sum of weights` for each criterion: the parts of
    /// the total.
    fn contributions(&self, placement: &Placement) -> [f64; 7] {
        let sum = self.criteria.weight_sum;
        let mut parts = [0.0; 7];
        for (part, (criterion, score)) in parts.iter_mut().zip(placement.scores.iter()) {
            *part = self.criteria.weight(criterion) * score / sum;
        }
        parts
    }
}
