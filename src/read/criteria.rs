//! The criteria file: the shipped default, overrides, validation.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::num::{NonZeroU32, NonZeroUsize};
use std::ops::Range;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Named, Table};
use crate::check;
use crate::check::MAX_MONTH_PLACES;
use crate::constraints::{Constraints, Given, MAX_PAIRS, TagGroup};
use crate::criteria::{Criteria, SHIPPED_CRITERIA, weight_sum};
use crate::criterion::{
    BottomLine, Change, Criterion, Lead, Level, Motivation, Phase, Sampling, SponsorLevel,
    Visibility,
};
use crate::error::{At, Error, Location, Part, Result};
use crate::exact::{Decimal, Exact, Inputs, TooPrecise};
use crate::limits::Limits;
use crate::robustness::{
    MAX_SAMPLES, Ranks, RanksValue, Robustness, WeightOrder, not_ranks, parse_order, parse_ranks,
};
use crate::smaa::sampling::Sampler;

static SHIPPED: LazyLock<Criteria> = LazyLock::new(|| {
    let shipped = Criteria::BLANK.apply(SHIPPED_CRITERIA.as_bytes(), &Limits::default());
    #[expect(
        clippy::expect_used,
        reason = "criteria.toml is compiled in and the tests read it"
    )]
    shipped.expect("the shipped criteria.toml is valid")
});

impl Default for Criteria {
    /// The shipped AIM criteria, [`SHIPPED_CRITERIA`].
    fn default() -> Self {
        SHIPPED.clone()
    }
}

impl Criteria {
    /// Reads a criteria file. The keys it gives override the shipped
    /// default; every other key keeps its shipped value.
    ///
    /// # Errors
    ///
    /// [`Error::Toml`] for text that is not TOML of the criteria file's
    /// shape (unknown sections, keys or levels, wrong types);
    /// [`Error::Invalid`] for a value out of range: a weight that is not 0
    /// or in [`Criteria::MIN_WEIGHT`] to [`Criteria::MAX_WEIGHT`] (NaN,
    /// infinite, negative, 1e308, 5e-324), weights all 0, a score or minimum outside
    /// `[0, 1]`, a reversed or misplaced duration window, `leaders` below 1,
    /// in `[robustness]`: `samples` outside 1 to 10 000 000, a negative
    /// `seed`, `spread` outside `[0, 1]`, a malformed `order` constraint, or
    /// an order that sampling `"around"` the weights cannot obey; and in
    /// `[waves]`: a `coach_load`, `max_size` or `max_waves` below 1. Each
    /// names the key and its line and column.
    pub fn from_toml(text: &str) -> Result<Self> {
        Criteria::read_with(text.as_bytes(), &Limits::default())
    }

