//! What an operation needs before it is sent: its required records resolved through the
//! state store, an article body rendered with the articles that exist now, its files fetched.

use futures::future::BoxFuture;
use sha2::Digest;

use super::context::{source_of, Context, Unavailable};
use super::observer::{Event, WaitReason};
use super::report::{Failure, FailureCode, OperationCounts};
use super::EngineError;
use crate::error::PortErrorKind;
use crate::idmap::DestinationRef;
use crate::keys::RecordKey;
use crate::model::destination::FileRef;
use crate::ops::{DestinationOp, Operation};
use crate::ports::{FilePayload, RecordStatus, ResolvedRefs};

/// Waits for records being created by another record of the same stage.
pub(crate) trait DependencyWait: Sync {
    /// Completes when no record in flight is creating `key` any more.
    fn wait_for<'w>(&'w self, key: &RecordKey) -> Option<BoxFuture<'w, ()>>;
}

/// The destination records an operation requires, or the one that blocks it.
pub(crate) enum Resolution {
    Ready(ResolvedRefs),
    Blocked(Unavailable),
}

/// One required record.
enum Required {
    Found(DestinationRef),
    /// Looked for and absent (a group with no team): the operation goes without it.
    LeftOut,
    Blocked(Unavailable),
}

impl Context<'_, '_> {
    /// The destination records `operation` requires. A missing one is waited for when another
    /// record of the stage is creating it, blocks the record when it was rejected or failed,
    /// is left out when it was looked for and does not exist (a group with no team), and is
    /// otherwise a bug in the load order.
    pub(crate) async fn resolve(
        &self,
        operation: &Operation,
        waits: &dyn DependencyWait,
    ) -> Result<Resolution, EngineError> {
        let mut refs = ResolvedRefs::default();
        for key in &operation.requires {
            match self.resolve_one(operation, key, waits).await? {
                Required::Found(found) => {
                    refs.0.insert(key.clone(), found);
                }
                Required::LeftOut => {}
                Required::Blocked(unavailable) => return Ok(Resolution::Blocked(unavailable)),
            }
        }
        Ok(Resolution::Ready(refs))
    }

    /// One required record, waited for once when another record of the stage is creating it.
    async fn resolve_one(
        &self,
        operation: &Operation,
        key: &RecordKey,
        waits: &dyn DependencyWait,
    ) -> Result<Required, EngineError> {
        if let Some(found) = self.known(key).await? {
            return Ok(Required::Found(found));
        }
        if let Some(wait) = waits.wait_for(key) {
            self.emit(Event::Waiting {
                mark: operation.mark.clone(),
                reason: WaitReason::Dependency { key: key.clone() },
            });
            wait.await;
            if let Some(found) = self.known(key).await? {
                return Ok(Required::Found(found));
            }
        }
        self.not_created(operation, key).await
    }

    /// The destination record of `key`: in the state store, or planned by a dry run.
    async fn known(&self, key: &RecordKey) -> Result<Option<DestinationRef>, EngineError> {
        if let Some(found) = self.store().lookup(key).await.map_err(EngineError::Store)? {
            return Ok(Some(found));
        }
        Ok((self.dry_run && self.is_planned(key))
            .then(|| DestinationRef::id(format!("(planned {key})"))))
    }

    /// Why a required record that nothing is creating is not there: it did not move (blocked),
    /// it was looked for and does not exist (left out), or the load order is wrong.
    async fn not_created(
        &self,
        operation: &Operation,
        key: &RecordKey,
    ) -> Result<Required, EngineError> {
        if let Some(unavailable) = self.unavailable(key) {
            return Ok(Required::Blocked(unavailable));
        }
        let store = self.store();
        if let Some(outcome) = store
            .completed(&key.to_string())
            .await
            .map_err(EngineError::Store)?
        {
            if outcome.destination.is_none() {
                return Ok(Required::LeftOut);
            }
        }
        if let Some(reason) = self.refusal(key).await? {
            return Ok(Required::Blocked(Unavailable {
                key: key.clone(),
                reason,
            }));
        }
        Err(EngineError::MissingRequirement {
            mark: operation.mark.clone(),
            key: key.clone(),
        })
    }

