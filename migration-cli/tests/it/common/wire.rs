//! Every entry of the Vivantio assumption registry, broken in the simulator: the ways to break
//! each one and what the tool must do then (shared by `wire_assumptions.rs` and `doctor.rs`).

use fixtures::sim::vivantio::{FieldQuirk, WireQuirks, DEFAULT_RESULT_CAP};
use vivantio_client::assumptions::registry::{ids, Assumption, IfWrong, Subject};

/// How an entry is broken, and what must follow.
pub struct Scenario {
    /// The differences the simulator plays.
    pub quirks: WireQuirks,
    /// What must follow.
    pub expect: Expect,
    /// The simulator's result cap (a refusal's wording matters only where one is refused).
    pub result_cap: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Exactly the undisturbed workspace; the wire report may name a spelling or fallback.
    SameWorkspace,
    /// The same records and messages; a warning or fallback names the assumption.
    NothingLost,
    /// A blocking finding; `migrate` refuses before any write.
    Blocked,
    /// Reading stops, naming the assumption, before any write.
    Stopped,
}

/// The ways to break `assumption` in the simulator.
pub fn scenarios(assumption: &Assumption, called: &[String]) -> Vec<Scenario> {
    match assumption.subject {
        Subject::Endpoint(endpoint) => {
            if !called.contains(&endpoint.path.to_ascii_lowercase()) {
                return Vec::new(); // an action the migration never calls
            }
            let expect = match assumption.if_wrong {
                IfWrong::Fallback => Expect::NothingLost,
                IfWrong::Blocks => Expect::Blocked,
                _ => Expect::Stopped,
            };
            vec![Scenario {
                quirks: WireQuirks::missing_action(endpoint.path),
                expect,
                result_cap: DEFAULT_RESULT_CAP,
            }]
        }
        Subject::Field { endpoint, path, .. } => {
            let absent = Scenario {
                quirks: WireQuirks::field(FieldQuirk::remove(endpoint.path, &first_spelling(path))),
                expect: match assumption.if_wrong {
                    IfWrong::Blocks => Expect::Blocked,
                    IfWrong::Stops => Expect::Stopped,
                    _ => Expect::NothingLost,
                },
                result_cap: DEFAULT_RESULT_CAP,
            };
            let aliases = assumption
                .spellings()
                .into_iter()
                .skip(1)
                .map(|alias| Scenario {
                    quirks: WireQuirks::field(FieldQuirk::rename(
                        endpoint.path,
                        &first_spelling(path),
                        alias,
                    )),
                    expect: Expect::SameWorkspace,
                    result_cap: DEFAULT_RESULT_CAP,
                });
            std::iter::once(absent).chain(aliases).collect()
        }
        Subject::Behaviour => vec![behaviour(assumption.id)],
    }
}

/// The path with only the first spelling of each segment (`Fields[].Options`).
pub fn first_spelling(path: &str) -> String {
    path.split('.')
        .map(|segment| {
            let list = if segment.ends_with("[]") { "[]" } else { "" };
            format!(
                "{}{list}",
                segment
                    .trim_end_matches("[]")
                    .split('|')
                    .next()
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(".")
}

pub fn behaviour(id: &str) -> Scenario {
    let (quirks, expect) = match id {
        ids::ID_QUERYABLE => (
            WireQuirks {
                id_not_queryable: true,
                ..WireQuirks::default()
            },
            Expect::Stopped,
        ),
        ids::TOO_MANY_WORDING => (
            WireQuirks {
                cap_refusal_wording: Some("La requête renvoie trop de lignes".into()),
                ..WireQuirks::default()
            },
            Expect::Stopped,
        ),
        ids::NO_SILENT_TRUNCATION => (
            WireQuirks {
                silent_truncation: Some(7),
                ..WireQuirks::default()
            },
            Expect::SameWorkspace,
        ),
        ids::ID_FILTER_HONOURED => (
            WireQuirks {
                ignore_id_filter: true,
                ..WireQuirks::default()
            },
            Expect::SameWorkspace,
        ),
        ids::EXTRACTION_COMPLETE => (
            WireQuirks {
                unlisted_ids: [1001, 1002].into(),
                ..WireQuirks::default()
            },
            Expect::Stopped,
        ),
        ids::DATE_FORMS => (
            WireQuirks {
                culture_dates: true,
                ..WireQuirks::default()
            },
            Expect::Stopped,
        ),
        ids::INLINE_IMAGES_BASIC_AUTH => (
            WireQuirks {
                inline_images_as_login_page: true,
                ..WireQuirks::default()
            },
            Expect::NothingLost,
        ),
        other => panic!("behaviour assumption {other} has no scenario: add one here"),
    };
    let result_cap = if id == ids::TOO_MANY_WORDING {
        10
    } else {
        DEFAULT_RESULT_CAP
    };
    Scenario {
        quirks,
        expect,
        result_cap,
    }
}
