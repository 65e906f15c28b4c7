//! Maps generated tickets (five parts each) with the default specification.
//!
//! Criterion measures throughput on batches of 10,000 tickets; then one stream of a million
//! tickets is mapped once, timed, with the process's peak memory read before and after, to show
//! that memory does not grow with the number of tickets.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use migration_core::idmap::EmptyIdMap;
use migration_core::model::destination::DestinationSchema;
use migration_core::model::source::*;
use migration_core::spec::{propose, ProposalOptions};
use migration_core::transform::{Mapper, SourceDirectory};
use migration_core::DestinationOp;
use serde_json::json;

/// The CLI runs with mimalloc (see migration-cli/src/main.rs); the bench measures what it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn schema() -> SourceSchema {
    SourceSchema {
        ticket_types: vec![
            TicketType {
                id: 11,
                name: "Incident".into(),
                name_plural: "Incidents".into(),
                enabled: true,
            },
            TicketType {
                id: 13,
                name: "Service Request".into(),
                name_plural: "Service Requests".into(),
                enabled: true,
            },
        ],
        statuses: vec![
            Status {
                id: 1,
                name: "New".into(),
                kind: StatusKind::Open,
                record_type_id: None,
                enabled: true,
            },
            Status {
                id: 6,
                name: "Closed".into(),
                kind: StatusKind::Closed,
                record_type_id: None,
                enabled: true,
            },
        ],
        priorities: (0..4)
            .map(|n| Priority {
                id: 41 + n,
                name: format!("P{} - level", n + 1),
                record_type_id: None,
                order: Some(n as i32),
            })
            .collect(),
        categories: (0..20)
            .map(|n| Category {
                id: 600 + n,
                name: format!("Category {n}"),
                parent_id: (n > 4).then_some(600 + n % 5),
                record_type_id: 11,
                enabled: true,
            })
            .collect(),
        agents: (0..20)
            .map(|n| Agent {
                id: 200 + n,
                first_name: format!("Agent{n}"),
                last_name: "Smith".into(),
                email: Some(format!("agent{n}@helpdesk.example")),
                enabled: true,
            })
            .collect(),
        groups: (0..4)
            .map(|n| Group {
                id: 300 + n,
                name: format!("Group {n}"),
                description: None,
                enabled: true,
                agent_ids: Vec::new(),
            })
            .collect(),
        sla_targets: vec![SlaTarget {
            id: 1,
            priority_id: 41,
            stage_name: "Resolution".into(),
            target_minutes: 240,
            business_hours_only: false,
        }],
        origins: vec![
            Origin {
                id: 1,
                name: Some("Email".into()),
            },
            Origin {
                id: 2,
                name: Some("Phone".into()),
            },
        ],
        custom_forms: vec![CustomForm {
            id: 801,
            name: "Incident details".into(),
            record_type_id: 11,
            fields: vec![
                FieldDefinition {
                    id: 8103,
                    name: "UsersAffected".into(),
                    label: None,
                    field_type: FieldType::Number,
                    required: false,
                    options: Vec::new(),
                },
                FieldDefinition {
                    id: 8108,
                    name: "Impact".into(),
                    label: None,
                    field_type: FieldType::DropDown,
                    required: false,
                    options: vec![
                        FieldOption {
                            id: 1,
                            value: "Single user".into(),
                        },
                        FieldOption {
                            id: 2,
                            value: "Team".into(),
                        },
                    ],
                },
            ],
        }],
        legacy_fields: Vec::new(),
    }
}

const CALLERS: i64 = 10_000;

fn callers() -> Vec<Caller> {
    (0..CALLERS)
        .map(|n| Caller {
            id: n,
            name: Some(format!("Caller {n}")),
            first_name: None,
            last_name: None,
            email: Some(format!("caller{n}@customer{}.example", n % 50)),
            phone: None,
            client_id: Some(n % 50),
            location_name: None,
            notes: None,
            external_key: None,
            created_at: None,
            updated_at: None,
            deleted: false,
            custom_values: Vec::new(),
        })
        .collect()
}

