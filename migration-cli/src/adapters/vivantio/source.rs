//! [`VivantioSource`]: the Vivantio client behind the core's [`Source`] port.

use std::sync::Arc;

use async_trait::async_trait;
use futures::{future, StreamExt, TryStreamExt};
use migration_core::delta::Watermark;
use migration_core::model::destination::FileRef;
use migration_core::model::source::{
    AdminInventory, Article, Caller, Organisation, SourceSchema, Ticket, WireReport,
    CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE,
};
use migration_core::ports::{FilePayload, PortStream, Source, TicketFilter};
use migration_core::{PortError, PortErrorKind};
use vivantio_client::query::Query;
use vivantio_client::{Client, SystemArea};

use super::convert;
use super::errors::with_context;
use super::inventory::read_inventory;
use super::options::VivantioSourceOptions;
use super::people::{in_id_order, with_custom_values, FormOwner};
use super::schema::read_schema;
use super::tickets::{ticket_stream, ListedTickets};
use super::wire::WireLog;

/// Reads a Vivantio tenant for the migration engine.
///
/// ```no_run
/// use migration_cli::adapters::vivantio::{VivantioSource, VivantioSourceOptions};
/// use migration_core::ports::Source;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = vivantio_client::Client::builder()
///     .platform_url("https://webservices-na01.vivantio.com/")
///     .credentials("api-user", "secret")
///     .build()?;
/// let source = VivantioSource::new(client, VivantioSourceOptions::default());
/// let schema = source.schema().await?;
/// println!("{} ticket types", schema.ticket_types.len());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct VivantioSource {
    client: Client,
    options: VivantioSourceOptions,
    wire: WireLog,
    listed: ListedTickets,
}

impl VivantioSource {
    /// A source reading through `client` (whose tenant time zone and rate limits apply).
    pub fn new(client: Client, options: VivantioSourceOptions) -> Self {
        Self {
            client,
            options,
            wire: WireLog::default(),
            listed: ListedTickets::default(),
        }
    }

    /// The client it reads through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Its settings.
    pub fn options(&self) -> &VivantioSourceOptions {
        &self.options
    }
}

#[async_trait]
impl Source for VivantioSource {
    async fn schema(&self) -> Result<SourceSchema, PortError> {
        read_schema(&self.client, &self.options, &self.wire, &self.listed).await
    }

    fn organisations(&self) -> PortStream<'_, Organisation> {
        let owner = FormOwner {
            record_type: CLIENT_RECORD_TYPE,
            area: SystemArea::Client,
            noun: "organisation",
        };
        let records = self.client.clients().stream(Query::match_all());
        let organisations = with_custom_values(
            self.client.clone(),
            records,
            owner,
            self.options.concurrency(),
            convert::organisation,
        );
        if !self.options.odata_reconcile {
            return organisations;
        }
        super::people::reconciled(
            self.client.clone(),
            organisations,
            "Clients",
            "organisation",
        )
    }

    fn callers(&self) -> PortStream<'_, Caller> {
        let owner = FormOwner {
            record_type: CALLER_RECORD_TYPE,
            area: SystemArea::Caller,
            noun: "caller",
        };
        let records = self.client.callers().stream(Query::match_all());
        let callers = with_custom_values(
            self.client.clone(),
            records,
            owner,
            self.options.concurrency(),
            convert::caller,
        );
        let callers = in_id_order(callers, |caller| caller.id, "caller");
        if !self.options.odata_reconcile {
            return callers;
        }
        super::people::reconciled(self.client.clone(), callers, "Callers", "caller")
    }

    fn tickets(&self, changed_since: Option<Watermark>) -> PortStream<'_, Ticket> {
        self.tickets_reading(changed_since, Arc::new(|_: &Ticket| true))
    }

    /// Tickets `in_full` refuses skip their five detail reads: a scope that leaves most
    /// tickets out costs little more than listing them.
    fn tickets_reading(
        &self,
        changed_since: Option<Watermark>,
        in_full: TicketFilter,
    ) -> PortStream<'_, Ticket> {
        ticket_stream(
            self.client.clone(),
            self.options.concurrency(),
            changed_since,
            self.listed.get(),
            in_full,
        )
    }

    /// A hundred at a time from `Ticket/SelectList`, each completed like a listed ticket.
    fn tickets_by_id(&self, ids: Arc<[i64]>) -> Option<PortStream<'_, Ticket>> {
        Some(super::tickets::tickets_by_id(
            self.client.clone(),
            self.options.concurrency(),
            ids,
        ))
    }

    /// Every article; a tenant without `Article/Select` has no readable knowledge base: it is
    /// skipped with a blocking finding rather than stopping the whole read.
    fn articles(&self) -> PortStream<'_, Article> {
        let wire = self.wire.clone();
        self.client
            .articles()
            .stream(Query::match_all())
            .scan((), move |(), article| {
                future::ready(match article {
                    Err(error) if error.is_unknown_action() => {
                        wire.missing_action(
                            vivantio_client::endpoints::ARTICLE_SELECT,
                            "the knowledge base is skipped: no article moves",
                        );
                        None
                    }
                    other => Some(other),
                })
            })
            .map_ok(convert::article)
            .map_err(with_context("articles"))
            .boxed()
    }

    /// Downloads the file and checks its size against the one listed, when one was.
    async fn attachment(&self, file: &FileRef) -> Result<FilePayload, PortError> {
        let what = format!("attachment {} ({:?})", file.attachment_id, file.file_name);
        if file.guid.trim().is_empty() {
            return Err(PortError::new(
                PortErrorKind::NotFound,
                format!("Vivantio: {what} has no GUID to download it with"),
            ));
        }
        // A listed size was checked against the limit when the part was mapped; this bound
        // protects memory when the listing had none or was wrong.
        let downloaded = self
            .client
            .attachments()
            .download_at_most(&file.guid, self.options.max_attachment_bytes)
            .await
            .map_err(with_context(what.clone()))?;
        if let Some(listed) = file.size.filter(|listed| *listed != downloaded.size) {
            return Err(PortError::new(
                PortErrorKind::Other,
                format!(
                    "Vivantio: {what}: listed as {listed} bytes but {} bytes were downloaded",
                    downloaded.size
                ),
            ));
        }
        tracing::debug!(
            attachment_id = file.attachment_id,
            size = downloaded.size,
            sha256 = %downloaded.sha256,
            "attachment downloaded"
        );
        let file_name = [
            Some(file.file_name.as_str()),
            downloaded.file_name.as_deref(),
        ]
        .into_iter()
        .flatten()
        .find(|name| !name.trim().is_empty())
        .unwrap_or(file.guid.as_str())
        .to_string();
        Ok(FilePayload {
            file_name,
            content_type: file.content_type.clone(),
            bytes: downloaded.content,
        })
    }

    /// Fetches the image from the tenant with the API user's credentials.
    async fn inline_image(&self, url: &str) -> Result<FilePayload, PortError> {
        let image = self
            .client
            .attachments()
            .inline_image(url)
            .await
            .map_err(with_context(format!("inline image {url}")))?;
        Ok(FilePayload {
            file_name: image.file_name,
            content_type: image.content_type,
            bytes: image.content,
        })
    }

    async fn admin_inventory(&self) -> Result<AdminInventory, PortError> {
        read_inventory(self.options.inventory_path.as_deref()).await
    }

    fn wire_report(&self) -> WireReport {
        let mut report = super::wire::from_census(self.client.wire_census());
        report.merge(self.wire.snapshot());
        report
    }
}
