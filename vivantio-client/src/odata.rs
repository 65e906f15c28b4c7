//! The tenant's OData feed (`{tenant_url}odata/Callers`, `/odata/Clients`): an independent count
//! to reconcile an extraction against.
//!
//! The feed lives on the tenant's web application, not on the platform host of the RPC API. It
//! takes Basic auth and `$skip`/`$top`, and answers `$count=true` with `@odata.count` (C-com:
//! community PowerShell that ran against tenants). Only the count is used here.

use serde_json::Value;

use crate::error::{excerpt, Error};
use crate::Client;

/// The `/odata/*` reads; get one from [`Client::odata`].
#[derive(Debug, Clone, Copy)]
pub struct OdataApi<'a> {
    client: &'a Client,
}

impl<'a> OdataApi<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// How many records the feed (`Callers`, `Clients`, …) holds: `GET
    /// {tenant_url}odata/{feed}?$count=true&$top=1`, read from `@odata.count`.
    ///
    /// `Ok(None)` when no [tenant URL](crate::ClientBuilder::tenant_url) is configured (no
    /// request is made) or the tenant does not offer the feed (HTTP 404). Refused credentials
    /// (HTTP 401/403), other HTTP errors, transport failures and an answer without a count are
    /// errors. Throttled attempts are retried like every other read.
    pub async fn count(&self, feed: &str) -> Result<Option<u64>, Error> {
        if feed.is_empty() || !feed.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
            return Err(Error::Config(format!(
                "{feed:?} is not an OData feed name (letters and digits only)"
            )));
        }
        let transport = self.client.transport();
        let Some(tenant_root) = transport.tenant_root() else {
            return Ok(None);
        };
        let what = endpoint_name(feed);
        let mut url = tenant_root
            .join(&format!("odata/{feed}"))
            .map_err(|error| Error::Config(format!("cannot join odata/{feed}: {error}")))?;
        url.set_query(Some("$count=true&$top=1"));
        let answer = transport
            .get_with(what, &url, "application/json", |response| async move {
                response
                    .bytes()
                    .await
                    .map_err(|error| Error::from_reqwest(what, error))
            })
            .await;
        let body = match answer {
            Ok(body) => body,
            Err(Error::Http { status: 404, .. }) => {
                tracing::debug!(feed, "the tenant offers no OData feed");
                return Ok(None);
            }
            Err(error) => return Err(error),
        };
        read_count(what, &body).map(Some)
    }
}

/// A static name for the feed, for errors and logs.
fn endpoint_name(feed: &str) -> &'static str {
    if feed.eq_ignore_ascii_case("callers") {
        "odata/Callers"
    } else if feed.eq_ignore_ascii_case("clients") {
        "odata/Clients"
    } else {
        "odata"
    }
}

/// `@odata.count` (OData 4; `odata.count` in OData 3) of an answer, a number or a numeric string.
fn read_count(what: &'static str, body: &[u8]) -> Result<u64, Error> {
    let decode_error = |message: String| Error::Decode {
        endpoint: what,
        path: "@odata.count".to_string(),
        message,
        excerpt: excerpt(body),
    };
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
        if start.trim_start().starts_with('<') {
            decode_error(
                "the tenant returned a web page (probably its login page) instead of the OData \
                 feed: it likely does not accept the API credentials there"
                    .to_string(),
            )
        } else {
            decode_error(format!("not JSON: {error}"))
        }
    })?;
    let count = value
        .get("@odata.count")
        .or_else(|| value.get("odata.count"));
    match count {
        Some(Value::Number(number)) => number.as_u64(),
        Some(Value::String(text)) => text.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        decode_error(match count {
            None => "the answer has no count (does the tenant honour `$count=true`?)".to_string(),
            Some(other) => format!("not a count: {other}"),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_read_in_every_spelling() {
        let cases: [(&str, Option<u64>); 7] = [
            (r#"{"@odata.count": 12, "value": []}"#, Some(12)),
            (r#"{"@odata.count": "7", "value": []}"#, Some(7)),
            (r#"{"odata.count": "3", "value": []}"#, Some(3)),
            (r#"{"value": []}"#, None),
            (r#"{"@odata.count": -1}"#, None),
            ("<!DOCTYPE html><html>Log in</html>", None),
            ("", None),
        ];
        for (body, expected) in cases {
            let read = read_count("odata/Callers", body.as_bytes());
            assert_eq!(read.as_ref().ok().copied(), expected, "{body}");
            if expected.is_none() {
                assert!(matches!(read, Err(Error::Decode { .. })), "{body}");
            }
        }
        let page = read_count("odata/Callers", b"<html>login</html>").unwrap_err();
        assert!(page.to_string().contains("login page"), "{page}");
    }

    #[test]
    fn feed_names_map_to_static_endpoints() {
        assert_eq!(endpoint_name("callers"), "odata/Callers");
        assert_eq!(endpoint_name("Clients"), "odata/Clients");
        assert_eq!(endpoint_name("Assets"), "odata");
    }
}
