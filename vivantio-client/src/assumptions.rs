//! Wire facts other than endpoint paths that rest on inference (INF) or no evidence (UNK).
//!
//! Each is a constant or a tiny function so that a real tenant proving it wrong costs a one-line
//! change. Endpoint paths live in [`crate::endpoints`]; record fields carry their confidence in
//! their own doc comments.

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
pub const KNOWLEDGE_BASE_RECORD_TYPE_ID: i64 = 10;

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
