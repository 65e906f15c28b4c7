//! The two models the migration translates between.

pub mod destination;
pub mod source;
