//! Why a request got no HTTP answer, in words: reqwest's own message ("error sending request
//! for url") hides the cause several sources deep.

/// The cause of a transport failure: refused, host not found, TLS, reset, or the innermost
/// message, with the URL.
pub(crate) fn transport_cause(error: &reqwest::Error) -> String {
    let url = error
        .url()
        .map(|url| format!(" ({})", url.as_str()))
        .unwrap_or_default();
    format!("{}{url}", classify(error))
}

fn classify(error: &reqwest::Error) -> String {
    let mut innermost = error.to_string();
    let mut messages = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = current {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return "connection refused: nothing listens at that address and port".into()
                }
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted => {
                    return "the server closed the connection".into()
                }
                _ => {}
            }
        }
        innermost = error.to_string();
        messages.push(innermost.to_lowercase());
        current = error.source();
    }
    let said = |needles: &[&str]| {
        messages
            .iter()
            .any(|message| needles.iter().any(|needle| message.contains(needle)))
    };
    if said(&[
        "dns error",
        "failed to lookup address",
        "name or service not known",
    ]) {
        "host name not found (DNS): check the URL's host".into()
    } else if said(&[
        "invalidcontenttype",
        "corrupt message",
        "wrong version number",
    ]) {
        "TLS handshake failed: the port answers plain HTTP (use http://, or the HTTPS port)".into()
    } else if said(&["certificate", "unknownissuer", "invalid peer"]) {
        format!("TLS certificate rejected: {innermost}")
    } else if error.is_timeout() {
        "no answer in time".into()
    } else {
        innermost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_port_reads_as_refused() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let error = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/api"))
            .send()
            .await
            .unwrap_err();
        let cause = transport_cause(&error);
        assert!(cause.starts_with("connection refused"), "{cause}");
    }
}
