//! Any text as `migration.toml`: it parses or is refused with a message naming the problem; a
//! parsed configuration's URLs are checked (HTTPS unless loopback) and its credentials resolved
//! without a panic, and a password or token in the file never shows in `Debug` output.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use migration_cli::config::{Config, ConfigError};

fuzz_target!(|text: &str| {
    let config: Config = match toml::from_str(text) {
        Ok(config) => config,
        Err(error) => {
            let refused = ConfigError::Invalid {
                path: "migration.toml".into(),
                detail: error.to_string(),
            };
            assert!(!refused.to_string().is_empty());
            return;
        }
    };
    for url in [config.vivantio_url(), config.intercom_url()]
        .into_iter()
        .flatten()
    {
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(host)) => host.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        assert!(
            url.scheme() == "https" || loopback || config.paths.allow_insecure_http,
            "{url} was accepted without HTTPS"
        );
    }
    let credentials = config.credentials(Path::new("migration.toml"), |_| None);
    let shown = format!("{config:?} {credentials:?}");
    let secrets = config
        .vivantio
        .password
        .iter()
        .chain(config.intercom.token.iter())
        .map(|secret| secret.expose())
        // A short secret can occur by chance in other text of the configuration.
        .filter(|secret| secret.len() >= 12 && !without_secrets(text).contains(*secret));
    for secret in secrets {
        assert!(!shown.contains(secret), "a secret shows in Debug output");
    }
});

/// The configuration text with the `password` and `token` lines removed.
fn without_secrets(text: &str) -> String {
    text.lines()
        .filter(|line| {
            let key = line.trim_start();
            !(key.starts_with("password") || key.starts_with("token"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
