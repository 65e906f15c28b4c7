//! Reading the instance's configuration into the core's [`SourceSchema`].

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::future::Future;

use futures::{stream, StreamExt, TryStreamExt};
use migration_core::model::source::{
    Category, CustomForm, Group, LegacyField, Origin, Priority, SlaTarget, SourceSchema, Status,
    CALLER_RECORD_TYPE, CLIENT_RECORD_TYPE, KNOWLEDGE_BASE_RECORD_TYPE,
};
use migration_core::PortError;
use vivantio_client::config as wire;
use vivantio_client::query::Query;
use vivantio_client::{endpoints, Client};

use super::convert;
use super::errors::{port_error, with_context};
use super::options::VivantioSourceOptions;
use super::tickets::ListedTickets;
use super::wire::WireLog;

/// Reads ticket types; per ticket type its statuses, priorities, categories, custom forms and
/// legacy fields; knowledge-base categories; custom forms of organisations and callers; agents;
/// groups with their members; the SLA targets of every priority; and the origin codes.
pub async fn read_schema(
    client: &Client,
    options: &VivantioSourceOptions,
    wire: &WireLog,
    listed: &ListedTickets,
) -> Result<SourceSchema, PortError> {
    let config = client.configuration();
    let ticket_types = config
        .ticket_types()
        .await
        .map_err(with_context("ticket types"))?;
    let record_types: Vec<i64> = ticket_types
        .iter()
        .map(|ticket_type| ticket_type.id.get())
        .collect();
    let width = options.concurrency();
    let per_type = each(&record_types, width, |record_type| {
        TypeConfig::read(client, record_type)
    })
    .await?;
    let mut schema = SourceSchema {
        ticket_types: ticket_types.into_iter().map(convert::ticket_type).collect(),
        ..SourceSchema::default()
    };
    let legacy_missing = TypeConfig::add_all(per_type, &mut schema);
    let (groups, scan) =
        groups_and_scan(client, options, wire, listed, legacy_missing, &mut schema).await?;
    if !record_types.contains(&KNOWLEDGE_BASE_RECORD_TYPE) {
        add_knowledge_base_categories(client, &mut schema).await?;
    }
    schema.custom_forms = custom_forms(client, &record_types, width).await?;
    schema.agents = config
        .users()
        .await
        .map_err(with_context("agents"))?
        .into_iter()
        .map(convert::agent)
        .collect();
    schema.groups = each(&groups, width, |group| group_with_members(client, group)).await?;
    dedupe(&mut schema);
    schema.sla_targets = sla_targets(client, &schema, width).await?;
    schema.origins = origins(options, &scan);
    Ok(schema)
}

/// The groups, and one pass over the tickets when the tenant cannot list its groups or its
/// legacy fields (`legacy_missing`) or the origins in use are asked for: what cannot be listed
/// is rebuilt from the tickets (the legacy fields straight into `schema`), said in the wire
/// log, and the tickets seen are kept in the listed tickets.
async fn groups_and_scan(
    client: &Client,
    options: &VivantioSourceOptions,
    wire: &WireLog,
    listed: &ListedTickets,
    legacy_missing: bool,
    schema: &mut SourceSchema,
) -> Result<(Vec<wire::Group>, TicketScan), PortError> {
    let groups = match client.configuration().groups().await {
        Ok(groups) => Some(groups),
        Err(error) if error.is_unknown_action() => None,
        Err(error) => return Err(port_error("groups", &error)),
    };
    let scan = if legacy_missing || groups.is_none() || options.scan_ticket_origins {
        let scan = TicketScan::read(client).await?;
        listed.add(scan.ids.clone());
        scan
    } else {
        TicketScan::default()
    };
    if legacy_missing {
        wire.missing_action(
            endpoints::EXTENSION_FIELD_SELECT_BY_RECORD_TYPE,
            "legacy fields are found from the values on the tickets",
        );
        schema.legacy_fields.extend(scan.legacy_fields());
    }
    let groups = groups.unwrap_or_else(|| {
        wire.missing_action(
            endpoints::GROUP_SELECT_ALL,
            "groups are rebuilt from the tickets' GroupId/GroupName and UserSelectByGroupId",
        );
        scan.groups()
    });
    Ok((groups, scan))
}

/// What the instance configures for one ticket record type.
struct TypeConfig {
    statuses: Vec<Status>,
    priorities: Vec<Priority>,
    categories: Vec<Category>,
    /// None when the tenant does not answer `ExtensionFieldSelectByRecordTypeId`.
    legacy: Option<Vec<LegacyField>>,
}

