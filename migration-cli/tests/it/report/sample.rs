//! A realistic report of a finished migration, built from the core's own types: a discovery,
//! pre-flight findings, a sample run and a full run, a verification, a rollback dry run and
//! the written inventory. The sections write their lists into a [`ListFolder`] as they are
//! built, as `report` does.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use migration_cli::report::{
    ArticleTally, AttachmentSummary, CustomFieldCounts, DiscoverySummary, HelpCenterStatus,
    IntercomSummary, ListFolder, MigrationReport, PreflightSection, RollbackSection, RunSection,
    VerificationSection, PREFLIGHT_FINDINGS_FILE,
};
use migration_core::delta::Watermark;
use migration_core::engine::{
    Difference, Failure, FailureCode, ObjectCounts, OperationCounts, Reconciliation,
    RollbackReport, RunMode, RunReport, Stage, StageReport, VerifyCounts, VerifyReport,
    VerifySelection,
};
use migration_core::inventory::build_inventory;
use migration_core::model::destination::{
    Admin, AttributeModel, AttributeType, DestinationSchema, ExistingAttribute, ExistingTicketType,
    Team,
};
use migration_core::model::source::{AdminInventory, SourceKind, SourceRef};
use migration_core::rollback::UndoStep;
use migration_core::validate::PreflightReport;
use migration_core::{Finding, ReasonCode, RecordKey, RecordKind, Rejection, Severity};
use serde_json::json;

/// The title of a ticket whose customer typed markup into it.
pub const HOSTILE_TITLE: &str = "Printer on fire <script>alert('pwned')</script>";

/// The whole example report (its lists written into a folder that is gone afterwards).
pub fn report() -> MigrationReport {
    let lists = tempfile::tempdir().unwrap();
    report_with_lists(&ListFolder::open(lists.path()).unwrap())
}

/// The whole example report, its lists written into `lists`.
pub fn report_with_lists(lists: &ListFolder) -> MigrationReport {
    let mut report = MigrationReport::new(
        "Acme Support",
        Utc.with_ymd_and_hms(2025, 3, 14, 16, 20, 0).unwrap(),
    );
    report.tool_version = "0.1.0".to_string();
    report.discovery = Some(discovery());
    report.preflight = Some(PreflightSection::new(
        &preflight(),
        Some(PREFLIGHT_FINDINGS_FILE.to_string()),
    ));
    report.runs = vec![
        RunSection::new(
            1,
            Some(Utc.with_ymd_and_hms(2025, 3, 12, 9, 5, 0).unwrap()),
            &sample_run(),
            lists,
        )
        .unwrap(),
        RunSection::new(
            2,
            Some(Utc.with_ymd_and_hms(2025, 3, 13, 19, 0, 0).unwrap()),
            &full_run(),
            lists,
        )
        .unwrap(),
    ];
    report.verification = Some(VerificationSection::new(&verification(), lists).unwrap());
    report.rollback = Some(RollbackSection::new(&rollback_dry_run(), lists).unwrap());
    report.inventory = Some(build_inventory(&admin_inventory()));
    report
}

fn r(kind: SourceKind, id: i64) -> SourceRef {
    SourceRef::new(kind, id)
}

