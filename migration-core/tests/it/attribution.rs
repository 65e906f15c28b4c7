//! Who a migrated part says wrote it: an agent the fallback admin stands in for is named at
//! the top of the part, as an author the instance cannot place is.

use migration_core::idmap::EmptyIdMap;
use migration_core::model::destination::{PartAuthor, PartKind, PartRecord};
use migration_core::model::source::{Action, SourceInstance};
use migration_core::spec::MappingSpec;
use migration_core::transform::Mapper;
use migration_core::{DestinationOp, RecordKey};

use crate::common;

const SARAH: &str = "sarah.mitchell@brightline-it.co.uk";
const FALLBACK: &str = "migration@brightline.example";

/// An action of the small instance's first ticket, reshaped.
fn action(
    instance: &SourceInstance,
    agent_id: Option<i64>,
    name: Option<&str>,
    email: Option<&str>,
    private: bool,
) -> Action {
    let mut action = instance.tickets[0].actions[3].clone();
    action.id = 80001;
    action.agent_id = agent_id;
    action.author_name = name.map(str::to_string);
    action.author_email = email.map(str::to_string);
    action.notes = Some("Replaced the fuser".into());
    action.private = private;
    action.attachments = Vec::new();
    action
}

/// The part the one action becomes, with `spec` edited by `edit`.
fn part_of(action: Action, edit: impl FnOnce(&mut MappingSpec)) -> PartRecord {
    let mut instance = common::small_instance();
    let mut ticket = instance.tickets[0].clone();
    ticket.actions = vec![action];
    ticket.legacy_values = Vec::new();
    instance.tickets = vec![ticket];
    let mut spec = common::default_spec(&instance);
    edit(&mut spec);
    let mapper = Mapper::new(&spec, &instance.schema, instance.directory()).unwrap();
    let mapped = mapper
        .map_ticket(&instance.tickets[0], &EmptyIdMap)
        .unwrap();
    mapped
        .operations
        .into_iter()
        .find_map(|operation| match operation.op {
            DestinationOp::AddPart { part, .. }
                if operation.mark == "part:vivantio-action:80001" =>
            {
                Some(part)
            }
            _ => None,
        })
        .expect("the action becomes a part")
}

fn to_fallback(spec: &mut MappingSpec) {
    spec.admins
        .overrides
        .insert("201".into(), FALLBACK.to_uppercase());
}

/// One action, the mapping it is read with, and the part it must become.
struct Case {
    case: &'static str,
    action: Action,
    edit: fn(&mut MappingSpec),
    author: PartAuthor,
    kind: PartKind,
    /// Who the part says it is originally from, if it says.
    opening: Option<&'static str>,
}

#[test]
fn parts_name_whoever_the_fallback_admin_writes_for() {
    let instance = common::small_instance();
    let fallback = PartAuthor::Admin(RecordKey::fallback_admin());
    let sarah = PartAuthor::Admin(RecordKey::admin(201));
    let unchanged: fn(&mut MappingSpec) = |_| {};
    let sarah_is_the_fallback: fn(&mut MappingSpec) = |spec| {
        spec.admins.fallback_email = SARAH.into();
        spec.admins.overrides.insert("201".into(), SARAH.into());
    };
    let cases = vec![
        Case {
            case: "agent with an admin",
            action: action(&instance, Some(201), Some("Sarah Mitchell"), None, false),
            edit: unchanged,
            author: sarah.clone(),
            kind: PartKind::Comment,
            opening: None,
        },
        Case {
            case: "agent the mapping gives the fallback admin, public reply",
            action: action(&instance, Some(201), None, None, false),
            edit: to_fallback,
            author: fallback.clone(),
            kind: PartKind::Comment,
            opening: Some("Sarah Mitchell"),
        },
        Case {
            case: "agent the mapping gives the fallback admin, private note",
            action: action(&instance, Some(201), None, None, true),
            edit: to_fallback,
            author: fallback.clone(),
            kind: PartKind::Note,
            opening: Some("Sarah Mitchell"),
        },
        Case {
            case: "agent found by the author email, given the fallback admin",
            action: action(
                &instance,
                None,
                None,
                Some(" Sarah.Mitchell@Brightline-IT.co.uk "),
                false,
            ),
            edit: to_fallback,
            author: fallback.clone(),
            kind: PartKind::Comment,
            opening: Some("Sarah Mitchell"),
        },
        Case {
            case: "agent who is the fallback admin",
            action: action(&instance, Some(201), None, None, false),
            edit: sarah_is_the_fallback,
            author: sarah.clone(),
            kind: PartKind::Comment,
            opening: None,
        },
        Case {
            case: "agent the instance does not know, with a name",
            action: action(&instance, Some(999), Some("Dana <b>Old</b>"), None, false),
            edit: unchanged,
            author: fallback.clone(),
            kind: PartKind::Comment,
            opening: Some("Dana &lt;b&gt;Old&lt;/b&gt;"),
        },
        Case {
            case: "agent the instance does not know, without a name",
            action: action(&instance, Some(999), Some("  "), None, true),
            edit: unchanged,
            author: fallback.clone(),
            kind: PartKind::Note,
            opening: Some("agent 999"),
        },
        Case {
            case: "author nobody knows",
            action: action(
                &instance,
                None,
                Some("Pat Doe"),
                Some("pat@elsewhere.example"),
                false,
            ),
            edit: unchanged,
            author: fallback.clone(),
            kind: PartKind::Note,
            opening: Some("Pat Doe &lt;pat@elsewhere.example&gt;"),
        },
    ];
    for Case {
        case,
        action,
        edit,
        author,
        kind,
        opening,
    } in cases
    {
        let part = part_of(action, edit);
        assert_eq!(part.author, author, "{case}");
        assert_eq!(part.kind, kind, "{case}");
        let expected = match opening {
            Some(who) => format!("<p><em>Originally from {who}:</em></p><p>Replaced the fuser</p>"),
            None => "<p>Replaced the fuser</p>".to_string(),
        };
        assert_eq!(part.body_html, expected, "{case}");
    }
}

#[test]
fn a_stand_in_part_reads_as_the_agent_wrote_it() {
    let instance = common::small_instance();
    let part = part_of(action(&instance, Some(201), None, None, false), to_fallback);
    insta::assert_yaml_snapshot!("stand_in_part", part);
}
