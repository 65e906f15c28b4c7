//! `intercom-client` behind `migration-core`'s [`Destination`](migration_core::ports::Destination) port.
//!
//! * [`IntercomDestination`] implements the port, including
//!   [`reconcile`](migration_core::ports::Destination::reconcile) (whether an operation whose
//!   answer was lost was applied, see `reconcile.rs`); [`IntercomOptions`] tunes it.
//! * Client errors become [`PortError`](migration_core::PortError)s ([`errors`]): a write that
//!   may have reached Intercom is `Uncertain`, 429/5xx/timeouts are `Transient`, other 4xx are
//!   `Rejected` with Intercom's message, 404 is `NotFound`, 401/403 `Unauthorized`.
//!
//! The calls each operation makes (lists marked "once" are read once per process):
//!
//! | operation | Intercom calls |
//! | --- | --- |
//! | `EnsureAttribute` (contact, company) | `GET /data_attributes` once; `POST /data_attributes`, or `PUT` to unarchive, or nothing |
//! | `EnsureAttribute` (conversation) | `GET /conversations/attributes` once; `POST /conversations/attributes` or nothing |
//! | `EnsureTicketType` | `GET /ticket_types` once; `POST /ticket_types`, or `PUT` to unarchive, or nothing |
//! | `EnsureTicketTypeAttribute` | `GET /ticket_types/{id}` once per type; `POST /ticket_types/{id}/attributes`, `PUT` to unarchive, or nothing |
//! | `EnsureTag` | `GET /tags` once; `POST /tags` or nothing |
//! | `MatchFallbackAdmin`, `MatchAdmin` | `GET /admins` once |
//! | `MatchTeam` | `GET /teams` once |
//! | `UpsertCompany` | `GET /companies?company_id=`, `POST /companies` |
//! | `UpsertContact` | `POST /contacts`; on 409 also `GET /contacts/{id}` and `PUT /contacts/{id}` |
//! | `AttachContactToCompany` | `POST /contacts/{id}/companies` |
//! | `TagContact` | `POST /contacts/{id}/tags` |
//! | `CreateCollection` | `POST /help_center/collections` |
//! | `CreateArticle` | `POST /articles` |
//! | `RelinkArticle` | `PUT /articles/{id}` (plus `GET /articles/{id}` for an article this process did not create) |
//! | `CreateConversation` | `POST /conversations` (historical `created_at`) |
//! | `CreateTicket` | `POST /tickets` (historical `created_at`, `skip_notifications`, every attribute, list values as item ids, the admin and team assignees); `GET /ticket_types/{id}` once per type when no answer gave its list items |
//! | `AddPart` | `POST /conversations/{id}/reply` or `POST /tickets/{id}/reply` (historical `created_at`, files inline) |
//! | `UpdateThread` | `PUT /conversations/{id}` or `PUT /tickets/{id}` |
//! | `TagThread` | `POST /conversations/{id}/tags` or `POST /tickets/{id}/tags` |
//! | `AssignThread` | one `POST /conversations/{id}/parts` or `PUT /tickets/{id}` per assignee (team, admin); the core sends it for conversations only, since a ticket is created assigned |
//! | `SetThreadState` | `POST /conversations/{id}/parts` (open / close / snooze; none to "open" a conversation it just created) or `PUT /tickets/{id}` with `ticket_state_id` (none for a ticket it just created in that state); `GET /ticket_states` once |
//! | `LinkThreads` | none: refused (the client has no link endpoint; see `thread_details.rs`) |
//!
//! `UpdateThread`, `AssignThread` and `SetThreadState` on a thread this process did not create
//! first read it (`GET`) for the before-image rollback restores. The acting admin (for tags,
//! assignments and states) is the run's fallback admin, else `GET /me` once.

pub mod errors;

mod content_parts;
mod destination;
mod directory;
mod flatten;
mod help_center;
mod name_index;
mod options;
mod people;
mod read_back;
mod reconcile;
mod reconcile_events;
mod schema;
mod schema_requests;
mod session;
mod signatures;
mod thread_details;
mod threads;
mod ticket_lists;
mod ticket_type_cache;
mod undo;
mod values;
mod workspace;

pub use destination::IntercomDestination;
pub use options::{IntercomOptions, TicketStateCategoryKey};
