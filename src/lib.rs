//! Choose the few projects that lead the deployment of a change-management
//! methodology, and say how the rest follow.
//!
//! Change leaders who deploy AIM (the Accelerating Implementation
//! Methodology) do not train everyone at once: they *push* first, through a
//! few demonstration projects, and the *pull* follows when other teams see
//! the results. `spearhead` scores candidate projects against the seven AIM
//! demonstration-project criteria, ranks them, and plans the push.
//!
//! A demonstration project should:
//!
//! 1. last 12-18 months ([`Criterion::Duration`]);
//! 2. be highly visible ([`Criterion::Visibility`]);
//! 3. be tangible: technology or business-process redesign, not cultural
//!    ([`Criterion::Tangibility`]);
//! 4. be past Diagnosis and into Design, not remedial work
//!    ([`Criterion::Phase`]);
//! 5. return directly to the bottom line ([`Criterion::BottomLine`]);
//! 6. have an experienced, credible team lead ([`Criterion::Lead`]);
//! 7. have potential for strong, motivated sponsorship at Managing Director
//!    level or below ([`Criterion::Sponsorship`]).
//!
//! # Example
//!
//! ```
//! use spearhead::{Criteria, Portfolio, Role};
//!
//! let portfolio: Portfolio = r#"
//!     [[candidate]]
//!     id = "crm-rollout"
//!     name = "CRM rollout"
//!     duration_months = 15
//!     visibility = "high"
//!     change = "technology"
//!     phase = "design"
//!     bottom_line = "direct"
//!     lead = "credible"
//!     sponsor_level = "managing_director"
//!     sponsor_motivation = "strong"
//!
//!     [[candidate]]
//!     id = "values-workshop"
//!     duration_months = 6
//!     visibility = "moderate"
//!     change = "cultural"
//!     phase = "diagnosis"
//!     bottom_line = "none"
//!     lead = "unproven"
//!     sponsor_level = "executive"
//!     sponsor_motivation = "weak"
//! "#
//! .parse()?;
//!
//! // The shipped AIM criteria; `Criteria::from_toml` reads your overrides.
//! let criteria = Criteria::default();
//! let plan = criteria.plan(&portfolio)?;
//!
//! assert_eq!(plan.leaders, ["crm-rollout"]);
//! let follower = &plan.ranking[1];
//! assert_eq!(follower.role, Role::Pull);
//! assert_eq!(
//!     follower.reasons[0].to_string(),
//!     "total 0.169 is below the min_score of 0.6"
//! );
//!
//! // Why a score is what it is, criterion by criterion.
//! let crm = portfolio.get("crm-rollout").unwrap();
//! let lines = criteria.breakdown(&crm.evidence);
//! assert_eq!(lines[0].explanation, "15 months is within the 12-18-month window");
//! # Ok::<(), spearhead::Error>(())
//! ```
//!
//! # How sure is the choice?
//!
//! [`Criteria::stability`] gives, for each criterion's weight, the exact
//! range over which the same candidates lead, and who enters and leaves at
//! each end. [`Criteria::acceptability`] draws weight vectors at random
//! (SMAA, as the criteria file's `[robustness]` section says) and counts how
//! often each candidate leads and ranks where. [`Criteria::counterfactuals`]
//! names, for each candidate, the one change of evidence that would flip its
//! role.
//!
//! # How the rest follow
//!
//! [`Criteria::roadmap`] plans the pull after the push: each leader trains
//! its sponsor, agents and champions, who coach the followers they reach
//! once it ends, at most the `[waves]` section's `coach_load` at a time.
//! Each month's wave is the best set the free coaches can cover, in
//! priority order (asked, then local initiatives, then rank), chosen
//! exactly; the [`Roadmap`] names each follower's wave, months and coach,
//! and says why a follower is never reached.
//!
//! # Spreadsheets and reports
//!
//! [`Portfolio::from_csv`] reads a portfolio from a spreadsheet's CSV,
//! checked as the TOML file is. A [`Report`] turns a plan and the analyses
//! run on it into what people read: a one-page Markdown summary, a CSV row
//! per candidate, and SVG charts, each a `String`.
//!
//! # Invariants
//!
//! No I/O: the library reads and writes strings, the caller owns files.
//! Scoring is pure. The same input gives the same output, byte for byte,
//! whatever the order of the candidates.

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

// The layers, bottom up; a module imports only from the layers below it
// (the README's codemap has a line per module):
// - data: error, criterion, check, candidate, robustness, constraints,
//   criteria, limits, and smaa::sampling, which reading asks whether an
//   order can hold;
// - reading: read;
// - deciding: score, constrain (leaders under constraints), select (the one
//   leader rule), rank, plan;
// - analysing: stability, smaa, counterfactual, waves (the pull after the
//   push);
// - output: print, report, json.
mod candidate;
mod check;
mod constrain;
mod constraints;
mod counterfactual;
mod criteria;
mod criterion;
mod envelope;
mod error;
mod exact;
mod invisible;
mod json;
mod limits;
mod plan;
mod prescan;
mod print;
mod rank;
mod read;
mod report;
mod robustness;
mod score;
mod select;
mod smaa;
mod stability;
mod waves;

pub use crate::candidate::{Candidate, Evidence, EvidenceBuilder, Field, Months, Portfolio};
pub use crate::counterfactual::{Counterfactual, Edit, Flip, Tie, Value};
pub use crate::criteria::{Criteria, SHIPPED_CRITERIA, Waves};
pub use crate::criterion::{
    BottomLine, Change, Criterion, Lead, Motivation, PerCriterion, Phase, Sampling, Scores,
    SponsorLevel, Visibility, Weights,
};
pub use crate::error::{At, CandidateRef, Cell, Constraint, Error, Location, Part, Result};
pub use crate::json::JsonWriter;
pub use crate::limits::Limits;
pub use crate::plan::{Holder, Keeper, Placement, Plan, Reason, Role};
pub use crate::rank::Ranked;
pub use crate::report::{Chart, Report};
pub use crate::robustness::{Ranks, Robustness, WeightOrder};
pub use crate::score::{Assessment, Line};
pub use crate::smaa::{Acceptability, Acceptance, Progress};
pub use crate::stability::{Shift, Stability};
pub use crate::waves::{Coaching, KeyRole, Link, Roadmap, Stage, Unreachable, Unreached};
