//! Which engine stage an Intercom request belongs to, by its route, so the table can show the
//! HTTP requests each stage made (an operation may need none, one or several).

use migration_core::engine::Stage;

/// The stage whose operations call this route (`"POST /contacts/{id}/tags"`); `None` for a
/// route no stage calls.
pub(super) fn stage_of(operation: &str) -> Option<Stage> {
    let (method, path) = operation.split_once(' ')?;
    let mut segments = path.trim_start_matches('/').split('/');
    let resource = segments.next()?;
    let rest: Vec<&str> = segments.collect();
    Some(match resource {
        "data_attributes" | "tags" | "ticket_types" => Stage::Schema,
        "conversations" if rest.first() == Some(&"attributes") => Stage::Schema,
        "admins" | "teams" | "me" => Stage::People,
        "companies" => Stage::Companies,
        "contacts" => Stage::Contacts,
        "help_center" => Stage::Collections,
        // Creates (and their reconciling searches) are the articles stage; reading and
        // rewriting one article's body is the relinking pass.
        "articles" if matches!(rest.as_slice(), ["{id}"]) && matches!(method, "GET" | "PUT") => {
            Stage::ArticleLinks
        }
        "articles" => Stage::Articles,
        "conversations" | "tickets" | "ticket_states" => Stage::Tickets,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_the_adapter_calls_belongs_to_its_stage() {
        let cases = [
            ("GET /data_attributes", Some(Stage::Schema)),
            ("POST /data_attributes", Some(Stage::Schema)),
            ("PUT /data_attributes/{id}", Some(Stage::Schema)),
            ("GET /conversations/attributes", Some(Stage::Schema)),
            ("POST /conversations/attributes", Some(Stage::Schema)),
            ("GET /ticket_types/{id}", Some(Stage::Schema)),
            ("POST /ticket_types/{id}/attributes", Some(Stage::Schema)),
            ("POST /tags", Some(Stage::Schema)),
            ("GET /admins", Some(Stage::People)),
            ("GET /teams", Some(Stage::People)),
            ("GET /me", Some(Stage::People)),
            ("GET /companies", Some(Stage::Companies)),
            ("POST /companies", Some(Stage::Companies)),
            ("POST /contacts", Some(Stage::Contacts)),
            ("PUT /contacts/{id}", Some(Stage::Contacts)),
            ("POST /contacts/{id}/companies", Some(Stage::Contacts)),
            ("POST /contacts/{id}/tags", Some(Stage::Contacts)),
            ("POST /help_center/collections", Some(Stage::Collections)),
            ("POST /articles", Some(Stage::Articles)),
            ("GET /articles", Some(Stage::Articles)),
            ("GET /articles/{id}", Some(Stage::ArticleLinks)),
            ("PUT /articles/{id}", Some(Stage::ArticleLinks)),
            ("POST /conversations", Some(Stage::Tickets)),
            ("GET /conversations/{id}", Some(Stage::Tickets)),
            ("POST /conversations/{id}/reply", Some(Stage::Tickets)),
            ("POST /conversations/{id}/parts", Some(Stage::Tickets)),
            ("POST /conversations/{id}/tags", Some(Stage::Tickets)),
            ("PUT /conversations/{id}", Some(Stage::Tickets)),
            ("POST /tickets", Some(Stage::Tickets)),
            ("PUT /tickets/{id}", Some(Stage::Tickets)),
            ("POST /tickets/{id}/reply", Some(Stage::Tickets)),
            ("GET /ticket_states", Some(Stage::Tickets)),
            ("GET /news/news_items", None),
            ("nonsense", None),
        ];
        for (route, stage) in cases {
            assert_eq!(stage_of(route), stage, "{route}");
        }
    }
}
