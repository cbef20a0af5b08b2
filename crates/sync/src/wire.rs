//! The one place the diary's change type meets the wire's: a diary
//! [`DocChange`] becomes a [`WireChange`] to be sealed, and back when a batch is
//! opened. The wire type is versioned by `nextdate-protocol`; the diary's may
//! change freely as long as these two functions still map it.

use nextdate_diary::replication::DocChange;
use nextdate_protocol::WireChange;

/// A local change as it goes on the wire.
pub fn to_wire(c: DocChange) -> WireChange {
    WireChange {
        doc_id: c.doc_id,
        kind: c.kind,
        bytes: c.bytes,
        replaces: c.replaces,
        context: c.context,
        signatures: c.signatures,
    }
}

/// A change from the wire as the diary merges it.
pub fn from_wire(w: WireChange) -> DocChange {
    DocChange {
        doc_id: w.doc_id,
        kind: w.kind,
        bytes: w.bytes,
        replaces: w.replaces,
        context: w.context,
        signatures: w.signatures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_cross_unchanged() {
        let c = DocChange {
            doc_id: "01CASE".into(),
            kind: "case".into(),
            bytes: vec![1, 2, 3],
            replaces: false,
            context: vec![4; 32],
            signatures: vec![6; 64],
        };
        assert_eq!(from_wire(to_wire(c.clone())), c);
        let erased = DocChange { replaces: true, ..c };
        assert_eq!(from_wire(to_wire(erased.clone())), erased);
    }
}
