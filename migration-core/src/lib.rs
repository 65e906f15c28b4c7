//! Every decision of a Vivantio → Intercom migration, as pure functions over the crate's own
//! types: no network, no disk, no client crate.
//!
//! * [`model`]: the source (Vivantio) and destination (Intercom) models.
//! * [`spec`]: the mapping specification (TOML), its proposer, checker and confirmation.
//! * [`transform`]: one record + the specification + the ID map → [`ops::Operation`]s.
//! * [`validate`]: pre-flight findings over a whole instance.
//! * [`plan`]: load phases in dependency order, with a checkable proof.
//! * [`verify`], [`rollback`], [`delta`]: after-run planning.
//! * [`scope`]: the mapping's `[scope]` applied to records (which ones move).
//! * [`inventory`]: the written inventory of what has no API.
//! * [`ports`]: the async traits a source, a destination and a state store implement.
//! * [`engine`]: the migration engine that drives the ports, exactly once.
//!
//! Start with `README.md` in the crate folder and `docs/integrators.md`.
#![warn(missing_docs)]

pub mod delta;
pub mod engine;
pub mod error;
pub mod forecast;
pub mod idmap;
pub mod inventory;
pub mod keys;
pub mod model;
pub mod ops;
pub mod plan;
pub mod ports;
pub mod reject;
pub mod rollback;
pub mod scope;
pub mod spec;
pub mod transform;
pub mod validate;
pub mod verify;

pub use engine::{Engine, EngineConfig, EngineError, RunMode, RunReport};
pub use error::{Error, PortError, PortErrorKind, SpecError};
pub use idmap::{DestinationRef, IdMap, IdMapView};
pub use keys::{RecordKey, RecordKind};
pub use ops::{DestinationOp, Operation, Phase};
pub use reject::{Finding, ReasonCode, Rejection, Severity};
pub use spec::{ConfirmedSpec, MappingSpec};
pub use transform::{Mapped, Mapper, SourceDirectory};
