//! The public API as an embedding crate uses it: lookups, names, storage.

use proptest::prelude::*;

use spearhead::{Candidate, Portfolio};

use crate::support::ideal;

proptest! {
    /// `get` finds every candidate by id, and nothing else, whatever the
    /// order of the candidates.
    #[test]
    fn get_finds_each_candidate_by_id(
        ids in prop::collection::btree_set("[a-z0-9-]{1,6}", 1..40),
        missing in "[a-z0-9-]{1,6}",
        seed in any::<u64>(),
    ) {
        let mut ids: Vec<String> = ids.into_iter().collect();
        // A shuffle by the seed: the order given must not matter.
        let len = ids.len();
        for i in (1..len).rev() {
            let j = usize::try_from(seed.rotate_left(u32::try_from(i).unwrap()) % (i as u64 + 1)).unwrap();
            ids.swap(i, j);
        }
        let candidates: Vec<Candidate> = ids
            .iter()
            .map(|id| Candidate { name: format!("name of {id}"), ..Candidate::new(id.clone(), ideal()) })
            .collect();
        let portfolio = Portfolio::new(candidates).unwrap();
        for id in &ids {
            let found = portfolio.get(id).unwrap();
            prop_assert_eq!(&found.id, id);
            prop_assert_eq!(&found.name, &format!("name of {id}"));
        }
        prop_assert_eq!(portfolio.get(&missing).is_some(), ids.contains(&missing));
        prop_assert!(portfolio.get("").is_none());
    }
}

/// `BottomLine::NoReturn` is `none` wherever a name shows: in files, in
/// messages and in JSON.
#[test]
fn no_return_is_named_none() {
    use spearhead::BottomLine;

    assert_eq!(BottomLine::NoReturn.to_string(), "none");
    assert_eq!("none".parse::<BottomLine>().unwrap(), BottomLine::NoReturn);
    assert_eq!(
        serde_json::to_string(&BottomLine::NoReturn).unwrap(),
        r#""none""#
    );
    let evidence = spearhead::Evidence {
        bottom_line: BottomLine::NoReturn,
        ..ideal()
    };
    let toml = toml::to_string(&Portfolio::new(vec![Candidate::new("a", evidence)]).unwrap());
    assert!(toml.unwrap().contains("bottom_line = \"none\"\n"));
}
