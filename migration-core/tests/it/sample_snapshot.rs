//! The whole sample instance mapped with the default specification, snapshotted.

use migration_core::idmap::EmptyIdMap;
use migration_core::inventory::build_inventory;
use migration_core::plan::plan_instance;
use migration_core::spec::{check, propose, ConfirmedSpec};
use migration_core::verify::expectations;
use migration_core::{Finding, Phase, ReasonCode};

use crate::common;

/// Every pre-flight finding in report order, with the count of each reason.
#[derive(serde::Serialize)]
struct AllFindings {
    findings: Vec<Finding>,
    counts: std::collections::BTreeMap<ReasonCode, usize>,
}

#[test]
fn the_sample_maps_with_the_default_specification() {
    let Some(instance) = common::sample::sample_instance() else {
        return;
    };
    let destination = common::destination();
    let proposal = propose(&instance.schema, &destination, &common::options());
    insta::assert_yaml_snapshot!("sample_proposal_notes", proposal.notes);
    let spec = common::default_spec(&instance);
    insta::assert_snapshot!("sample_spec_toml", spec.to_toml().unwrap());
    let report = check(&spec, &instance.schema, &destination);
    assert!(report.is_ok(), "{report}");

    let confirmed = ConfirmedSpec::new(
        spec.clone().confirmed("tester", "2024-06-01T00:00:00Z"),
        &instance.schema,
        &destination,
    )
    .unwrap();
    let planned = plan_instance(&confirmed, &instance, &EmptyIdMap).unwrap();
    planned.plan.verify_order(&EmptyIdMap).unwrap();
    insta::assert_yaml_snapshot!("sample_phase_counts", planned.plan.phase_counts());
    insta::assert_yaml_snapshot!("sample_rejections", planned.rejections);
    insta::assert_yaml_snapshot!("sample_plan", planned.plan.operations());

    let (received, report) = common::preflight::streamed(&instance, &spec, &destination);
    let findings = AllFindings {
        findings: common::preflight::sorted(received),
        counts: report.counts,
    };
    insta::assert_yaml_snapshot!("sample_preflight", findings);
    for code in [
        ReasonCode::MissingEmail,
        ReasonCode::MalformedEmail,
        ReasonCode::DuplicateEmail,
        ReasonCode::AttachmentTooLarge,
        ReasonCode::LegacyField,
        ReasonCode::UnparsedPhone,
        ReasonCode::DeletedRecord,
    ] {
        assert!(
            findings.counts.contains_key(&code),
            "the sample's hard case {code:?} is found"
        );
    }
    insta::assert_yaml_snapshot!("sample_inventory", build_inventory(&instance.inventory));
    let expected = expectations(planned.plan.operations());
    assert!(expected.len() > instance.tickets.len());
    assert!(planned.plan.phase_counts()[&Phase::Parts] > 100);
}
