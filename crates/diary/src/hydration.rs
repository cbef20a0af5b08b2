//! Reading a whole document into its Rust value in one pass.
//!
//! `autosurgeon::hydrate` looks every field up by key, and each lookup seeks
//! through the document's operation columns: on a case with a few dozen
//! hearings that is most of the cost of reading it (the profile behind the
//! issue "Fast as paper": 400 µs of hydration against 120 µs for Automerge's
//! own one-pass `hydrate`). So a document is read with Automerge's
//! `ReadDoc::hydrate` into a tree of plain values, turned into JSON values
//! and deserialised with the model's serde derive, which names the same
//! fields the same way (the JSON export relies on that too).
//!
//! Should a document ever hold something serde reads differently (a value
//! of the wrong type from a damaged or newer document), the serde read fails
//! and the document is read the old way, so the result and the errors are
//! autosurgeon's. Every debug build (so every test) checks the two readings
//! agree on every document it hydrates.

use automerge::hydrate::Value as Tree;
use automerge::{ReadDoc, ScalarValue, ROOT};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value as Json};

use crate::error::Result;

/// The value document `doc` holds (see the module's doc).
pub fn hydrate<T, D>(doc: &D) -> Result<T>
where
    D: ReadDoc + autosurgeon::ReadDoc,
    T: autosurgeon::Hydrate + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let fast = doc
        .hydrate(ROOT, None)
        .ok()
        .and_then(|tree| to_json(&tree))
        .and_then(|json| serde_json::from_value::<T>(json).ok());
    match fast {
        Some(value) => {
            #[cfg(debug_assertions)]
            {
                let slow: T = autosurgeon::hydrate(doc)?;
                assert_eq!(value, slow, "serde and autosurgeon read the document differently");
            }
            Ok(value)
        }
        None => Ok(autosurgeon::hydrate(doc)?),
    }
}

/// The tree as JSON, or nothing for a value JSON cannot carry faithfully.
fn to_json(tree: &Tree) -> Option<Json> {
    Some(match tree {
        Tree::Scalar(s) => scalar(s)?,
        Tree::Text(t) => Json::String(t.to_string()),
        Tree::List(list) => Json::Array(list.iter().map(|v| to_json(&v.value)).collect::<Option<_>>()?),
        Tree::Map(map) => {
            let mut out = Map::new();
            for (k, v) in map.iter() {
                out.insert(k.clone(), to_json(&v.value)?);
            }
            Json::Object(out)
        }
    })
}

fn scalar(s: &ScalarValue) -> Option<Json> {
    Some(match s {
        ScalarValue::Str(s) => Json::String(s.to_string()),
        ScalarValue::Int(i) => Json::Number((*i).into()),
        ScalarValue::Uint(u) => Json::Number((*u).into()),
        ScalarValue::F64(f) => Json::Number(Number::from_f64(*f)?),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Null => Json::Null,
        // Bytes, counters, timestamps and unknown types: the model keeps none
        // of these, so a document holding one is read the careful way.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaseDoc, Hearing};
    use automerge::AutoCommit;

    #[test]
    fn a_case_reads_the_same_both_ways() {
        let mut case = CaseDoc {
            title: "Ramesh Kumar v. State".into(),
            number: "CRL.A. 12/2026".into(),
            court: "Delhi High Court".into(),
            status: "pending".into(),
            client_ids: vec!["01CLIENT".into()],
            ..Default::default()
        };
        case.hearings.insert(
            "01H".into(),
            Hearing {
                date: "2026-12-07".into(),
                purpose: Some("Arguments".into()),
                ..Default::default()
            },
        );
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &case).unwrap();
        let read: CaseDoc = hydrate(&doc).unwrap();
        assert_eq!(read, case);
    }

    #[test]
    fn a_field_of_the_wrong_type_gives_autosurgeons_error() {
        use automerge::transaction::Transactable;
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, CaseDoc::default()).unwrap();
        doc.put(ROOT, "title", 7_i64).unwrap();
        let err = hydrate::<CaseDoc, _>(&doc).unwrap_err().to_string();
        let expected = autosurgeon::hydrate::<_, CaseDoc>(&doc).unwrap_err().to_string();
        assert!(err.contains(&expected), "{err} / {expected}");
    }
}
