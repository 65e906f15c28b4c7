//! Reconciliation of assignments and state changes: each adds an event to the thread, so
//! sending one again after a lost answer would add a second; instead the thread is read and the
//! write counts as applied when the thread already shows its effect.

use migration_core::model::destination::ThreadState;
use migration_core::ports::{ExecutionOutcome, ResolvedRefs, WriteEffect};
use migration_core::{PortError, RecordKey};
use serde_json::Value;

use super::destination::{id_of, outcome, IntercomDestination};

impl IntercomDestination {
    /// Whether the thread is already assigned to every admin and team the operation names.
    pub(crate) async fn reconcile_assignment(
        &self,
        thread: &RecordKey,
        admin: Option<&RecordKey>,
        team: Option<&RecordKey>,
        refs: &ResolvedRefs,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let wanted: Vec<(&str, &str)> = [("admin_assignee_id", admin), ("team_assignee_id", team)]
            .into_iter()
            .filter_map(|(field, key)| Some((field, refs.get(key?)?.id.as_str())))
            .collect();
        if wanted.is_empty() {
            // Nothing to assign: the operation sends nothing either way.
            return Ok(None);
        }
        let id = id_of(refs, thread)?;
        let Some(observed) = self.observe(thread.kind(), id).await? else {
            return Ok(None);
        };
        let applied = wanted.iter().all(|(field, target)| {
            observed.fields.get(*field).and_then(Value::as_str) == Some(target)
        });
        Ok(applied.then(|| outcome(id, WriteEffect::Added)))
    }

    /// Whether the thread is already in the state the operation sets.
    pub(crate) async fn reconcile_state(
        &self,
        thread: &RecordKey,
        state: ThreadState,
        refs: &ResolvedRefs,
    ) -> Result<Option<ExecutionOutcome>, PortError> {
        let id = id_of(refs, thread)?;
        let Some(observed) = self.observe(thread.kind(), id).await? else {
            return Ok(None);
        };
        let current = observed.fields.get("state").and_then(Value::as_str);
        let wanted = match state {
            ThreadState::Conversation(state) => state.as_str(),
            ThreadState::Ticket(category) => category.as_str(),
        };
        let applied = current == Some(wanted);
        Ok(applied.then(|| outcome(id, WriteEffect::Added)))
    }
}