    /// Reads a criteria file from bytes, which must be UTF-8.
    ///
    /// # Errors
    ///
    /// As [`Limits::read_criteria`] with the default limits.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        Criteria::read_with(bytes, &Limits::default())
    }

    /// Reads a criteria file within `limits`.
    pub(crate) fn read_with(bytes: &[u8], limits: &Limits) -> Result<Self> {
        SHIPPED.apply(bytes, limits)
    }

    /// These criteria with `leaders` leaders.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `leaders` is 0, or more than `i64::MAX`
    /// (what a criteria file can say).
    pub fn with_leaders(mut self, leaders: usize) -> Result<Self> {
        if leaders == 0 {
            return Err(invalid_key(
                "selection.leaders",
                "must be at least 1, not 0".to_owned(),
            ));
        }
        // A file says it as a TOML integer, which stops at i64::MAX.
        if i64::try_from(leaders).is_err() {
            return Err(invalid_key(
                "selection.leaders",
                format!("must be at most {}, not {leaders}", i64::MAX),
            ));
        }
        self.leaders = leaders;
        Ok(self)
    }

    /// These criteria with `criterion` weighted `weight`.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `weight` is not 0 or in
    /// [`Criteria::MIN_WEIGHT`] to [`Criteria::MAX_WEIGHT`], when it would
    /// make every weight 0, or when `[robustness]` samples
    /// `"around"` the weights and its `order` could no longer hold.
    pub fn with_weight(mut self, criterion: Criterion, weight: f64) -> Result<Self> {
        let key = format!("{criterion}.weight");
        check::weight(weight).map_err(|message| invalid_key(&key, message))?;
        // -0.0 is 0, and prints so.
        self.weights[criterion] = weight + 0.0;
        self.weight_sum = weight_sum(&self.weights).ok_or_else(all_zero)?;
        self.exact = self
            .build_exact()
            .map_err(|too| invalid_key(&key, too_precise_message(too, weight)))?;
        self.check_sampler()
            .map_err(|message| invalid_key(&key, message))?;
        Ok(self)
    }

    /// These criteria with `min_score`, the total a leader needs
    /// (`selection.min_score`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `min_score` is outside `[0, 1]` or NaN.
    pub fn with_min_score(self, min_score: f64) -> Result<Self> {
        self.with_key(&["selection", "min_score"], min_score.into())
    }

    /// These criteria with `min` as `criterion`'s minimum score
    /// (`[criterion] min`): a candidate below it may not lead. A min of 0
    /// lets every score through.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `min` is outside `[0, 1]` or NaN.
    pub fn with_min(self, criterion: Criterion, min: f64) -> Result<Self> {
        self.with_key(&[criterion.as_str(), "min"], min.into())
    }

    /// These criteria with the duration window of full marks, in months
    /// (`duration.full`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a NaN, infinite or negative end, a reversed
    /// window, or one that does not lie inside the zero window.
    pub fn with_full_window(self, low: f64, high: f64) -> Result<Self> {
        self.with_key(&["duration", "full"], toml::Value::from(vec![low, high]))
    }

    /// These criteria with the duration window outside which a project
    /// scores 0, in months (`duration.zero`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a NaN, infinite or negative end, a reversed
    /// window, or one that does not hold the full-marks window.
    pub fn with_zero_window(self, low: f64, high: f64) -> Result<Self> {
        self.with_key(&["duration", "zero"], toml::Value::from(vec![low, high]))
    }

    /// These criteria with `cap` as the most a remedial project scores on
    /// its phase (`phase.remedial`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `cap` is outside `[0, 1]` or NaN.
    pub fn with_remedial_cap(self, cap: f64) -> Result<Self> {
        self.with_key(&["phase", "remedial"], cap.into())
    }

    /// These criteria with `score` for a `level` of visibility
    /// (`visibility.scores`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `score` is outside `[0, 1]` or NaN.
    pub fn with_visibility_score(self, level: Visibility, score: f64) -> Result<Self> {
        self.with_key(&["visibility", "scores", level.as_str()], score.into())
    }

    /// These criteria with `score` for a kind of `change`
    /// (`tangibility.scores`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `score` is outside `[0, 1]` or NaN.
    pub fn with_change_score(self, change: Change, score: f64) -> Result<Self> {
        self.with_key(&["tangibility", "scores", change.as_str()], score.into())
    }

    /// These criteria with `score` for a `phase` (`phase.scores`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `score` is outside `[0, 1]` or NaN.
    pub fn with_phase_score(self, phase: Phase, score: f64) -> Result<Self> {
        self.with_key(&["phase", "scores", phase.as_str()], score.into())
    }

    /// These criteria with `score` for a return to the bottom line
    /// (`bottom_line.scores`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `score` is outside `[0, 1]` or NaN.
    pub fn with_bottom_line_score(self, level: BottomLine, score: f64) -> Result<Self> {
        self.with_key(&["bottom_line", "scores", level.as_str()], score.into())
    }

    /// These criteria with `score` for a team `lead` (`lead.scores`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `score` is outside `[0, 1]` or NaN.
    pub fn with_lead_score(self, lead: Lead, score: f64) -> Result<Self> {
        self.with_key(&["lead", "scores", lead.as_str()], score.into())
    }

    /// These criteria with `score` for a sponsor's `motivation`
    /// (`sponsorship.motivation`); the sponsorship score is motivation times
    /// level.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `score` is outside `[0, 1]` or NaN.
    pub fn with_motivation_score(self, motivation: Motivation, score: f64) -> Result<Self> {
        self.with_key(
            &["sponsorship", "motivation", motivation.as_str()],
            score.into(),
        )
    }

    /// These criteria with `score` for a sponsor's `level`
    /// (`sponsorship.level`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `score` is outside `[0, 1]` or NaN.
    pub fn with_sponsor_level_score(self, level: SponsorLevel, score: f64) -> Result<Self> {
        self.with_key(&["sponsorship", "level", level.as_str()], score.into())
    }

    /// These criteria drawing `samples` weight vectors in
    /// [`Criteria::acceptability`] (`robustness.samples`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `samples` is outside 1 to 10 000 000.
    pub fn with_samples(self, samples: u64) -> Result<Self> {
        let value = i64::try_from(samples).map_err(|_| {
            invalid_key(
                "robustness.samples",
                format!("must be in 1 to {MAX_SAMPLES}, not {samples}"),
            )
        })?;
        self.with_key(&["robustness", "samples"], value.into())
    }

    /// These criteria drawing weight vectors from `seed`
    /// (`robustness.seed`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `seed` is more than `i64::MAX`, the largest
    /// integer a criteria file holds.
    pub fn with_seed(self, seed: u64) -> Result<Self> {
        let value = file_integer("robustness.seed", seed)?;
        self.with_key(&["robustness", "seed"], value.into())
    }

    /// These criteria drawing weight vectors as `sampling` says
    /// (`robustness.weights`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when sampling `"around"` the weights cannot obey
    /// `[robustness]`'s order.
    pub fn with_sampling(self, sampling: Sampling) -> Result<Self> {
        self.with_key(&["robustness", "weights"], sampling.as_str().into())
    }

    /// These criteria drawing each weight within `spread` of itself when
    /// sampling `"around"` the weights (`robustness.spread`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `spread` is outside `[0, 1]` or NaN, or when
    /// the draws could no longer obey `[robustness]`'s order.
    pub fn with_spread(self, spread: f64) -> Result<Self> {
        self.with_key(&["robustness", "spread"], spread.into())
    }

    /// These criteria counting `ranks` leading ranks for each candidate in
    /// [`Criteria::acceptability`] (`robustness.ranks`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `ranks` is [`Ranks::First`] of a number
    /// outside 1 to 100.
    pub fn with_ranks(self, ranks: Ranks) -> Result<Self> {
        let value = match ranks {
            Ranks::First(k) => i64::try_from(k)
                .map_err(|_| invalid_key("robustness.ranks", not_ranks(k)))?
                .into(),
            Ranks::All => "all".into(),
        };
        self.with_key(&["robustness", "ranks"], value)
    }

    /// These criteria with `order`, the constraints every drawn weight
    /// vector obeys (`robustness.order`), in place of the ones they had.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when sampling `"around"` the weights cannot obey
    /// the order.
    pub fn with_order(self, order: impl IntoIterator<Item = WeightOrder>) -> Result<Self> {
        let order: Vec<String> = order.into_iter().map(|o| o.to_string()).collect();
        self.with_key(&["robustness", "order"], toml::Value::from(order))
    }

    /// These criteria with at most `n` leaders from one business unit
    /// (`constraints.per_unit`).
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_per_unit(1)?;
    /// assert_eq!(criteria, "[constraints]\nper_unit = 1".parse()?);
    /// assert_eq!(
    ///     Criteria::default().with_per_unit(0).unwrap_err().to_string(),
    ///     "criteria, key constraints.per_unit: must be a whole number from 1 to 4294967295, not 0"
    /// );
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `n` is 0.
    pub fn with_per_unit(self, n: u32) -> Result<Self> {
        self.with_key(&["constraints", "per_unit"], i64::from(n).into())
    }

    /// These criteria with at most `n` leaders under one sponsor
    /// (`constraints.per_sponsor`).
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_per_sponsor(2)?;
    /// assert_eq!(criteria, "[constraints]\nper_sponsor = 2".parse()?);
    /// assert!(Criteria::default().with_per_sponsor(0).is_err());
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `n` is 0.
    pub fn with_per_sponsor(self, n: u32) -> Result<Self> {
        self.with_key(&["constraints", "per_sponsor"], i64::from(n).into())
    }

    /// These criteria training at most `people` in the push, counted by
    /// the leaders' `trainees` (`constraints.training_capacity`).
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_training_capacity(40)?;
    /// assert_eq!(criteria, "[constraints]\ntraining_capacity = 40".parse()?);
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `people` is more than `i64::MAX`, the
    /// largest integer a criteria file holds.
    pub fn with_training_capacity(self, people: u64) -> Result<Self> {
        let value = file_integer("constraints.training_capacity", people)?;
        self.with_key(&["constraints", "training_capacity"], value.into())
    }

    /// These criteria with the candidates `ids` leading whatever their
    /// scores (`constraints.must_lead`), in place of the ones they had.
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_must_lead(["crm-rollout"])?;
    /// assert_eq!(criteria, r#"constraints.must_lead = ["crm-rollout"]"#.parse()?);
    /// assert_eq!(
    ///     Criteria::default().with_must_lead(["a", "a"]).unwrap_err().to_string(),
    ///     r#"criteria, key constraints.must_lead: "a" is listed twice"#
    /// );
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for an id a portfolio would refuse (empty, not
    /// in Unicode NFC, with control or invisible characters), or an id
    /// listed twice. The file's message for a repeat says where the first
    /// was; a setter's has no place to say.
    pub fn with_must_lead<S: Into<String>>(self, ids: impl IntoIterator<Item = S>) -> Result<Self> {
        self.with_key(&["constraints", "must_lead"], id_list(ids))
    }

    /// These criteria with the candidates `ids` never leading
    /// (`constraints.must_not_lead`), in place of the ones they had.
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_must_not_lead(["erp-upgrade"])?;
    /// assert_eq!(criteria, r#"constraints.must_not_lead = ["erp-upgrade"]"#.parse()?);
    /// assert!(Criteria::default().with_must_not_lead([""]).is_err());
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Criteria::with_must_lead`].
    pub fn with_must_not_lead<S: Into<String>>(
        self,
        ids: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        self.with_key(&["constraints", "must_not_lead"], id_list(ids))
    }

    /// These criteria with `pairs` of candidates that may not both lead
    /// (`constraints.exclusive`), in place of the ones they had.
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_exclusive([["crm-rollout", "erp-upgrade"]])?;
    /// assert_eq!(
    ///     criteria,
    ///     r#"constraints.exclusive = [["crm-rollout", "erp-upgrade"]]"#.parse()?
    /// );
    /// assert_eq!(
    ///     Criteria::default().with_exclusive([["a", "a"]]).unwrap_err().to_string(),
    ///     r#"criteria, key constraints.exclusive: pairs "a" with itself"#
    /// );
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for more than 64 pairs, an id a portfolio would
    /// refuse, or a candidate paired with itself.
    pub fn with_exclusive<S: Into<String>>(
        self,
        pairs: impl IntoIterator<Item = [S; 2]>,
    ) -> Result<Self> {
        let pairs: Vec<toml::Value> = pairs.into_iter().map(id_list).collect();
        self.with_key(&["constraints", "exclusive"], pairs.into())
    }

    /// These criteria with `groups`, each `(tag, min, max)`: from `min`
    /// up to `max` (no limit when `None`) leaders carry the tag
    /// (`[[constraints.group]]`), in place of the groups they had.
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_groups([("grass-roots", 1, Some(2))])?;
    /// let file = "[[constraints.group]]\ntag = \"grass-roots\"\nmin = 1\nmax = 2";
    /// assert_eq!(criteria, file.parse()?);
    /// assert_eq!(
    ///     Criteria::default().with_groups([("pilot", 2, Some(1))]).unwrap_err().to_string(),
    ///     "criteria, key constraints.group.max: 1 is below the group's min of 2"
    /// );
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for more than 64 groups, a tag that is empty or
    /// holds control or bidi characters, or a `max` below its `min`.
    pub fn with_groups<S: Into<String>>(
        self,
        groups: impl IntoIterator<Item = (S, u32, Option<u32>)>,
    ) -> Result<Self> {
        let groups: Vec<toml::Value> = groups
            .into_iter()
            .map(|(tag, min, max)| {
                let mut table = toml::Table::new();
                table.insert("tag".to_owned(), tag.into().into());
                table.insert("min".to_owned(), i64::from(min).into());
                if let Some(max) = max {
                    table.insert("max".to_owned(), i64::from(max).into());
                }
                toml::Value::Table(table)
            })
            .collect();
        self.with_key(&["constraints", "group"], groups.into())
    }

    /// These criteria with no `[constraints]`: the leaders are the first
    /// eligible in rank order.
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let constrained = Criteria::default().with_per_unit(1)?;
    /// assert_eq!(constrained.without_constraints(), Criteria::default());
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    #[must_use]
    pub fn without_constraints(mut self) -> Self {
        let leaders_at = self.constraints.leaders_at.clone();
        self.constraints = Constraints {
            leaders_at,
            ..Constraints::BLANK
        };
        self
    }

    /// These criteria with each trained person coaching at most `load`
    /// projects at once (`waves.coach_load`).
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_coach_load(1)?;
    /// assert_eq!(criteria, "[waves]\ncoach_load = 1".parse()?);
    /// assert_eq!(criteria.waves().coach_load().get(), 1);
    /// assert_eq!(
    ///     Criteria::default().with_coach_load(0).unwrap_err().to_string(),
    ///     "criteria, key waves.coach_load: must be in 1 to 4294967295, not 0"
    /// );
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `load` is 0.
    pub fn with_coach_load(self, load: u32) -> Result<Self> {
        self.with_key(&["waves", "coach_load"], i64::from(load).into())
    }

    /// These criteria with at most `n` followers starting in the same
    /// month (`waves.max_size`).
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_max_size(3)?;
    /// assert_eq!(criteria, "[waves]\nmax_size = 3".parse()?);
    /// assert_eq!(
    ///     Criteria::default().with_max_size(0).unwrap_err().to_string(),
    ///     "criteria, key waves.max_size: must be at least 1, not 0"
    /// );
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `n` is 0, or more than `i64::MAX`, the
    /// largest integer a criteria file holds.
    pub fn with_max_size(self, n: usize) -> Result<Self> {
        let value = file_integer("waves.max_size", n)?;
        self.with_key(&["waves", "max_size"], value.into())
    }

    /// These criteria planning at most `n` pull waves (`waves.max_waves`).
    ///
    /// ```
    /// use spearhead::Criteria;
    ///
    /// let criteria = Criteria::default().with_max_waves(2)?;
    /// assert_eq!(criteria, "[waves]\nmax_waves = 2".parse()?);
    /// assert!(Criteria::default().with_max_waves(0).is_err());
    /// # Ok::<(), spearhead::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Criteria::with_max_size`].
    pub fn with_max_waves(self, n: usize) -> Result<Self> {
        let value = file_integer("waves.max_waves", n)?;
        self.with_key(&["waves", "max_waves"], value.into())
    }

    /// These criteria with the key at `path` of the criteria file set to
    /// `value`, checked as the file is: the setters above and the file
    /// share one set of rules. The error names the key; the line and column
    /// of the one-key file are left out.
    fn with_key(self, path: &[&str], value: toml::Value) -> Result<Self> {
        let mut value = value;
        for key in path.iter().rev() {
            let mut table = toml::Table::new();
            table.insert((*key).to_owned(), value);
            value = toml::Value::Table(table);
        }
        let text =
            toml::to_string(&value).map_err(|e| invalid_key(&path.join("."), e.to_string()))?;
        self.apply_from(text.as_bytes(), &Limits::default(), Origin::Code)
            .map_err(Error::without_location)
    }

    /// Whether weights can be drawn as `[robustness]` says. Only draws
    /// around the configured weights, under an order, can fail: the others
    /// need no sampler built to know.
    fn check_sampler(&self) -> Result<(), String> {
        if self.robustness.sampling == Sampling::Around && !self.robustness.order.is_empty() {
            Sampler::new(&self.robustness, &self.weights).check()
        } else {
            Ok(())
        }
    }
}