/// Ticket `n` with five actions: caller message, agent reply, private note, caller reply,
/// agent reply with an attachment.
fn ticket(n: i64) -> Ticket {
    let base = 1_600_000_000 + n * 600;
    let caller = n % CALLERS;
    let agent = 200 + n % 20;
    let action = |offset: i64,
                  id: i64,
                  agent_id: Option<i64>,
                  email: Option<String>,
                  private: bool,
                  html: bool| Action {
        id,
        at: SourceTime::from_unix(base + offset),
        agent_id,
        author_name: None,
        author_email: email,
        kind: Some("Note".into()),
        notes: (!html)
            .then(|| format!("Message {id} about ticket {n}.\nSecond line with details.")),
        notes_html: html.then(|| {
            format!("<p>Message {id} about ticket <b>{n}</b>.</p><p>Second paragraph.</p>")
        }),
        private,
        status_id: None,
        attachments: Vec::new(),
    };
    let caller_email = Some(format!("caller{caller}@customer{}.example", caller % 50));
    let mut last = action(250, n * 10 + 5, Some(agent), None, false, true);
    if n % 4 == 0 {
        last.attachments.push(Attachment {
            id: n,
            guid: format!("guid-{n}"),
            file_name: "screenshot.png".into(),
            content_type: Some("image/png".into()),
            size: Some(120_000),
            private: false,
            created_at: None,
        });
    }
    Ticket {
        id: n,
        display_id: Some(format!("INC-{n}")),
        record_type_id: if n % 5 == 0 { 13 } else { 11 },
        title: format!("Printer on floor {} is jammed", n % 7),
        description: Some(format!(
            "The printer on floor {} jams on every print job since this morning.",
            n % 7
        )),
        description_html: None,
        solution: None,
        status_id: Some(if n % 3 == 0 { 1 } else { 6 }),
        priority_id: Some(41 + n % 4),
        category_id: Some(600 + n % 20),
        origin: Some(1 + n % 2),
        caller_id: Some(caller),
        caller_name: None,
        caller_email: None,
        client_id: Some(caller % 50),
        owner_id: Some(agent),
        group_id: Some(300 + n % 4),
        opened_at: SourceTime::from_unix(base),
        closed_at: None,
        resolved_at: None,
        updated_at: SourceTime::from_unix(base + 300),
        deleted: false,
        custom_values: vec![
            FieldValue {
                field_id: 8103,
                value: json!(n % 40),
            },
            FieldValue {
                field_id: 8108,
                value: json!(1 + n % 2),
            },
        ],
        legacy_values: Vec::new(),
        actions: vec![
            action(10, n * 10 + 1, None, caller_email.clone(), false, false),
            action(60, n * 10 + 2, Some(agent), None, false, true),
            action(120, n * 10 + 3, Some(agent), None, true, false),
            action(180, n * 10 + 4, None, caller_email, false, true),
            last,
        ],
        attachments: Vec::new(),
        parent_ids: Vec::new(),
        sla: vec![SlaInstance {
            id: n,
            stage_name: "Resolution".into(),
            target_at: SourceTime::from_unix(base + 14_400),
            completed_at: None,
            breached: false,
        }],
    }
}

fn mapper() -> Mapper {
    let schema = schema();
    let options = ProposalOptions {
        source_time_zone: "Europe/London".into(),
        fallback_admin_email: "bot@helpdesk.example".into(),
    };
    let spec = propose(&schema, &DestinationSchema::default(), &options).spec;
    let callers = callers();
    let mut directory = SourceDirectory::builder();
    for caller in &callers {
        directory.add_caller(caller);
    }
    Mapper::new(&spec, &schema, directory.finish()).expect("the proposed specification compiles")
}

/// Maps tickets `from..to` as a stream (each ticket generated, mapped and dropped), returning
/// the number of operations and parts.
fn map_stream(mapper: &Mapper, from: i64, to: i64) -> (usize, usize) {
    let mut operations = 0;
    let mut parts = 0;
    for n in from..to {
        let mapped = mapper
            .map_ticket(&ticket(n), &EmptyIdMap)
            .expect("generated tickets map");
        operations += mapped.operations.len();
        parts += mapped
            .operations
            .iter()
            .filter(|op| matches!(op.op, DestinationOp::AddPart { .. }))
            .count();
        black_box(mapped);
    }
    (operations, parts)
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|value| value.parse().ok())
}

fn bench(criterion: &mut Criterion) {
    let mapper = mapper();
    let mut group = criterion.benchmark_group("map_tickets");
    const BATCH: i64 = 10_000;
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("stream_of_10k_tickets_5_parts", |bencher| {
        bencher.iter(|| map_stream(&mapper, 0, BATCH))
    });
    group.bench_function("generate_only_10k_tickets", |bencher| {
        bencher.iter(|| {
            for n in 0..BATCH {
                black_box(ticket(n));
            }
        })
    });
    group.finish();
}

fn million_stream_report() {
    let mapper = mapper();
    let before = peak_memory_kib();
    let started = Instant::now();
    let (first_ops, _) = map_stream(&mapper, 0, 100_000);
    let after_100k = peak_memory_kib();
    let (rest_ops, parts) = map_stream(&mapper, 100_000, 1_000_000);
    let elapsed = started.elapsed();
    let after_1m = peak_memory_kib();
    println!(
        "one stream of 1,000,000 tickets (5 actions each; generation included): {:.2} s, {} operations, {} parts after the first 100k; peak RSS KiB before {:?}, after 100k {:?}, after 1M {:?}",
        elapsed.as_secs_f64(),
        first_ops + rest_ops,
        parts,
        before,
        after_100k,
        after_1m
    );
}

/// `MAP_TICKETS_PROFILE=<count>`: maps `count` tickets once and exits, without Criterion, so a
/// profiler (callgrind) sees only the mapping work and its setup.
fn profile_run(count: &str) {
    let count: i64 = count
        .parse()
        .unwrap_or_else(|_| panic!("MAP_TICKETS_PROFILE must be a ticket count, not `{count}`"));
    let mapper = mapper();
    let (operations, parts) = map_stream(&mapper, 0, count);
    println!("mapped {count} tickets: {operations} operations, {parts} parts");
}

fn main() {
    if let Ok(count) = std::env::var("MAP_TICKETS_PROFILE") {
        profile_run(&count);
        return;
    }
    let mut criterion = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
    if std::env::args().any(|arg| arg == "--bench") {
        million_stream_report();
    }
}