impl TypeConfig {
    /// Reads the statuses, priorities, categories and legacy fields of `record_type`.
    async fn read(client: &Client, record_type: i64) -> Result<Self, PortError> {
        let config = client.configuration();
        let context = |what: &str| format!("{what} of record type {record_type}");
        let statuses = config
            .statuses(record_type.into())
            .await
            .map_err(with_context(context("statuses")))?;
        let priorities = config
            .priorities(record_type.into())
            .await
            .map_err(with_context(context("priorities")))?;
        let categories = config
            .categories(record_type.into())
            .await
            .map_err(with_context(context("categories")))?;
        let legacy = match config.extension_fields(record_type.into()).await {
            Ok(legacy) => Some(legacy),
            Err(error) if error.is_unknown_action() => None,
            Err(error) => return Err(port_error(&context("extension fields"), &error)),
        };
        Ok(Self {
            statuses: statuses
                .into_iter()
                .map(|s| convert::status(s, record_type))
                .collect(),
            priorities: priorities
                .into_iter()
                .map(|p| convert::priority(p, record_type))
                .collect(),
            categories: categories
                .into_iter()
                .map(|c| convert::category(c, record_type))
                .collect(),
            legacy: legacy.map(|legacy| {
                legacy
                    .into_iter()
                    .map(|l| convert::legacy_field(l, record_type))
                    .collect()
            }),
        })
    }

    /// Adds every type's configuration to `schema`; true when some type's legacy fields could
    /// not be listed, so they must be found from the tickets.
    fn add_all(per_type: Vec<Self>, schema: &mut SourceSchema) -> bool {
        let mut legacy_missing = false;
        for config in per_type {
            schema.statuses.extend(config.statuses);
            schema.priorities.extend(config.priorities);
            schema.categories.extend(config.categories);
            match config.legacy {
                Some(legacy) => schema.legacy_fields.extend(legacy),
                None => legacy_missing = true,
            }
        }
        legacy_missing
    }
}

/// Adds the knowledge-base categories, for a tenant whose ticket types do not include the
/// knowledge base's record type.
async fn add_knowledge_base_categories(
    client: &Client,
    schema: &mut SourceSchema,
) -> Result<(), PortError> {
    let kb = client
        .configuration()
        .knowledge_base_categories()
        .await
        .map_err(with_context("knowledge-base categories"))?;
    schema.categories.extend(
        kb.into_iter()
            .map(|c| convert::category(c, KNOWLEDGE_BASE_RECORD_TYPE)),
    );
    Ok(())
}

/// The custom forms of every ticket record type, of organisations and of callers.
async fn custom_forms(
    client: &Client,
    record_types: &[i64],
    width: usize,
) -> Result<Vec<CustomForm>, PortError> {
    let form_owners: Vec<i64> = record_types
        .iter()
        .copied()
        .chain([CLIENT_RECORD_TYPE, CALLER_RECORD_TYPE])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let forms = each(&form_owners, width, |record_type| async move {
        let definitions = client
            .custom_forms()
            .definitions(record_type.into())
            .await
            .map_err(with_context(format!(
                "custom forms of record type {record_type}"
            )))?;
        Ok::<_, PortError>(
            definitions
                .into_iter()
                .map(|form| convert::custom_form(form, record_type))
                .collect::<Vec<_>>(),
        )
    })
    .await?;
    Ok(forms.into_iter().flatten().collect())
}

/// `group` with its members.
async fn group_with_members(client: &Client, group: wire::Group) -> Result<Group, PortError> {
    let members = client
        .configuration()
        .users_in_group(group.id)
        .await
        .map_err(with_context(format!("members of group {}", group.id)))?;
    Ok(convert::group(group, &members))
}

/// Keeps the first of each record the types share.
fn dedupe(schema: &mut SourceSchema) {
    dedupe_by_id(&mut schema.statuses, |s| s.id);
    dedupe_by_id(&mut schema.priorities, |p| p.id);
    dedupe_by_id(&mut schema.categories, |c| c.id);
    dedupe_by_id(&mut schema.legacy_fields, |l| l.id);
    dedupe_by_id(&mut schema.custom_forms, |f| f.id);
}

