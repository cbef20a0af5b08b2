//! The reference the streamed export is compared with.

pub mod reference;