fn discovery() -> DiscoverySummary {
    let attribute = |model, name: &str| ExistingAttribute {
        model,
        name: name.to_string(),
        data_type: AttributeType::String,
        options: Vec::new(),
        ticket_type: None,
        archived: false,
    };
    let destination = DestinationSchema {
        attributes: vec![
            attribute(AttributeModel::Contact, "plan"),
            attribute(AttributeModel::Contact, "region"),
            attribute(AttributeModel::Company, "account_manager"),
            attribute(AttributeModel::Conversation, "product_area"),
        ],
        admins: (1..=14)
            .map(|id| Admin {
                id: id.to_string(),
                name: format!("Agent {id}"),
                email: Some(format!("agent{id}@acme.example")),
            })
            .collect(),
        teams: ["Service Desk", "Billing", "Escalations"]
            .iter()
            .enumerate()
            .map(|(id, name)| Team {
                id: id.to_string(),
                name: name.to_string(),
            })
            .collect(),
        ticket_types: vec![ExistingTicketType {
            id: "41".into(),
            name: "Bug report".into(),
        }],
        tags: Vec::new(),
    };
    let mut intercom = IntercomSummary::from_schema(&destination);
    intercom.help_center = HelpCenterStatus::Present {
        collections: 2,
        articles: 7,
    };
    intercom.sla_note =
        "Intercom's API cannot read SLA rules: check in Settings > Helpdesk > SLAs \
                         that the plan includes them; past SLA values move as attributes."
            .to_string();
    let mut attachments = AttachmentSummary::default();
    let limit = 40 * 1024 * 1024;
    for (ticket, name, bytes) in [
        (10_422, "network-capture.pcap", 58_720_256),
        (9_881, "board pack Q4 <final>.pdf", 12_582_912),
        (12_004, "screen-recording.mp4", 41_943_040),
        (7_310, "invoice-2024-118.pdf", 204_800),
        (11_257, "logs.zip", 9_437_184),
    ] {
        attachments.add(ticket, name, bytes, limit, 4);
    }
    attachments.count += 18_240;
    attachments.total_bytes += 6_871_947_673;
    DiscoverySummary {
        records: BTreeMap::from([
            ("actions".to_string(), 391_004),
            ("articles".to_string(), 164),
            ("callers".to_string(), 5_830),
            ("organisations".to_string(), 412),
            ("tickets".to_string(), 48_211),
        ]),
        custom_fields: CustomFieldCounts {
            modern: 37,
            legacy: 6,
        },
        attachments,
        articles: vec![
            ArticleTally {
                category: "Getting started".into(),
                language: "en".into(),
                articles: 41,
            },
            ArticleTally {
                category: "Billing".into(),
                language: "en".into(),
                articles: 58,
            },
            ArticleTally {
                category: "Billing".into(),
                language: "fr".into(),
                articles: 23,
            },
            ArticleTally {
                category: "Troubleshooting".into(),
                language: "en".into(),
                articles: 42,
            },
        ],
        agents: 42,
        groups: 9,
        intercom,
        wire: Default::default(),
        doctor: None,
        field_usage: Default::default(),
    }
}

fn preflight() -> PreflightReport {
    let findings = vec![
        Finding::new(
            Severity::Error,
            r(SourceKind::Ticket, 10_977),
            ReasonCode::UnmappedTicketType,
            "ticket type \"Change Request\" has no rule in the specification",
            "add a [[ticket_types]] rule for it in mapping.toml",
        ),
        Finding::new(
            Severity::Warning,
            r(SourceKind::Caller, 3_310),
            ReasonCode::MissingEmail,
            "caller \"J. Smith\" has no email; becomes a flagged anonymous lead",
            "add the email in Vivantio to make them a user",
        ),
        Finding::new(
            Severity::Warning,
            r(SourceKind::Caller, 4_108),
            ReasonCode::DuplicateEmail,
            "3 callers share ops@harbour.example; they become one contact",
            "nothing to do unless they are different people",
        ),
        Finding::new(
            Severity::Warning,
            r(SourceKind::Attachment, 88_120),
            ReasonCode::AttachmentTooLarge,
            "network-capture.pcap is 56.0 MiB, over Intercom's 40 MiB limit",
            "share it by link, or raise attachments.max_bytes if the workspace allows",
        ),
        Finding::new(
            Severity::Info,
            r(SourceKind::Ticket, 9_204),
            ReasonCode::LegacyField,
            "legacy field values: Impact into `vivantio_impact`",
            "review [[legacy_fields]] if a value should become an attribute",
        ),
    ];
    PreflightReport::from_findings(findings)
}

fn counts(source: u64, moved: u64, skipped: u64, rejected: u64, failed: u64) -> ObjectCounts {
    ObjectCounts {
        source,
        moved,
        skipped,
        rejected,
        failed,
        out_of_scope: 0,
    }
}

