//! The load plan: operations in phase order, parents before children, with a check that no
//! operation references a record an earlier step has not created.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::error::SpecError;
use crate::idmap::IdMapView;
use crate::keys::RecordKey;
use crate::model::source::{SourceInstance, KNOWLEDGE_BASE_RECORD_TYPE};
use crate::ops::{DestinationOp, Mark, Operation, Phase};
use crate::reject::{Finding, Rejection};
use crate::spec::ConfirmedSpec;
use crate::transform::Mapper;

/// Operations in the order they must run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadPlan {
    operations: Vec<Operation>,
}

/// Why a plan's order is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "violation", rename_all = "snake_case")]
pub enum OrderViolation {
    /// An operation runs in an earlier phase than the one before it.
    PhaseGoesBack {
        /// The operation.
        mark: Mark,
    },
    /// An operation requires a record nothing earlier creates and the ID map does not have.
    NotCreatedBefore {
        /// The operation.
        mark: Mark,
        /// The missing record.
        missing: RecordKey,
    },
    /// An operation requires a record created in its own phase, where that is not allowed.
    CreatedInSamePhase {
        /// The operation.
        mark: Mark,
        /// The record.
        key: RecordKey,
    },
    /// Two operations create the same record or share a mark.
    Duplicate {
        /// The mark.
        mark: Mark,
    },
    /// A thread's parts are not in chronological order.
    PartsOutOfOrder {
        /// The part.
        mark: Mark,
    },
}

impl LoadPlan {
    /// Orders operations: by phase; within phases that allow it, records before the records
    /// that need them; threads of parents before threads of children; parts by time (equal
    /// times as given); otherwise as given.
    pub fn from_operations(operations: Vec<Operation>) -> Self {
        let mut by_phase: BTreeMap<Phase, Vec<Operation>> = BTreeMap::new();
        for operation in operations {
            by_phase.entry(operation.phase).or_default().push(operation);
        }
        let child_of: HashMap<RecordKey, RecordKey> = by_phase
            .get(&Phase::Links)
            .into_iter()
            .flatten()
            .filter_map(|operation| match &operation.op {
                DestinationOp::LinkThreads { parent, child } => {
                    Some((child.clone(), parent.clone()))
                }
                _ => None,
            })
            .collect();
        let mut ordered = Vec::new();
        for (phase, operations) in by_phase {
            if phase.allows_dependencies_within() {
                ordered.extend(dependencies_first(operations, |operation| {
                    operation.requires.clone()
                }));
            } else if phase == Phase::Threads {
                ordered.extend(dependencies_first(operations, |operation| {
                    operation
                        .creates
                        .as_ref()
                        .and_then(|key| child_of.get(key))
                        .cloned()
                        .into_iter()
                        .collect()
                }));
            } else if phase == Phase::Parts {
                let mut operations = operations;
                // Stable: parts with the same time keep the order the mapping gave them.
                operations.sort_by_key(|operation| match &operation.op {
                    DestinationOp::AddPart { part, .. } => part.created_at,
                    _ => i64::MIN,
                });
                ordered.extend(operations);
            } else {
                ordered.extend(operations);
            }
        }
        Self {
            operations: ordered,
        }
    }

    /// A plan in exactly the given order, for checking an order made elsewhere (an engine
    /// that streams tickets builds its own order and can check it with
    /// [`LoadPlan::verify_order`]).
    pub fn as_given(operations: Vec<Operation>) -> Self {
        Self { operations }
    }

    /// The operations, in order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// Number of operations per phase.
    pub fn phase_counts(&self) -> BTreeMap<Phase, usize> {
        let mut counts = BTreeMap::new();
        for operation in &self.operations {
            *counts.entry(operation.phase).or_default() += 1;
        }
        counts
    }

    /// Checks the order: phases never go back; every required record is in `existing` or is
    /// created by an earlier operation of an earlier phase (or of the same phase where the
    /// phase allows it); no record is created twice and no mark repeats; every thread's parts
    /// are chronological.
    pub fn verify_order(&self, existing: &dyn IdMapView) -> Result<(), Vec<OrderViolation>> {
        let mut violations = Vec::new();
        let mut created: HashMap<&RecordKey, Phase> = HashMap::new();
        let mut marks: HashSet<&str> = HashSet::new();
        let mut last_part: HashMap<&RecordKey, i64> = HashMap::new();
        let mut phase = Phase::Schema;
        for operation in &self.operations {
            let mark = || operation.mark.clone();
            if operation.phase < phase {
                violations.push(OrderViolation::PhaseGoesBack { mark: mark() });
            }
            phase = phase.max(operation.phase);
            for key in &operation.requires {
                match created.get(key) {
                    Some(at)
                        if *at == operation.phase
                            && !operation.phase.allows_dependencies_within() =>
                    {
                        violations.push(OrderViolation::CreatedInSamePhase {
                            mark: mark(),
                            key: key.clone(),
                        });
                    }
                    Some(_) => {}
                    None if existing.contains(key) => {}
                    None => violations.push(OrderViolation::NotCreatedBefore {
                        mark: mark(),
                        missing: key.clone(),
                    }),
                }
            }
            if let Some(key) = &operation.creates {
                if created.insert(key, operation.phase).is_some() {
                    violations.push(OrderViolation::Duplicate { mark: mark() });
                }
            }
            if !marks.insert(&operation.mark) && operation.creates.is_none() {
                violations.push(OrderViolation::Duplicate { mark: mark() });
            }
            if let DestinationOp::AddPart { thread, part } = &operation.op {
                let last = last_part.entry(thread).or_insert(i64::MIN);
                if part.created_at < *last {
                    violations.push(OrderViolation::PartsOutOfOrder { mark: mark() });
                }
                *last = part.created_at;
            }
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(violations)
        }
    }
}

