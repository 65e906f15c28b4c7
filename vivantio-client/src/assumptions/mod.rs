//! What the client assumes about the Vivantio API, and the wire facts that rest on inference.
//!
//! [`registry`] lists every assumption (endpoint, field, behaviour) with its public evidence and
//! what the tool does when a tenant proves it wrong; [`crate::census`] checks the field
//! assumptions on every answer. The constants below are the inferred wire facts other than
//! endpoint paths, each in one place so that a real tenant proving it wrong costs a one-line
//! change. Endpoint paths live in [`crate::endpoints`].

pub mod registry;

pub use registry::{Area, Assumption, IfWrong, Subject, ValueKind, REGISTRY};

/// The query field the windowed pager narrows on. That `Id` is queryable is INF.
pub const WINDOW_FIELD: &str = "Id";

/// Whether an error message says a `…/Select` matched more records than the tenant returns at
/// once (INF: the cap and its wording are unknown on real tenants; the project's simulator answers
/// `"Query returned too many results (N > cap); narrow it"`).
pub fn is_too_many_results_message(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("too many results") || lower.contains("too many records")
}

/// Record type of knowledge-base articles and their categories (C-off sample default; tenants may
/// differ).
pub const KNOWLEDGE_BASE_RECORD_TYPE_ID: crate::RecordTypeId = crate::RecordTypeId::new(10);

/// Query-string names of `Ticket/ActionSelectByParentId` switches (C-off).
pub const ACTIONS_INCLUDE_PRIVATE_PARAM: &str = "includePrivate";
/// See [`ACTIONS_INCLUDE_PRIVATE_PARAM`].
pub const ACTIONS_INCLUDE_ATTACHMENTS_PARAM: &str = "includeAttachments";

/// Query-string names of `File/AttachmentSelectByParent` (C-com; ASP.NET binding ignores case).
pub const ATTACHMENT_PARENT_ID_PARAM: &str = "parentId";
/// See [`ATTACHMENT_PARENT_ID_PARAM`].
pub const ATTACHMENT_PARENT_AREA_PARAM: &str = "parentArea";

/// Format of date values sent in queries and writes: naive, tenant-local time (C-com for the
/// format; whether the server reads it as tenant-local or UTC is UNK).
pub const OUTGOING_DATE_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_simulator_wording_in_any_case() {
        assert!(is_too_many_results_message(
            "Query returned too many results (812 > 500); narrow it"
        ));
        assert!(is_too_many_results_message("TOO MANY RESULTS"));
        assert!(!is_too_many_results_message("Item not found"));
    }
}