/// The SLA targets of every priority of `schema`.
async fn sla_targets(
    client: &Client,
    schema: &SourceSchema,
    width: usize,
) -> Result<Vec<SlaTarget>, PortError> {
    let priority_ids: Vec<i64> = schema.priorities.iter().map(|p| p.id).collect();
    let targets = each(&priority_ids, width, |priority| async move {
        let targets = client
            .configuration()
            .sla_stage_targets(priority.into())
            .await
            .map_err(with_context(format!("SLA targets of priority {priority}")))?;
        Ok::<_, PortError>(
            targets
                .into_iter()
                .filter_map(|target| convert::sla_target(target, priority))
                .collect::<Vec<_>>(),
        )
    })
    .await?;
    let mut targets: Vec<SlaTarget> = targets.into_iter().flatten().collect();
    dedupe_by_id(&mut targets, |t| t.id);
    Ok(targets)
}

/// The named origins, plus (when asked) every code found on a ticket, sorted by code.
fn origins(options: &VivantioSourceOptions, scan: &TicketScan) -> Vec<Origin> {
    let mut codes: BTreeSet<i64> = options.origin_names.keys().copied().collect();
    if options.scan_ticket_origins {
        codes.extend(scan.origins.iter().copied());
    }
    codes
        .into_iter()
        .map(|id| Origin {
            id,
            name: options.origin_names.get(&id).cloned(),
        })
        .collect()
}

/// What one pass over the ticket records (without their details) tells about the
/// configuration: origin codes in use, and the groups and legacy fields the tickets name, for
/// tenants without `GroupSelectAll` or `ExtensionFieldSelectByRecordTypeId`.
#[derive(Debug, Default)]
struct TicketScan {
    ids: Vec<i64>,
    origins: BTreeSet<i64>,
    groups: BTreeMap<i64, Option<String>>,
    legacy: BTreeMap<(i64, i64), Option<String>>,
}

impl TicketScan {
    async fn read(client: &Client) -> Result<Self, PortError> {
        let mut scan = Self::default();
        let mut tickets = client.tickets().stream(Query::match_all());
        while let Some(ticket) = tickets
            .try_next()
            .await
            .map_err(with_context("tickets (configuration scan)"))?
        {
            scan.ids.push(ticket.id.get());
            scan.origins.extend(ticket.call_origin);
            if let Some(group) = ticket.group_id {
                let name = scan.groups.entry(group.get()).or_default();
                if name.is_none() {
                    *name = ticket.group_name.clone().filter(|n| !n.trim().is_empty());
                }
            }
            for value in &ticket.extension_fields {
                if let (Some(field), Some(record_type)) = (value.field_id, ticket.record_type_id) {
                    let name = scan
                        .legacy
                        .entry((record_type.get(), field.get()))
                        .or_default();
                    if name.is_none() {
                        *name = value.name.clone().filter(|n| !n.trim().is_empty());
                    }
                }
            }
        }
        Ok(scan)
    }

    /// The groups the tickets name, as `GroupSelectAll` would list them.
    fn groups(&self) -> Vec<wire::Group> {
        self.groups
            .iter()
            .map(|(id, name)| wire::Group::new((*id).into(), name.clone()))
            .collect()
    }

    /// The legacy fields the tickets carry values of.
    fn legacy_fields(&self) -> Vec<LegacyField> {
        self.legacy
            .iter()
            .map(|((record_type, field), name)| {
                convert::legacy_field(
                    wire::ExtensionFieldDefinition::new(
                        (*field).into(),
                        name.clone(),
                        Some((*record_type).into()),
                    ),
                    *record_type,
                )
            })
            .collect()
    }
}

/// Runs `read` for every item, `width` at a time, keeping the items' order.
async fn each<I, T, F, Fut>(items: &[I], width: usize, read: F) -> Result<Vec<T>, PortError>
where
    I: Clone,
    F: Fn(I) -> Fut,
    Fut: Future<Output = Result<T, PortError>>,
{
    stream::iter(items.iter().cloned().map(read))
        .buffered(width)
        .try_collect()
        .await
}

/// Keeps the first record of each id: a tenant may list a shared record under several types.
fn dedupe_by_id<T>(records: &mut Vec<T>, id: impl Fn(&T) -> i64) {
    let mut seen = HashSet::new();
    records.retain(|record| seen.insert(id(record)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedupe_keeps_the_first_of_each_id() {
        let mut records = vec![(1, "a"), (2, "b"), (1, "c")];
        dedupe_by_id(&mut records, |record| record.0);
        assert_eq!(records, [(1, "a"), (2, "b")]);
    }
}
