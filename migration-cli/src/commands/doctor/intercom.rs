//! The Intercom side of `doctor`: the token, the region, the API version, the rate limit, and
//! every resource the mapping touches, all read-only.

use std::path::Path;

use futures::StreamExt;
use intercom_client::Client;
use migration_core::model::destination::DestinationSchema;
use migration_core::model::source::SourceSchema;
use migration_core::ports::{Destination, Source};
use migration_core::spec::MappingSpec;

use super::{Check, Side};
use crate::project::Project;

/// The scopes the runbook lists; writes cannot be proven without writing.
const WRITE_SCOPES: &str = "read and write users/companies, conversations, tickets, tags, \
     data attributes, articles (Help Center)";

/// Every Intercom check, with the per-window limit the workspace announced to the app that
/// answered `GET /me` (its first request, so one app's limit whatever the tokens).
pub(super) async fn checks(project: &Project) -> (Vec<Check>, Option<u32>) {
    let client = match project.intercom_client() {
        Ok(client) => client,
        Err(error) => return (vec![check("token", "(client)").failed(error)], None),
    };
    let mut checks = match me_checks(&client).await {
        Ok(checks) => checks,
        Err(checks) => return (checks, None),
    };
    let announced = client.stats().rate_limit_limit;
    checks.push(rate_limit_check(announced));
    let (reads, state_categories) = read_checks(&client).await;
    checks.extend(reads);
    checks.push(
        check("write permission", "(not tried: doctor sends no write)").cannot_tell(format!(
            "writes cannot be proven without writing; the token needs: {WRITE_SCOPES}"
        )),
    );
    checks.push(automation_check(project));
    checks.extend(mapping_checks(project, &state_categories).await);
    (checks, announced)
}

/// A check on the Intercom side.
fn check(name: &str, call: &str) -> Check {
    Check::new(Side::Intercom, name, call)
}

/// The token, the API version and the region, from `GET /me`; `Err` (with the failed check)
/// when the token does not work, since nothing else can be read then.
async fn me_checks(client: &Client) -> Result<Vec<Check>, Vec<Check>> {
    let me = match client.admins().me().await {
        Ok(me) => me,
        Err(error) => return Err(vec![check("token", "GET /me").failed(error)]),
    };
    let workspace = me.app.as_ref().and_then(|app| app.name.as_deref());
    let region = me.app.as_ref().and_then(|app| app.region.as_deref());
    Ok(vec![
        check("token", "GET /me").held(format!(
            "works: admin {} of workspace {}",
            me.admin.email.as_deref().unwrap_or("?"),
            workspace.unwrap_or("?")
        )),
        check("Intercom-Version 2.16", "GET /me").held("accepted"),
        region_check(client.base_url(), region),
    ])
}

/// Whether the workspace announced its rate limit, which the client then paces itself by.
fn rate_limit_check(announced: Option<u32>) -> Check {
    let check = check("rate limit", "X-RateLimit-* headers");
    match announced {
        Some(limit) => check.held(format!(
            "announced: {limit} requests per window; the client paces itself just under it"
        )),
        None => check.cannot_tell(
            "no rate-limit headers: the client backs off on 429 without being told how long",
        ),
    }
}

/// Every resource the migration reads, and the categories of the workspace's ticket states.
async fn read_checks(client: &Client) -> (Vec<Check>, Vec<String>) {
    let admins = client.admins().list().await;
    let teams = client.teams().list().await;
    let types = client.ticket_types().list().await;
    let states = client.ticket_states().list().await;
    let tags = client.tags().list().await;
    let attributes = client.conversation_attributes().list(false).await;
    let mut checks = vec![
        listed(check("read admins", "GET /admins"), &admins),
        listed(check("read teams", "GET /teams"), &teams),
        listed(check("read ticket types", "GET /ticket_types"), &types),
        listed(check("read ticket states", "GET /ticket_states"), &states),
        listed(check("read tags", "GET /tags"), &tags),
        listed(
            check(
                "read conversation attributes",
                "GET /conversations/attributes",
            ),
            &attributes,
        ),
    ];
    checks.push(help_center_check(client).await);
    let contacts = client.contacts().list(Some(1)).next().await;
    checks.push(first_page(
        check("read contacts", "GET /contacts"),
        contacts,
    ));
    let companies = client.companies().list(Some(1)).next().await;
    checks.push(first_page(
        check("read companies", "GET /companies"),
        companies,
    ));
    let state_categories = states
        .iter()
        .flatten()
        .filter_map(|state| Some(state.category.as_ref()?.to_string()))
        .collect();
    (checks, state_categories)
}

/// Whether the workspace has a Help Center to publish articles in.
async fn help_center_check(client: &Client) -> Check {
    let check = check("Help Center", "GET /help_center/help_centers");
    match client.help_center().list_help_centers().await {
        Ok(sites) if sites.is_empty() => check.contradicted(
            "no Help Center: articles cannot be published; turn it on in Intercom",
            true,
        ),
        other => listed(check, &other),
    }
}

/// Whether a listing's first page could be read (an empty listing is readable).
fn first_page<T, E: std::fmt::Display>(check: Check, page: Option<Result<T, E>>) -> Check {
    match page {
        None | Some(Ok(_)) => check.held("readable"),
        Some(Err(error)) => check.failed(error),
    }
}