fn stage(stage: Stage, records: ObjectCounts, requests: u64, duration_ms: u64) -> StageReport {
    let mut report = StageReport::new(stage);
    report.records = records;
    report.operations = OperationCounts {
        sent: requests,
        requests,
        ..OperationCounts::default()
    };
    report.duration_ms = duration_ms;
    if stage.source_kind().is_some() {
        report.reconciliation = Some(Reconciliation {
            source: records.source,
            present: records.moved + records.skipped,
            rejected: records.rejected,
            failed: records.failed,
            unaccounted: 0,
            matches: true,
            out_of_scope: 0,
        });
    }
    report
}

fn finish(mut run: RunReport, stages: Vec<StageReport>) -> RunReport {
    for report in stages {
        if let Some(kind) = report.stage.source_kind() {
            run.objects.entry(kind).or_default().add(&report.records);
        }
        run.requests += report.operations.requests;
        run.duration_ms += report.duration_ms;
        run.stages.push(report);
    }
    let moved: u64 = run.objects.values().map(|counts| counts.moved).sum();
    run.requests_per_record = run.requests as f64 / moved as f64;
    run
}

fn sample_run() -> RunReport {
    let mut run = RunReport::new(RunMode::Sample { tickets: 25 }, false);
    run.sample = (0..25)
        .map(|n| r(SourceKind::Ticket, 9_000 + n * 37))
        .collect();
    finish(
        run,
        vec![
            stage(Stage::Schema, ObjectCounts::default(), 46, 3_120),
            stage(Stage::People, ObjectCounts::default(), 2, 640),
            stage(Stage::Companies, counts(11, 11, 0, 0, 0), 11, 1_480),
            stage(Stage::Contacts, counts(23, 23, 0, 0, 0), 41, 2_950),
            stage(Stage::Tickets, counts(25, 25, 0, 0, 0), 212, 18_400),
        ],
    )
}

fn full_run() -> RunReport {
    let mut run = RunReport::new(RunMode::Full, false);
    run.rejections = vec![
        Rejection::new(
            r(SourceKind::Ticket, 10_977),
            ReasonCode::UnmappedTicketType,
            "ticket type \"Change Request\" has no rule in the specification",
            "add a [[ticket_types]] rule for it in mapping.toml",
        ),
        Rejection::new(
            r(SourceKind::Ticket, 11_020),
            ReasonCode::UnmappedTicketType,
            "ticket type \"Change Request\" has no rule in the specification",
            "add a [[ticket_types]] rule for it in mapping.toml",
        ),
        Rejection::new(
            r(SourceKind::Ticket, 12_301),
            ReasonCode::MissingDate,
            format!("ticket \"{HOSTILE_TITLE}\" has no opening date"),
            "set the ticket's open date in Vivantio",
        ),
        Rejection::new(
            r(SourceKind::Article, 77),
            ReasonCode::MissingCategory,
            "article \"Reset your password | self-service\" is in a category outside the knowledge base",
            "move the article to a knowledge-base category",
        ),
    ];
    run.failures = vec![Failure {
        record: Some(r(SourceKind::Ticket, 13_554)),
        mark: "add-part:ticket:vivantio-ticket:13554:14".into(),
        operation: "add_part".to_string(),
        code: FailureCode::DestinationRejected,
        message: "Intercom refused the part: body is too long (max 65535 characters)".to_string(),
        fix: FailureCode::DestinationRejected.fix().to_string(),
    }];
    run.findings = BTreeMap::from([
        (ReasonCode::UnparsedPhone, 37),
        (ReasonCode::UnmatchedAuthor, 212),
        (ReasonCode::PartOrderConflict, 9),
    ]);
    run.unlinked_children = vec![r(SourceKind::Ticket, 11_021)];
    run.watermark = Some(Watermark::at(1_741_892_400));
    finish(
        run,
        vec![
            stage(Stage::Schema, ObjectCounts::default(), 12, 2_210),
            stage(Stage::People, ObjectCounts::default(), 2, 580),
            stage(Stage::Companies, counts(412, 401, 11, 0, 0), 401, 61_300),
            stage(
                Stage::Contacts,
                counts(5_830, 5_807, 23, 0, 0),
                11_655,
                742_000,
            ),
            stage(Stage::Collections, counts(6, 6, 0, 0, 0), 6, 1_900),
            stage(Stage::Articles, counts(164, 163, 0, 1, 0), 163, 29_800),
            stage(Stage::ArticleLinks, ObjectCounts::default(), 41, 8_700),
            stage(
                Stage::Tickets,
                counts(48_211, 48_182, 25, 3, 1),
                436_902,
                14_870_000,
            ),
            stage(Stage::Links, ObjectCounts::default(), 1_204, 98_000),
        ],
    )
}