impl<'de> serde::Deserialize<'de> for Criteria {
    /// Criteria in the criteria file's shape, from any serde format, read
    /// as [`Criteria::from_toml`] reads the file: keys not given keep their
    /// shipped value, and every value is checked. Errors name the key;
    /// their line and column, of the file rebuilt in TOML, are left out.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let table = toml::Table::deserialize(deserializer)?;
        let text = toml::to_string(&table).map_err(serde::de::Error::custom)?;
        Criteria::from_toml(&text).map_err(|e| serde::de::Error::custom(e.without_location()))
    }
}

impl FromStr for Criteria {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Criteria::from_toml(text)
    }
}

/// `n` as the TOML integer a criteria file would give for `key`: at most
/// `i64::MAX`.
fn file_integer<N: Copy + std::fmt::Display + TryInto<i64>>(key: &str, n: N) -> Result<i64> {
    n.try_into().map_err(|_| {
        invalid_key(
            key,
            format!(
                "must be at most {}, the largest integer a criteria file holds, not {n}",
                i64::MAX
            ),
        )
    })
}

/// `ids` as a TOML array of strings.
fn id_list<S: Into<String>>(ids: impl IntoIterator<Item = S>) -> toml::Value {
    toml::Value::Array(
        ids.into_iter()
            .map(|id| toml::Value::String(id.into()))
            .collect(),
    )
}