/// Stable topological order: an operation comes after the operations (of the same list) that
/// create what `needs` returns; among independent ones the given order holds; a cycle is
/// broken by the given order.
fn dependencies_first(
    operations: Vec<Operation>,
    needs: impl Fn(&Operation) -> Vec<RecordKey>,
) -> Vec<Operation> {
    let creator: HashMap<RecordKey, usize> = operations
        .iter()
        .enumerate()
        .filter_map(|(index, operation)| operation.creates.clone().map(|key| (key, index)))
        .collect();
    let mut placed = vec![false; operations.len()];
    let mut visiting = vec![false; operations.len()];
    let mut order = Vec::with_capacity(operations.len());
    fn visit(
        index: usize,
        edges: &[Vec<usize>],
        placed: &mut [bool],
        visiting: &mut [bool],
        order: &mut Vec<usize>,
    ) {
        if placed[index] || visiting[index] {
            return;
        }
        visiting[index] = true;
        for &before in &edges[index] {
            visit(before, edges, placed, visiting, order);
        }
        visiting[index] = false;
        placed[index] = true;
        order.push(index);
    }
    let edges: Vec<Vec<usize>> = operations
        .iter()
        .enumerate()
        .map(|(index, operation)| {
            needs(operation)
                .iter()
                .filter_map(|key| creator.get(key).copied())
                .filter(|before| *before != index)
                .collect()
        })
        .collect();
    for index in 0..operations.len() {
        visit(index, &edges, &mut placed, &mut visiting, &mut order);
    }
    let mut slots: Vec<Option<Operation>> = operations.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|index| slots[index].take())
        .collect()
}

/// A plan for a whole instance, with everything that will not move.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstancePlan {
    /// The plan.
    pub plan: LoadPlan,
    /// Records that do not move.
    pub rejections: Vec<Rejection>,
    /// What a person should know.
    pub findings: Vec<Finding>,
}

/// Plans a whole in-memory instance with a confirmed specification.
pub fn plan_instance(
    spec: &ConfirmedSpec,
    instance: &SourceInstance,
    ids: &dyn IdMapView,
) -> Result<InstancePlan, SpecError> {
    let mapper = Mapper::new(spec.spec(), &instance.schema, instance.directory())?;
    Ok(plan_with(&mapper, instance, ids))
}

/// Plans a whole in-memory instance with a mapper (for previews of an unconfirmed
/// specification; runs must use [`plan_instance`]).
pub fn plan_with(mapper: &Mapper, instance: &SourceInstance, ids: &dyn IdMapView) -> InstancePlan {
    let mut result = InstancePlan::default();
    let mut operations = mapper.setup_operations(&instance.schema);
    let absorb = |mapped: Result<crate::transform::Mapped, Rejection>,
                  result: &mut InstancePlan,
                  operations: &mut Vec<Operation>| match mapped {
        Ok(mut mapped) => {
            operations.append(&mut mapped.operations);
            result.findings.append(&mut mapped.findings);
        }
        Err(rejection) => result.rejections.push(rejection),
    };
    for organisation in &instance.organisations {
        absorb(
            mapper.map_organisation(organisation),
            &mut result,
            &mut operations,
        );
    }
    let mut callers: Vec<_> = instance.callers.iter().collect();
    callers.sort_by_key(|caller| caller.id);
    for caller in callers {
        absorb(mapper.map_caller(caller), &mut result, &mut operations);
    }
    for category in instance
        .schema
        .categories
        .iter()
        .filter(|category| category.record_type_id == KNOWLEDGE_BASE_RECORD_TYPE)
    {
        absorb(mapper.map_category(category), &mut result, &mut operations);
    }
    for article in &instance.articles {
        absorb(
            mapper.map_article(article, ids),
            &mut result,
            &mut operations,
        );
    }
    for ticket in &instance.tickets {
        absorb(mapper.map_ticket(ticket, ids), &mut result, &mut operations);
    }
    drop_dangling_links(&mut operations, ids, &mut result.findings);
    let placeholder = RecordKey::placeholder_contact();
    if operations
        .iter()
        .any(|operation| operation.requires.contains(&placeholder))
    {
        operations.extend(mapper.placeholder_contact_operations());
    }
    result.plan = LoadPlan::from_operations(operations);
    result
}

/// Links reference other tickets, which may not move (rejected, deleted): those links are
/// dropped with a finding instead of failing the plan.
fn drop_dangling_links(
    operations: &mut Vec<Operation>,
    ids: &dyn IdMapView,
    findings: &mut Vec<Finding>,
) {
    let created: HashSet<RecordKey> = operations
        .iter()
        .filter_map(|operation| operation.creates.clone())
        .collect();
    operations.retain(|operation| {
        let DestinationOp::LinkThreads { parent, child } = &operation.op else {
            return true;
        };
        let exists = |key: &RecordKey| created.contains(key) || ids.contains(key);
        if exists(parent) && exists(child) {
            return true;
        }
        if let Some(record) = operation.source {
            findings.push(dangling_link(record, parent));
        }
        false
    });
}

/// The finding of a child whose link is dropped because its parent's thread is not created.
pub(crate) fn dangling_link(child: crate::model::source::SourceRef, parent: &RecordKey) -> Finding {
    Finding::new(
        crate::reject::Severity::Warning,
        child,
        crate::reject::ReasonCode::MissingParent,
        format!(
            "the parent ticket ({parent}) does not move, so the child is tagged but not linked"
        ),
        "check why the parent ticket is rejected",
    )
}