fn verification() -> VerifyReport {
    let verified = |migrated, checked, differing, missing| VerifyCounts {
        migrated,
        checked,
        matching: checked - differing - missing,
        differing,
        missing,
    };
    VerifyReport {
        selection: VerifySelection::Percent {
            percent: 10,
            seed: 7,
        },
        objects: BTreeMap::from([
            (RecordKind::Company, verified(412, 41, 0, 0)),
            (RecordKind::Contact, verified(5_830, 583, 0, 0)),
            (RecordKind::Collection, verified(6, 6, 0, 0)),
            (RecordKind::Article, verified(163, 16, 0, 0)),
            (RecordKind::Conversation, verified(39_020, 3_902, 1, 0)),
            (RecordKind::Ticket, verified(9_187, 919, 1, 1)),
        ]),
        differences: vec![
            Difference {
                record: r(SourceKind::Ticket, 12_088),
                key: RecordKey::conversation(12_088),
                destination_id: Some("215468754".to_string()),
                field: "title".to_string(),
                expected: json!(HOSTILE_TITLE),
                found: Some(json!("Printer on fire alert('pwned')")),
            },
            Difference {
                record: r(SourceKind::Ticket, 10_433),
                key: RecordKey::ticket(10_433),
                destination_id: Some("88021".to_string()),
                field: "parts.3.created_at".to_string(),
                expected: json!(1_709_302_513),
                found: Some(json!(1_709_302_514)),
            },
            Difference {
                record: r(SourceKind::Ticket, 10_980),
                key: RecordKey::ticket(10_980),
                destination_id: None,
                field: "record".to_string(),
                expected: json!("present in the destination"),
                found: None,
            },
        ],
        unreadable_parts: Vec::new(),
        foreign_parts: Vec::new(),
        interrupted: false,
        duration_ms: 1_284_000,
    }
}

fn rollback_dry_run() -> RollbackReport {
    let delete = |kind, id: &str, key| UndoStep::Delete {
        kind,
        id: id.to_string(),
        key,
    };
    RollbackReport {
        dry_run: true,
        steps: vec![
            delete(RecordKind::Ticket, "88021", RecordKey::ticket(10_433)),
            delete(
                RecordKind::Conversation,
                "215468754",
                RecordKey::conversation(12_088),
            ),
            delete(RecordKind::Contact, "65f0a1", RecordKey::contact(3_310)),
            UndoStep::Archive {
                kind: RecordKind::Attribute,
                id: "9001".to_string(),
                key: RecordKey::attribute("conversation", "vivantio_impact"),
            },
            UndoStep::Untag {
                kind: RecordKind::Contact,
                id: "65f0b7".to_string(),
                tag_id: "tag-512".to_string(),
            },
        ],
        uncertain: vec![
            "create-conversation:conversation:vivantio-ticket:13555: timed out".to_string(),
        ],
        duration_ms: 3_400,
        ..RollbackReport::default()
    }
}

fn admin_inventory() -> AdminInventory {
    serde_json::from_str(include_str!("admin_inventory.json")).unwrap()
}