fn invalid_key(key: &str, message: String) -> Error {
    Error::Invalid {
        at: At {
            key: Some(key.to_owned()),
            ..At::part(Part::Criteria)
        },
        message,
    }
}

/// How many digits `x` needs: its significant digits and how far its
/// last digit lies from the units, so that both `1e308` and
/// `0.1234567890123` count as many.
fn digits(x: f64) -> i64 {
    Decimal::of(x.abs()).map_or(0, |d| {
        let significant = i64::try_from(d.digits.to_string().len()).unwrap_or(0);
        significant + i64::from(d.exponent.unsigned_abs())
    })
}

/// Why criteria cannot be computed exactly, in words.
fn too_precise_message(too: TooPrecise, x: f64) -> String {
    let what = match too {
        TooPrecise::Weights => "the weights together need more than 124 bits to add up exactly: \
             give fewer digits, or weights closer in size"
            .to_owned(),
        TooPrecise::Criterion(Criterion::Duration) => {
            "the duration windows are too long or too finely cut to score months exactly \
             (in millionths of a month their ramps must keep a common denominator below 2^51)"
                .to_owned()
        }
        TooPrecise::Criterion(c) => format!(
            "the {c} scores need more decimal places than whole-number arithmetic holds \
             (a common denominator below 2^51): give fewer"
        ),
        TooPrecise::Min(_) | TooPrecise::MinScore => {
            "has too many digits to compare exactly: give fewer".to_owned()
        }
    };
    if x.is_nan() {
        what
    } else {
        format!("{what}, not {x:?}")
    }
}

fn all_zero() -> Error {
    Error::Invalid {
        at: At::part(Part::Criteria),
        message: "every weight is 0: give at least one criterion a weight above 0".to_owned(),
    }
}

impl Criteria {
    /// The numbers of these criteria as whole numbers.
    fn build_exact(&self) -> Result<Exact, TooPrecise> {
        self.exact_with_places(MAX_MONTH_PLACES)
    }

    /// The numbers of these criteria as whole numbers, for months with up
    /// to `places` decimals: the same fractions over a smaller common
    /// denominator when `places` is below [`MAX_MONTH_PLACES`], for which
    /// the criteria were checked, so this never fails where that did not.
    pub(crate) fn exact_with_places(&self, places: u32) -> Result<Exact, TooPrecise> {
        Exact::new(
            &Inputs {
                weights: &self.weights.0,
                full: self.full,
                zero: self.zero,
                visibility: &self.visibility,
                tangibility: &self.tangibility,
                phase: &self.phase,
                remedial: self.remedial,
                bottom_line: &self.bottom_line,
                lead: &self.lead,
                motivation: &self.motivation,
                level: &self.level,
                min_score: self.min_score,
                mins: &self.mins.0,
            },
            places,
        )
    }
}

impl Limits {
    /// Reads a criteria file from `bytes` within these limits.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`](crate::Error::TooLarge),
    /// [`Error::Encoding`](crate::Error::Encoding) for bytes that are not
    /// UTF-8, [`Error::TooDense`](crate::Error::TooDense), and every error
    /// of [`Criteria::from_toml`].
    pub fn read_criteria(&self, bytes: &[u8]) -> Result<Criteria> {
        Criteria::read_with(bytes, self)
    }
}

impl Criteria {
    /// These criteria with the keys of the criteria file `bytes` applied.
    fn apply(&self, bytes: &[u8], limits: &Limits) -> Result<Self> {
        self.apply_from(bytes, limits, Origin::File)
    }

    /// These criteria with the keys of `bytes` applied, which come from
    /// `origin`.
    fn apply_from(&self, bytes: &[u8], limits: &Limits, origin: Origin) -> Result<Self> {
        let (raw, text): (RawCriteria, _) = super::parse(Part::Criteria, bytes, limits)?;
        let mut out = self.clone();
        let file = File {
            text,
            given: RefCell::new(Vec::new()),
            origin,
        };
        if let Some(Table(selection)) = raw.selection {
            file.selection(&mut out, selection)?;
        }
        if let Some(Table(duration)) = raw.duration {
            file.duration(&mut out, &duration)?;
        }
        macro_rules! scale {
            ($section:ident, $criterion:expr) => {
                if let Some(Table(section)) = raw.$section {
                    file.common(&mut out, $criterion, section.weight, section.min)?;
                    file.scores(&mut out.$section, stringify!($section), section.scores)?;
                }
            };
        }
        scale!(visibility, Criterion::Visibility);
        scale!(tangibility, Criterion::Tangibility);
        scale!(bottom_line, Criterion::BottomLine);
        scale!(lead, Criterion::Lead);
        if let Some(Table(phase)) = raw.phase {
            file.phase(&mut out, phase)?;
        }
        if let Some(Table(sponsorship)) = raw.sponsorship {
            file.sponsorship(&mut out, sponsorship)?;
        }
        out.weight_sum = weight_sum(&out.weights).ok_or_else(all_zero)?;
        out.exact = out
            .build_exact()
            .map_err(|too| file.too_precise(too, &out))?;
        file.robustness(&mut out, raw.robustness.map(|Table(r)| r))?;
        if let Some(Table(constraints)) = raw.constraints {
            file.constraints(&mut out.constraints, constraints)?;
        }
        if let Some(Table(waves)) = raw.waves {
            file.waves(&mut out, &waves)?;
        }
        Ok(out)
    }
}

