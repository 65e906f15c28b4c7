//! Delta marks: a delta sends again the updates of records that changed, under marks of their
//! own, while creations and parts keep the marks that make them exactly-once.

use crate::delta::Watermark;
use crate::keys::RecordKey;
use crate::model::source::{Article, SourceKind, SourceRef};
use crate::ops::{DestinationOp, Mark, Operation, Phase};

/// The mark an update gets in the delta that starts from `since`. Stable for that delta, so
/// a resumed delta skips what it already sent; different from the first run's and from the
/// next delta's, so a later change is applied again.
pub(crate) fn delta_mark(mark: &str, since: Watermark) -> String {
    format!("{mark}@delta:{}", since.at)
}

/// Whether an operation sets a record's content (and so must be sent again when the record
/// changed) rather than creating something or adding a relation that exists once.
fn is_content_update(op: &DestinationOp) -> bool {
    matches!(
        op,
        DestinationOp::UpsertCompany(_)
            | DestinationOp::UpsertContact(_)
            | DestinationOp::UpdateThread { .. }
            | DestinationOp::AssignThread { .. }
            | DestinationOp::SetThreadState { .. }
            | DestinationOp::RelinkArticle { .. }
    )
}

/// Gives the content updates among `operations` their delta marks.
pub(crate) fn rekey(operations: &mut [Operation], since: Watermark) {
    for operation in operations {
        if is_content_update(&operation.op) {
            operation.mark = Mark::from(delta_mark(&operation.mark, since));
        }
    }
}

/// The update of an article that changed after it moved: its body, rendered at run time.
/// (Intercom keeps the article's id; title and state changes are not carried over.)
pub(crate) fn article_update(article: &Article, since: Watermark) -> Operation {
    let key = RecordKey::article(article.id);
    Operation::changing(
        Phase::ArticleLinks,
        delta_mark(&format!("relink:{key}"), since),
        DestinationOp::RelinkArticle {
            article: key.clone(),
            source_html: article.body_html.clone(),
        },
    )
    .requiring([key])
    .from_source(SourceRef::new(SourceKind::Article, article.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::destination::{ConversationState, ThreadState};

    #[test]
    fn only_content_updates_get_delta_marks() {
        let thread = RecordKey::conversation(1);
        let mut operations = vec![
            Operation::changing(
                Phase::StatesAndAssignments,
                "state:x",
                DestinationOp::SetThreadState {
                    thread: thread.clone(),
                    state: ThreadState::Conversation(ConversationState::Closed),
                },
            ),
            Operation::changing(
                Phase::ThreadDetails,
                "tagging:x",
                DestinationOp::TagThread {
                    thread: thread.clone(),
                    tag: RecordKey::tag("a"),
                },
            ),
            Operation::changing(
                Phase::Links,
                "link:x",
                DestinationOp::LinkThreads {
                    parent: thread.clone(),
                    child: RecordKey::conversation(2),
                },
            ),
        ];
        rekey(&mut operations, Watermark::at(42));
        let marks: Vec<&str> = operations
            .iter()
            .map(|operation| operation.mark.as_str())
            .collect();
        assert_eq!(marks, ["state:x@delta:42", "tagging:x", "link:x"]);
    }
}