/// Whether Intercom's own automation acted on migrated threads, as the last `verify` saw it.
fn automation_check(project: &Project) -> Check {
    let check = Check::new(
        Side::Intercom,
        "automation",
        "the last `verify` (state folder)",
    );
    match crate::history::latest_verify(&project.state_dir()) {
        Ok(None) => check.cannot_tell(
            "the API cannot list workflows: pause them (below), then `migrate --sample N` and \
             `verify` show whether anything still acts on migrated threads",
        ),
        Ok(Some(report)) if report.foreign_parts.is_empty() => {
            check.held("the last verify found no part the migration did not write")
        }
        Ok(Some(report)) => check.contradicted(
            format!(
                "the last verify found {} part(s) Intercom's automation added to migrated \
                 threads; the full run refuses until they stop or `migrate {}` accepts them",
                report.foreign_parts.len(),
                crate::automation::ACCEPT_FLAG
            ),
            true,
        ),
        Err(error) => check.failed(error),
    }
}

fn listed<T, E: std::fmt::Display>(check: Check, answer: &Result<Vec<T>, E>) -> Check {
    match answer {
        Ok(items) => check.held(format!("readable ({} found)", items.len())),
        Err(error) => check.failed(error),
    }
}

/// Whether the base URL is the region's host (`api.intercom.io`, `api.eu.intercom.io`,
/// `api.au.intercom.io`).
fn region_check(base: &url::Url, region: Option<&str>) -> Check {
    let check = Check::new(Side::Intercom, "region", "GET /me (app.region)");
    let host = base.host_str().unwrap_or_default();
    let expected = match region.map(str::to_ascii_lowercase).as_deref() {
        Some("us") => Some("api.intercom.io"),
        Some("eu") | Some("europe") => Some("api.eu.intercom.io"),
        Some("au") | Some("australia") => Some("api.au.intercom.io"),
        _ => None,
    };
    match expected {
        _ if !host.ends_with("intercom.io") => check.cannot_tell(format!(
            "{host} is not one of Intercom's regional hosts (a proxy or a simulator)"
        )),
        Some(expected) if expected == host => check.held(format!("{host} serves this region")),
        Some(expected) => check.contradicted(
            format!("the workspace is hosted in another region: set intercom.base_url to https://{expected}"),
            true,
        ),
        None => check.cannot_tell(format!("the workspace did not say its region ({host})")),
    }
}

/// With a mapping: every reference it makes to the workspace, and what it would reuse.
async fn mapping_checks(project: &Project, state_categories: &[String]) -> Vec<Check> {
    let path = project.mapping_path();
    if !path.exists() {
        return vec![mapping_check("mapping references").cannot_tell(
            "no mapping.toml yet: `plan` proposes one and checks it against the workspace",
        )];
    }
    let (spec, source_schema, schema) = match mapping_and_schemas(project, &path).await {
        Ok(read) => read,
        Err(error) => return vec![mapping_check("mapping references").failed(error)],
    };
    let report = migration_core::spec::check(&spec, &source_schema, &schema);
    let mut checks = Vec::new();
    if report.issues.is_empty() {
        checks.push(
            mapping_check("mapping references")
                .held("every admin, team, ticket type and state the mapping names exists"),
        );
    }
    for issue in &report.issues {
        let line = mapping_check(&format!("mapping {}", issue.path));
        checks.push(if issue.blocking {
            line.contradicted(issue.message.clone(), true)
        } else {
            line.cannot_tell(issue.message.clone())
        });
    }
    checks.push(ticket_states_check(&spec, state_categories));
    checks.push(reuse_check(&spec, &schema));
    checks
}

/// A check of the mapping against the workspace.
fn mapping_check(name: &str) -> Check {
    Check::new(Side::Intercom, name, "mapping.toml against the workspace")
}

/// The mapping at `path` and both sides' schemas, or the first error met reading them.
async fn mapping_and_schemas(
    project: &Project,
    path: &Path,
) -> Result<(MappingSpec, SourceSchema, DestinationSchema), String> {
    let spec = std::fs::read_to_string(path)
        .map_err(|error| error.to_string())
        .and_then(|text| MappingSpec::from_toml(&text).map_err(|error| error.to_string()))?;
    let (source, destination) = match (project.source(), project.destination()) {
        (Ok(source), Ok(destination)) => (source, destination),
        (Err(error), _) | (_, Err(error)) => return Err(error.to_string()),
    };
    let source_schema = Source::schema(&source)
        .await
        .map_err(|error| error.to_string())?;
    let schema = Destination::schema(&destination)
        .await
        .map_err(|error| error.to_string())?;
    Ok((spec, source_schema, schema))
}

/// Whether every ticket state category the mapping uses has a state in the workspace.
fn ticket_states_check(spec: &MappingSpec, state_categories: &[String]) -> Check {
    let mut missing: Vec<&str> = spec
        .statuses
        .iter()
        .map(|rule| rule.ticket_state.as_str())
        .filter(|category| !state_categories.iter().any(|known| known == category))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if missing.is_empty() {
        mapping_check("ticket states")
            .held("every ticket state category the mapping uses has a state")
    } else {
        mapping_check("ticket states").contradicted(
            format!(
                "the workspace has no ticket state of categor(ies) {}: add one in Intercom",
                missing.join(", ")
            ),
            true,
        )
    }
}

/// How many of the mapping's attributes and ticket types already exist and are reused.
fn reuse_check(spec: &MappingSpec, schema: &DestinationSchema) -> Check {
    let reused = spec
        .fields
        .iter()
        .filter(|field| {
            schema
                .attributes
                .iter()
                .any(|attribute| !attribute.archived && attribute.name == field.attribute)
        })
        .count();
    let ticket_types = spec
        .ticket_types
        .iter()
        .filter_map(|rule| rule.intercom_ticket_type.as_deref())
        .filter(|name| {
            schema
                .ticket_types
                .iter()
                .any(|existing| existing.name == *name)
        })
        .count();
    mapping_check("reuse").held(format!(
        "{reused} of the mapping's {} attributes and {ticket_types} of its ticket types already exist and are reused",
        spec.fields.len()
    ))
}