/// Where the keys being applied come from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A criteria file: each value keeps its place, for messages.
    File,
    /// A setter, through a file of one key: its values have no place.
    Code,
}

/// The criteria file being applied, for placing its errors.
struct File<'t> {
    text: &'t str,
    origin: Origin,
    /// Each number the file gave: its key, place and value, so that an
    /// error found once all are read can point at one.
    given: RefCell<Vec<(String, Range<usize>, f64)>>,
}

impl File<'_> {
    /// Applies the `[phase]` section: its weight, min, scores and remedial score.
    fn phase(&self, out: &mut Criteria, phase: RawPhase) -> Result<()> {
        self.common(out, Criterion::Phase, phase.weight, phase.min)?;
        self.scores(&mut out.phase, "phase", phase.scores)?;
        self.set(
            &mut out.remedial,
            "phase.remedial",
            phase.remedial,
            check::unit,
        )
    }

    /// Applies the `[sponsorship]` section: its weight, min and both levels' scores.
    fn sponsorship(&self, out: &mut Criteria, sponsorship: RawSponsorship) -> Result<()> {
        self.common(
            out,
            Criterion::Sponsorship,
            sponsorship.weight,
            sponsorship.min,
        )?;
        self.levels(
            &mut out.motivation,
            "sponsorship.motivation",
            sponsorship.motivation,
        )?;
        self.levels(&mut out.level, "sponsorship.level", sponsorship.level)
    }

    /// Applies the `[selection]` section.
    fn selection(&self, out: &mut Criteria, selection: RawSelection) -> Result<()> {
        if let Some(leaders) = selection.leaders {
            out.constraints.leaders_at.at = self.place(&leaders);
            out.leaders = usize::try_from(*leaders.get_ref())
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| {
                    self.invalid(
                        "selection.leaders",
                        &leaders,
                        format!("must be at least 1, not {}", leaders.get_ref()),
                    )
                })?;
        }
        self.set(
            &mut out.min_score,
            "selection.min_score",
            selection.min_score,
            check::unit,
        )
    }

    /// Applies the `[duration]` section, and checks its windows nest.
    fn duration(&self, out: &mut Criteria, duration: &RawDuration) -> Result<()> {
        self.common(
            out,
            Criterion::Duration,
            duration.weight.clone(),
            duration.min.clone(),
        )?;
        self.window(&mut out.full, "duration.full", duration.full.as_ref())?;
        self.window(&mut out.zero, "duration.zero", duration.zero.as_ref())?;
        let [lo, hi] = out.zero;
        let [a, b] = out.full;
        if lo <= a && b <= hi {
            return Ok(());
        }
        // Point at the key this file gave; `full` when it gave both.
        let (key, span) = match (&duration.full, &duration.zero) {
            (Some(full), _) => ("duration.full", Some(full.span())),
            (None, Some(zero)) => ("duration.zero", Some(zero.span())),
            (None, None) => ("duration.full", None),
        };
        Err(self.invalid_at(
            key,
            span,
            format!(
                "the full-marks window [{a}, {b}] must lie inside the zero window [{lo}, {hi}]"
            ),
        ))
    }

    fn invalid_at(&self, key: &str, span: Option<Range<usize>>, message: String) -> Error {
        let at = match span {
            Some(span) => super::locate(Part::Criteria, self.text, span),
            None => At::part(Part::Criteria),
        };
        Error::Invalid {
            at: At {
                key: Some(key.to_owned()),
                ..at
            },
            message,
        }
    }

    fn invalid<T>(&self, key: &str, value: &Spanned<T>, message: String) -> Error {
        self.invalid_at(key, Some(value.span()), message)
    }

    /// Sets `slot` to the checked `value`, when the file gives one.
    fn set(
        &self,
        slot: &mut f64,
        key: &str,
        value: Option<Spanned<f64>>,
        check: fn(f64) -> Result<(), String>,
    ) -> Result<()> {
        if let Some(value) = value {
            let x = *value.get_ref();
            check(x).map_err(|message| self.invalid(key, &value, message))?;
            // -0.0 is 0, and prints so.
            *slot = x + 0.0;
            self.given
                .borrow_mut()
                .push((key.to_owned(), value.span(), x + 0.0));
        }
        Ok(())
    }

    /// Criteria whose decimals do not fit whole-number arithmetic, placed
    /// at the key this file gave that needs the most digits.
    fn too_precise(&self, too: TooPrecise, out: &Criteria) -> Error {
        let (prefixes, fallback): (Vec<String>, String) = match too {
            TooPrecise::Weights => (
                Criterion::ALL
                    .iter()
                    .map(|c| format!("{c}.weight"))
                    .collect(),
                "weights".to_owned(),
            ),
            TooPrecise::Criterion(Criterion::Duration) => (
                vec!["duration.full".to_owned(), "duration.zero".to_owned()],
                "duration.zero".to_owned(),
            ),
            TooPrecise::Criterion(Criterion::Sponsorship) => (
                vec![
                    "sponsorship.motivation".to_owned(),
                    "sponsorship.level".to_owned(),
                ],
                "sponsorship.level".to_owned(),
            ),
            TooPrecise::Criterion(Criterion::Phase) => (
                vec!["phase.scores".to_owned(), "phase.remedial".to_owned()],
                "phase.scores".to_owned(),
            ),
            TooPrecise::Criterion(c) => (vec![format!("{c}.scores")], format!("{c}.scores")),
            TooPrecise::Min(c) => (vec![format!("{c}.min")], format!("{c}.min")),
            TooPrecise::MinScore => (
                vec!["selection.min_score".to_owned()],
                "selection.min_score".to_owned(),
            ),
        };
        let given = self.given.borrow();
        let culprit = given
            .iter()
            .filter(|(key, ..)| prefixes.iter().any(|p| key.starts_with(p.as_str())))
            .max_by_key(|(.., x)| digits(*x));
        if let Some((key, span, x)) = culprit {
            return self.invalid_at(key, Some(span.clone()), too_precise_message(too, *x));
        }
        let x = match too {
            TooPrecise::MinScore => out.min_score,
            _ => f64::NAN,
        };
        invalid_key(&fallback, too_precise_message(too, x))
    }

    /// The `weight` and `min` every criterion section has.
    fn common(
        &self,
        out: &mut Criteria,
        criterion: Criterion,
        weight: Number,
        min: Number,
    ) -> Result<()> {
        let slot = &mut out.weights[criterion];
        self.set(slot, &format!("{criterion}.weight"), weight, check::weight)?;
        if let Some(min) = min {
            let mut value = 0.0;
            self.set(
                &mut value,
                &format!("{criterion}.min"),
                Some(min),
                check::unit,
            )?;
            out.mins[criterion] = Some(value);
        }
        Ok(())
    }

    fn scores<L: Level>(
        &self,
        slots: &mut L::Scores,
        section: &str,
        scores: Scores<L>,
    ) -> Result<()> {
        self.levels(slots, &format!("{section}.scores"), scores)
    }

    /// Sets the score of each level the file gives.
    fn levels<L: Level>(&self, slots: &mut L::Scores, key: &str, scores: Scores<L>) -> Result<()> {
        for (level, score) in scores.into_iter().flatten() {
            let slot = level.score_mut(slots);
            self.set(slot, &format!("{key}.{level}"), Some(score), check::unit)?;
        }
        Ok(())
    }

    /// Applies the `[robustness]` section, when the file gives one, then
    /// checks the order against the final weights: a file that changes
    /// only weights may make an order impossible.
    fn robustness(&self, out: &mut Criteria, raw: Option<RawRobustness>) -> Result<()> {
        let raw = raw.unwrap_or_default();
        let r = &mut out.robustness;
        self.samples_and_seed(r, &raw)?;
        if let Some(sampling) = &raw.weights {
            r.sampling = *sampling.get_ref();
        }
        if let Some(ranks) = &raw.ranks {
            let value = match ranks.get_ref() {
                RawRanks::Number(n) => RanksValue::Number(*n),
                RawRanks::Word(word) => RanksValue::Word(word),
            };
            r.ranks = parse_ranks(value)
                .map_err(|message| self.invalid("robustness.ranks", ranks, message))?;
        }
        self.set(
            &mut r.spread,
            "robustness.spread",
            raw.spread.clone(),
            check::unit,
        )?;
        if let Some(order) = &raw.order {
            r.order = self.order(order)?;
        }
        out.check_sampler().map_err(|message| {
            let (key, span) = order_key(&raw);
            self.invalid_at(key, span, message)
        })
    }

    /// Applies `robustness.samples` and `robustness.seed`, when given, to `r`.
    fn samples_and_seed(&self, r: &mut Robustness, raw: &RawRobustness) -> Result<()> {
        if let Some(samples) = &raw.samples {
            let n = *samples.get_ref();
            r.samples = u64::try_from(n)
                .ok()
                .filter(|n| (1..=MAX_SAMPLES).contains(n))
                .ok_or_else(|| {
                    self.invalid(
                        "robustness.samples",
                        samples,
                        format!("must be in 1 to {MAX_SAMPLES}, not {n}"),
                    )
                })?;
        }
        if let Some(seed) = &raw.seed {
            let n = *seed.get_ref();
            r.seed = u64::try_from(n).map_err(|_| {
                self.invalid(
                    "robustness.seed",
                    seed,
                    format!("must be at least 0, not {n}"),
                )
            })?;
        }
        Ok(())
    }

    /// The weight orders of `robustness.order`, each parsed.
    fn order(&self, order: &Spanned<Vec<Spanned<String>>>) -> Result<Vec<WeightOrder>> {
        order
            .get_ref()
            .iter()
            .map(|text| {
                parse_order(text.get_ref())
                    .map_err(|message| self.invalid("robustness.order", text, message))
            })
            .collect()
    }

    /// Where `value` is in the file.
    fn location<T>(&self, value: &Spanned<T>) -> Location {
        super::location(self.text, value.span().start)
    }

    /// Where `value` is in the file, as a value keeps it: nowhere when a
    /// setter gave it.
    fn place<T>(&self, value: &Spanned<T>) -> Option<Location> {
        (self.origin == Origin::File).then(|| self.location(value))
    }

    /// `value` as it is given, with its place.
    fn given<T, U>(&self, value: &Spanned<T>, to: U) -> Given<U> {
        Given {
            value: to,
            at: self.place(value),
        }
    }

    /// A whole number from `least` to `u32::MAX`.
    fn count(&self, key: &str, value: &Spanned<i64>, least: u32) -> Result<Given<u32>> {
        let n = *value.get_ref();
        u32::try_from(n)
            .ok()
            .filter(|&n| n >= least)
            .map(|n| self.given(value, n))
            .ok_or_else(|| {
                let message = format!(
                    "must be a whole number from {least} to {}, not {n}",
                    u32::MAX
                );
                self.invalid(key, value, message)
            })
    }

    /// A list of candidate ids, none twice.
    fn ids(&self, key: &str, ids: &[Spanned<String>]) -> Result<Vec<Given<String>>> {
        let mut out: Vec<Given<String>> = Vec::with_capacity(ids.len());
        for id in ids {
            check::id(id.get_ref()).map_err(|message| self.invalid(key, id, message))?;
            if let Some(first) = out.iter().find(|given| given.value == *id.get_ref()) {
                let first = first
                    .at
                    .map(|at| format!(" (first at {at})"))
                    .unwrap_or_default();
                let message = format!("{:?} is listed twice{first}", id.get_ref());
                return Err(self.invalid(key, id, message));
            }
            out.push(self.given(id, id.get_ref().clone()));
        }
        Ok(out)
    }

    /// Applies the `[constraints]` section: each key it gives replaces the
    /// one before.
    fn constraints(&self, out: &mut Constraints, raw: RawConstraints) -> Result<()> {
        if let Some(n) = &raw.per_unit {
            out.per_unit = Some(self.count("constraints.per_unit", n, 1)?);
        }
        if let Some(n) = &raw.per_sponsor {
            out.per_sponsor = Some(self.count("constraints.per_sponsor", n, 1)?);
        }
        if let Some(n) = &raw.training_capacity {
            let key = "constraints.training_capacity";
            let value = u64::try_from(*n.get_ref()).map_err(|_| {
                self.invalid(key, n, format!("must be at least 0, not {}", n.get_ref()))
            })?;
            out.training_capacity = Some(self.given(n, value));
        }
        if let Some(ids) = &raw.must_lead {
            out.must_lead = self.ids("constraints.must_lead", ids)?;
        }
        if let Some(ids) = &raw.must_not_lead {
            out.must_not_lead = self.ids("constraints.must_not_lead", ids)?;
        }
        if let Some(pairs) = &raw.exclusive {
            out.exclusive = self.pairs(pairs)?;
        }
        if let Some(groups) = raw.group {
            out.groups = self.groups(groups)?;
        }
        Ok(())
    }

    /// Applies the `[waves]` section.
    fn waves(&self, out: &mut Criteria, raw: &RawWaves) -> Result<()> {
        let w = &mut out.waves;
        if let Some(load) = &raw.coach_load {
            w.coach_load = u32::try_from(*load.get_ref())
                .ok()
                .and_then(NonZeroU32::new)
                .ok_or_else(|| {
                    self.invalid(
                        "waves.coach_load",
                        load,
                        format!("must be in 1 to {}, not {}", u32::MAX, load.get_ref()),
                    )
                })?;
        }
        for (slot, key, value) in [
            (&mut w.max_size, "waves.max_size", &raw.max_size),
            (&mut w.max_waves, "waves.max_waves", &raw.max_waves),
        ] {
            if let Some(value) = value {
                *slot = Some(
                    usize::try_from(*value.get_ref())
                        .ok()
                        .and_then(NonZeroUsize::new)
                        .ok_or_else(|| {
                            self.invalid(
                                key,
                                value,
                                format!("must be at least 1, not {}", value.get_ref()),
                            )
                        })?,
                );
            }
        }
        Ok(())
    }

    /// The `exclusive` pairs: two different ids each, at most
    /// [`MAX_PAIRS`] pairs.
    fn pairs(&self, pairs: &[Spanned<Vec<Spanned<String>>>]) -> Result<Vec<Given<[String; 2]>>> {
        let key = "constraints.exclusive";
        if let Some(pair) = pairs.get(MAX_PAIRS) {
            let message = format!("at most {MAX_PAIRS} pairs, not {}", pairs.len());
            return Err(self.invalid(key, pair, message));
        }
        pairs
            .iter()
            .map(|pair| {
                let [a, b] = pair.get_ref().as_slice() else {
                    let n = pair.get_ref().len();
                    let message = format!("must be a pair [a, b] of candidate ids, not {n} ids");
                    return Err(self.invalid(key, pair, message));
                };
                for id in [a, b] {
                    check::id(id.get_ref()).map_err(|message| self.invalid(key, id, message))?;
                }
                if a.get_ref() == b.get_ref() {
                    let message = format!("pairs {:?} with itself", a.get_ref());
                    return Err(self.invalid(key, pair, message));
                }
                Ok(self.given(pair, [a.get_ref().clone(), b.get_ref().clone()]))
            })
            .collect()
    }

    /// The `[[constraints.group]]` tables: a tag, `min` up to `max`.
    fn groups(&self, groups: Vec<Spanned<RawGroup>>) -> Result<Vec<TagGroup>> {
        if let Some(group) = groups.get(MAX_PAIRS) {
            let message = format!("at most {MAX_PAIRS} groups, not {}", groups.len());
            return Err(self.invalid("constraints.group", group, message));
        }
        groups
            .into_iter()
            .map(|group| {
                let at = self.place(&group);
                let group = group.into_inner();
                let tag = &group.tag;
                check::text(tag.get_ref())
                    .map_err(|message| self.invalid("constraints.group.tag", tag, message))?;
                let min = match &group.min {
                    Some(min) => self.count("constraints.group.min", min, 0)?,
                    None => Given { value: 0, at },
                };
                let max = (group.max.as_ref())
                    .map(|max| self.count("constraints.group.max", max, 0))
                    .transpose()?;
                if let (Some(max), Some(raw)) = (&max, &group.max)
                    && max.value < min.value
                {
                    let message =
                        format!("{} is below the group's min of {}", max.value, min.value);
                    return Err(self.invalid("constraints.group.max", raw, message));
                }
                Ok(TagGroup {
                    tag: self.given(tag, tag.get_ref().clone()),
                    min,
                    max,
                })
            })
            .collect()
    }

    /// Sets a `[low, high]` window of months, when the file gives one.
    fn window(
        &self,
        slot: &mut [f64; 2],
        key: &str,
        value: Option<&Spanned<Vec<f64>>>,
    ) -> Result<()> {
        let Some(value) = value else {
            return Ok(());
        };
        let &[lo, hi] = value.get_ref().as_slice() else {
            return Err(self.invalid(
                key,
                value,
                format!(
                    "must be a pair [low, high] of months, not {} values",
                    value.get_ref().len()
                ),
            ));
        };
        for x in [lo, hi] {
            check::number(x)
                .and_then(|()| {
                    if x < 0.0 {
                        Err(format!("months must be at least 0, not {x}"))
                    } else {
                        Ok(())
                    }
                })
                .map_err(|message| self.invalid(key, value, message))?;
        }
        if lo > hi {
            return Err(self.invalid(
                key,
                value,
                format!("the window is reversed: {lo} is more than {hi}"),
            ));
        }
        *slot = [lo + 0.0, hi + 0.0];
        let mut given = self.given.borrow_mut();
        given.push((key.to_owned(), value.span(), lo + 0.0));
        given.push((key.to_owned(), value.span(), hi + 0.0));
        Ok(())
    }
}