    /// Why the source record of `key` did not move, when it was rejected or failed.
    async fn refusal(&self, key: &RecordKey) -> Result<Option<String>, EngineError> {
        let Some(record) = source_of(key) else {
            return Ok(None);
        };
        let status = self
            .store()
            .record_status(record)
            .await
            .map_err(EngineError::Store)?;
        Ok(match status {
            Some(RecordStatus::Rejected { code }) => {
                Some(format!("{record} was rejected ({})", code.as_str()))
            }
            Some(RecordStatus::Failed { message }) => Some(format!("{record} failed: {message}")),
            _ => None,
        })
    }

    /// An article relink carries the source HTML; it is rendered now that every article
    /// exists, and the destination receives the rendered body in `source_html`.
    pub(crate) fn render(&self, mut operation: Operation) -> Operation {
        if let DestinationOp::RelinkArticle { source_html, .. } = &mut operation.op {
            let rendered = self
                .with_articles(|articles| self.mapper.render_article_body(source_html, articles));
            *source_html = rendered.html;
        }
        operation
    }

    /// The bytes of a part's files, fetched from the source (transient failures retried),
    /// once the files' share of the byte budget is free; the share is held until the
    /// returned files are dropped.
    pub(crate) async fn files(
        &self,
        operation: &Operation,
        counts: &mut OperationCounts,
    ) -> Result<Result<FetchedFiles<'_>, Failure>, EngineError> {
        let DestinationOp::AddPart { part, .. } = &operation.op else {
            return Ok(Ok(FetchedFiles::none()));
        };
        if part.attachments.is_empty() {
            return Ok(Ok(FetchedFiles::none()));
        }
        let budget = self
            .file_budget
            .acquire_many(self.budget_share(&part.attachments))
            .await
            // The semaphore lives as long as the context and is never closed.
            .ok();
        let mut files = Vec::with_capacity(part.attachments.len());
        for file in &part.attachments {
            let payload = match self.fetch(operation, file, counts).await? {
                Ok(payload) => payload,
                Err(failure) => return Ok(Err(failure)),
            };
            let digest = hex::encode(sha2::Sha256::digest(&payload.bytes));
            self.store()
                .record_file_checksum(&file.guid, &digest, payload.bytes.len() as u64)
                .await
                .map_err(EngineError::Store)?;
            files.push(payload);
        }
        Ok(Ok(FetchedFiles {
            payloads: files,
            _budget: budget,
        }))
    }

    /// The bytes of one file, transient failures retried; `Err` inside when the source cannot
    /// give them.
    async fn fetch(
        &self,
        operation: &Operation,
        file: &FileRef,
        counts: &mut OperationCounts,
    ) -> Result<Result<FilePayload, Failure>, EngineError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.source().attachment(file).await {
                Ok(payload) => return Ok(Ok(payload)),
                Err(error)
                    if error.is_retryable() && attempt < self.engine.config.retry.max_attempts =>
                {
                    counts.retries += 1;
                    self.back_off(&operation.mark, attempt, &error).await;
                }
                Err(error)
                    if matches!(
                        error.kind,
                        PortErrorKind::NotFound | PortErrorKind::Rejected
                    ) =>
                {
                    let message = format!(
                        "attachment {} ({}) cannot be read from Vivantio: {}",
                        file.attachment_id, file.file_name, error.message
                    );
                    return Ok(Err(Failure::of(
                        operation,
                        FailureCode::SourceFileUnavailable,
                        message,
                    )));
                }
                Err(error) => return Err(EngineError::Source(error)),
            }
        }
    }

    /// The kibibytes of the budget `files` take: their declared sizes (the size limit for a
    /// file of unknown size, which the source stops reading at), at most the whole budget.
    fn budget_share(&self, files: &[FileRef]) -> u32 {
        let limit = self.mapper.spec().attachments.max_bytes;
        let bytes: u64 = files
            .iter()
            .map(|file| file.size.unwrap_or(limit).min(limit))
            .sum();
        u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, self.file_budget_kib)
    }
}

/// A part's file bytes, holding their share of the byte budget until dropped.
pub(crate) struct FetchedFiles<'c> {
    /// The files, in the order of the part's attachments.
    pub payloads: Vec<FilePayload>,
    _budget: Option<tokio::sync::SemaphorePermit<'c>>,
}

impl FetchedFiles<'_> {
    fn none() -> Self {
        Self {
            payloads: Vec::new(),
            _budget: None,
        }
    }
}
