//! The Intercom side of `doctor`: the token, the region, the API version, the rate limit, and
//! every resource the mapping touches, all read-only.

use futures::StreamExt;
use migration_core::model::destination::DestinationSchema;
use migration_core::ports::Destination;
use migration_core::spec::MappingSpec;

use super::{Check, Side};
use crate::project::Project;

/// The scopes the runbook lists; writes cannot be proven without writing.
const WRITE_SCOPES: &str = "read and write users/companies, conversations, tickets, tags, \
     data attributes, articles (Help Center)";

/// Every Intercom check, with the per-window limit the workspace announced to the app that
/// answered `GET /me` (its first request, so one app's limit whatever the tokens).
pub(super) async fn checks(project: &Project) -> (Vec<Check>, Option<u32>) {
    let check = |name: &str, call: &str| Check::new(Side::Intercom, name, call);
    let client = match project.intercom_client() {
        Ok(client) => client,
        Err(error) => return (vec![check("token", "(client)").failed(error)], None),
    };
    let mut checks = Vec::new();
    let me = client.admins().me().await;
    let base = client.base_url().clone();
    match &me {
        Ok(me) => {
            checks.push(check("token", "GET /me").held(format!(
                "works: admin {} of workspace {}",
                me.admin.email.as_deref().unwrap_or("?"),
                me.app
                    .as_ref()
                    .and_then(|app| app.name.as_deref())
                    .unwrap_or("?")
            )));
            checks.push(check("Intercom-Version 2.16", "GET /me").held("accepted"));
            let region = me.app.as_ref().and_then(|app| app.region.clone());
            checks.push(region_check(&base, region.as_deref()));
        }
        Err(error) => {
            checks.push(check("token", "GET /me").failed(error));
            return (checks, None);
        }
    }
    let stats = client.stats();
    let announced = stats.rate_limit_limit;
    checks.push(match stats.rate_limit_limit {
        Some(limit) => check("rate limit", "X-RateLimit-* headers").held(format!(
            "announced: {limit} requests per window; the client paces itself just under it"
        )),
        None => check("rate limit", "X-RateLimit-* headers").cannot_tell(
            "no rate-limit headers: the client backs off on 429 without being told how long",
        ),
    });

    let admins = client.admins().list().await;
    checks.push(listed(check("read admins", "GET /admins"), &admins));
    let teams = client.teams().list().await;
    checks.push(listed(check("read teams", "GET /teams"), &teams));
    let types = client.ticket_types().list().await;
    checks.push(listed(
        check("read ticket types", "GET /ticket_types"),
        &types,
    ));
    let states = client.ticket_states().list().await;
    checks.push(listed(
        check("read ticket states", "GET /ticket_states"),
        &states,
    ));
    let tags = client.tags().list().await;
    checks.push(listed(check("read tags", "GET /tags"), &tags));
    let attributes = client.conversation_attributes().list(false).await;
    checks.push(listed(
        check(
            "read conversation attributes",
            "GET /conversations/attributes",
        ),
        &attributes,
    ));
    let help_centers = client.help_center().list_help_centers().await;
    checks.push(match &help_centers {
        Ok(sites) if sites.is_empty() => check("Help Center", "GET /help_center/help_centers")
            .contradicted(
                "no Help Center: articles cannot be published; turn it on in Intercom",
                true,
            ),
        other => listed(check("Help Center", "GET /help_center/help_centers"), other),
    });
    let contacts = client.contacts().list(Some(1)).next().await;
    checks.push(match contacts {
        None | Some(Ok(_)) => check("read contacts", "GET /contacts").held("readable"),
        Some(Err(error)) => check("read contacts", "GET /contacts").failed(error),
    });
    let companies = client.companies().list(Some(1)).next().await;
    checks.push(match companies {
        None | Some(Ok(_)) => check("read companies", "GET /companies").held("readable"),
        Some(Err(error)) => check("read companies", "GET /companies").failed(error),
    });
    checks.push(
        check("write permission", "(not tried: doctor sends no write)").cannot_tell(format!(
            "writes cannot be proven without writing; the token needs: {WRITE_SCOPES}"
        )),
    );
    checks.push(automation_check(project));
    let state_categories: Vec<String> = states
        .iter()
        .flatten()
        .filter_map(|state| Some(state.category.as_ref()?.to_string()))
        .collect();
    checks.extend(mapping_checks(project, &state_categories).await);
    (checks, announced)
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
    let check = |name: &str| Check::new(Side::Intercom, name, "mapping.toml against the workspace");
    let path = project.mapping_path();
    if !path.exists() {
        return vec![check("mapping references").cannot_tell(
            "no mapping.toml yet: `plan` proposes one and checks it against the workspace",
        )];
    }
    let spec = match std::fs::read_to_string(&path)
        .map_err(|error| error.to_string())
        .and_then(|text| MappingSpec::from_toml(&text).map_err(|error| error.to_string()))
    {
        Ok(spec) => spec,
        Err(error) => return vec![check("mapping references").failed(error)],
    };
    let (source, destination) = match (project.source(), project.destination()) {
        (Ok(source), Ok(destination)) => (source, destination),
        (Err(error), _) | (_, Err(error)) => return vec![check("mapping references").failed(error)],
    };
    let source_schema = match migration_core::ports::Source::schema(&source).await {
        Ok(schema) => schema,
        Err(error) => return vec![check("mapping references").failed(error)],
    };
    let schema: DestinationSchema = match Destination::schema(&destination).await {
        Ok(schema) => schema,
        Err(error) => return vec![check("mapping references").failed(error)],
    };
    let report = migration_core::spec::check(&spec, &source_schema, &schema);
    let mut checks = Vec::new();
    if report.issues.is_empty() {
        checks.push(
            check("mapping references")
                .held("every admin, team, ticket type and state the mapping names exists"),
        );
    }
    for issue in &report.issues {
        let line = check(&format!("mapping {}", issue.path));
        checks.push(if issue.blocking {
            line.contradicted(issue.message.clone(), true)
        } else {
            line.cannot_tell(issue.message.clone())
        });
    }
    let mut missing: Vec<&str> = spec
        .statuses
        .iter()
        .map(|rule| rule.ticket_state.as_str())
        .filter(|category| !state_categories.iter().any(|known| known == category))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    checks.push(if missing.is_empty() {
        check("ticket states").held("every ticket state category the mapping uses has a state")
    } else {
        check("ticket states").contradicted(
            format!(
                "the workspace has no ticket state of categor(ies) {}: add one in Intercom",
                missing.join(", ")
            ),
            true,
        )
    });
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
    checks.push(check("reuse").held(format!(
        "{reused} of the mapping's {} attributes and {ticket_types} of its ticket types already exist and are reused",
        spec.fields.len()
    )));
    checks
}