// The criteria file's shape, spelled once: read here (each value with its
// span, every key optional, unknown keys refused) and printed by
// `src/print.rs`, which fills every key from a `Criteria` and leaves out
// only what the file may leave out (a criterion's `min`, the
// `[constraints]` that are not set, `max_size` and `max_waves`). Serde
// prints a `Spanned` as its value; a printed value has no span. Whole
// numbers are `N`: read as TOML's (`i64`, with its span), printed as
// `u64`, which holds every count the criteria do (a `Waves` made in code
// may hold more than `i64::MAX`).

pub(crate) type Number = Option<Spanned<f64>>;
pub(crate) type Scores<L> = Option<BTreeMap<L, Spanned<f64>>>;

/// A struct of the criteria file's shape whose every key is optional:
/// left out of the printed file when `None`, and visible to
/// `src/print.rs`, which fills it.
macro_rules! raw {
    ($(#[$meta:meta])* struct $name:ident $(<$param:ident $(= $default:ty)?>)? {
        $($(#[$field_meta:meta])* $field:ident: $ty:ty,)+
    }) => {
        $(#[$meta])*
        pub(crate) struct $name $(<$param $(= $default)?>)? {
            $(
                $(#[$field_meta])*
                #[serde(skip_serializing_if = "Option::is_none")]
                pub(crate) $field: $ty,
            )+
        }
    };
}

raw! {
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields, expecting = "a criteria file")]
    struct RawCriteria<N = Spanned<i64>> {
        selection: Option<Table<RawSelection<N>>>,
        duration: Option<Table<RawDuration>>,
        visibility: Option<Table<RawScale<Visibility>>>,
        tangibility: Option<Table<RawScale<Change>>>,
        phase: Option<Table<RawPhase>>,
        bottom_line: Option<Table<RawScale<BottomLine>>>,
        lead: Option<Table<RawScale<Lead>>>,
        sponsorship: Option<Table<RawSponsorship>>,
        robustness: Option<Table<RawRobustness<N>>>,
        constraints: Option<Table<RawConstraints<N>>>,
        waves: Option<Table<RawWaves<N>>>,
    }
}

raw! {
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields, expecting = "a [waves] table")]
    struct RawWaves<N = Spanned<i64>> {
        coach_load: Option<N>,
        max_size: Option<N>,
        max_waves: Option<N>,
    }
}

raw! {
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields, expecting = "a [selection] table")]
    struct RawSelection<N = Spanned<i64>> {
        leaders: Option<N>,
        min_score: Number,
    }
}

raw! {
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields, expecting = "a [duration] table")]
    struct RawDuration {
        weight: Number,
        min: Number,
        full: Option<Spanned<Vec<f64>>>,
        zero: Option<Spanned<Vec<f64>>>,
    }
}

raw! {
    #[derive(Deserialize, Serialize)]
    #[serde(
        deny_unknown_fields,
        bound(deserialize = "L: Deserialize<'de> + Ord", serialize = "L: Level"),
        expecting = "a criterion table"
    )]
    struct RawScale<L> {
        weight: Number,
        min: Number,
        #[serde(serialize_with = "by_name")]
        scores: Scores<L>,
    }
}

raw! {
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields, expecting = "a [phase] table")]
    struct RawPhase {
        weight: Number,
        min: Number,
        #[serde(serialize_with = "by_name")]
        scores: Scores<Phase>,
        remedial: Number,
    }
}

raw! {
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields, expecting = "a [sponsorship] table")]
    struct RawSponsorship {
        weight: Number,
        min: Number,
        #[serde(serialize_with = "by_name")]
        motivation: Scores<Motivation>,
        #[serde(serialize_with = "by_name")]
        level: Scores<SponsorLevel>,
    }
}

/// The key of a `[robustness]` section that bears on the weight order, for an
/// impossible order: its order, else its spread, else its weights.
fn order_key(raw: &RawRobustness) -> (&'static str, Option<Range<usize>>) {
    if let Some(order) = &raw.order {
        ("robustness.order", Some(order.span()))
    } else if let Some(spread) = &raw.spread {
        ("robustness.spread", Some(spread.span()))
    } else if let Some(weights) = &raw.weights {
        ("robustness.weights", Some(weights.span()))
    } else {
        ("robustness.order", None)
    }
}

raw! {
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields, expecting = "a [robustness] table")]
    struct RawRobustness<N = Spanned<i64>> {
        samples: Option<N>,
        ranks: Option<Spanned<RawRanks>>,
        seed: Option<N>,
        weights: Option<Spanned<Sampling>>,
        spread: Number,
        order: Option<Spanned<Vec<Spanned<String>>>>,
    }
}

raw! {
    /// `[constraints]`: the group tables print last, as a table array
    /// follows the plain keys.
    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields, expecting = "a [constraints] table")]
    struct RawConstraints<N = Spanned<i64>> {
        per_unit: Option<N>,
        per_sponsor: Option<N>,
        training_capacity: Option<N>,
        must_lead: Option<Vec<Spanned<String>>>,
        must_not_lead: Option<Vec<Spanned<String>>>,
        exclusive: Option<Vec<Spanned<Vec<Spanned<String>>>>>,
        group: Option<Vec<Spanned<RawGroup<N>>>>,
    }
}

impl<N> Default for RawRobustness<N> {
    /// No key given.
    fn default() -> Self {
        RawRobustness {
            samples: None,
            ranks: None,
            seed: None,
            weights: None,
            spread: None,
            order: None,
        }
    }
}

/// `robustness.ranks`: a number, or a word (`"all"`), as the file gives it
/// and as it prints.
pub(crate) enum RawRanks {
    Number(i64),
    Word(String),
}

impl Serialize for RawRanks {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RawRanks::Number(n) => serializer.serialize_i64(*n),
            RawRanks::Word(word) => serializer.serialize_str(word),
        }
    }
}

impl<'de> Deserialize<'de> for RawRanks {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RawRanks;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number of ranks or \"all\"")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<RawRanks, E> {
                Ok(RawRanks::Number(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<RawRanks, E> {
                Ok(RawRanks::Number(i64::try_from(n).unwrap_or(i64::MAX)))
            }
            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<RawRanks, E> {
                Ok(RawRanks::Word(word.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A `[[constraints.group]]` table: its `tag` is required.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields, expecting = "a [[constraints.group]] table")]
pub(crate) struct RawGroup<N = Spanned<i64>> {
    pub(crate) tag: Spanned<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) min: Option<N>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max: Option<N>,
}

/// Prints a level's scores by name, in the order of the names.
#[allow(
    clippy::ref_option,
    reason = "serde's serialize_with passes a reference to the field"
)]
fn by_name<L: Level, S: serde::Serializer>(
    scores: &Scores<L>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut named: Vec<(&str, f64)> = (scores.iter().flatten())
        .map(|(level, score)| (level.name(), *score.get_ref()))
        .collect();
    named.sort_unstable_by_key(|&(name, _)| name);
    serializer.collect_map(named)
}

macro_rules! named {
    ($($(@$n:ident)? $raw:ty => $what:literal,)+) => {$(
        impl$(<$n>)? Named for $raw {
            const WHAT: &'static str = $what;
        }
    )+};
}

named! {
    @N RawSelection<N> => "a [selection] table",
    RawDuration => "a [duration] table",
    RawScale<Visibility> => "a [visibility] table",
    RawScale<Change> => "a [tangibility] table",
    RawPhase => "a [phase] table",
    RawScale<BottomLine> => "a [bottom_line] table",
    RawScale<Lead> => "a [lead] table",
    RawSponsorship => "a [sponsorship] table",
    @N RawRobustness<N> => "a [robustness] table",
    @N RawConstraints<N> => "a [constraints] table",
    @N RawWaves<N> => "a [waves] table",
}
