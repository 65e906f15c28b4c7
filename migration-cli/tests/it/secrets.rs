//! Secrets never leak: the binary runs a whole migration (and a failing command with wrong
//! credentials, and verbose logging) with distinctive credentials, then every byte it printed or
//! left on disk is searched for each secret as written, base64-encoded (HTTP Basic auth) and
//! URL-encoded. Every file and folder the commands created in the project must be readable by
//! their owner only.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use base64::Engine;
use fixtures::instance::Instance;
use fixtures::sim::intercom::{AppConfig, IntercomSim, IntercomSimConfig, RateLimitConfig};
use fixtures::sim::vivantio::{VivantioSim, VivantioSimConfig};

const VIVANTIO_USER: &str = "v2i-api-user-QX81";
const VIVANTIO_PASSWORD: &str = "Vpw+4b1f/9c27=e8d3&secret";
const INTERCOM_TOKEN: &str = "tok-ic+7e3a/90c1=d5f2&secret";
/// Wrong credentials a person might paste: they are secrets too.
const WRONG_PASSWORD: &str = "Wrong+pw/55aa01=ee77&secret";
const WRONG_TOKEN: &str = "wrong+tok/c0ffee=1234&secret";

/// Both simulators, served by a runtime of their own while the binary runs.
struct Simulators {
    vivantio: VivantioSim,
    intercom: IntercomSim,
    _runtime: tokio::runtime::Runtime,
}

fn start_simulators() -> Simulators {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (vivantio, intercom) = runtime.block_on(async {
        let vivantio = VivantioSim::start(
            VivantioSimConfig {
                username: VIVANTIO_USER.into(),
                password: VIVANTIO_PASSWORD.into(),
                ..VivantioSimConfig::default()
            },
            Instance::sample().unwrap(),
        )
        .await
        .unwrap();
        let defaults = IntercomSimConfig::default();
        let admin = defaults.apps[0].admin_id.clone();
        let intercom = IntercomSim::start(IntercomSimConfig {
            apps: vec![AppConfig::new("migrator", INTERCOM_TOKEN, &admin)],
            rate_limit: RateLimitConfig::off(),
            ..defaults
        })
        .unwrap();
        (vivantio, intercom)
    });
    Simulators {
        vivantio,
        intercom,
        _runtime: runtime,
    }
}

/// Every form in which a secret could leak, named. The secrets hold `+`, `/`, `=` and `&` so
/// that each encoding differs from the raw text.
fn leak_forms() -> Vec<(String, String)> {
    let base64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let mut forms = Vec::new();
    for secret in [
        VIVANTIO_PASSWORD,
        INTERCOM_TOKEN,
        WRONG_PASSWORD,
        WRONG_TOKEN,
    ] {
        forms.push((format!("{secret} (raw)"), secret.to_string()));
        forms.push((format!("{secret} (base64)"), base64(secret)));
        forms.push((
            format!("{secret} (URL-encoded)"),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        ));
    }
    for password in [VIVANTIO_PASSWORD, WRONG_PASSWORD] {
        let pair = format!("{VIVANTIO_USER}:{password}");
        forms.push((format!("Basic auth {pair} (base64)"), base64(&pair)));
        forms.push((
            format!("Basic auth {pair} (URL-safe base64)"),
            base64::engine::general_purpose::URL_SAFE.encode(&pair),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    forms.retain(|(_, needle)| seen.insert(needle.clone()));
    forms
}

/// Where a leak was found: which artefact and which form.
fn leaks_in(name: &str, bytes: &[u8], forms: &[(String, String)]) -> Vec<String> {
    forms
        .iter()
        .filter(|(_, needle)| {
            bytes
                .windows(needle.len())
                .any(|window| window == needle.as_bytes())
        })
        .map(|(form, _)| format!("{name}: {form}"))
        .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Every folder and file under `dir`, at any depth.
fn entries_under(dir: &Path) -> Vec<PathBuf> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            entries.extend(entries_under(&path));
        }
        entries.push(path);
    }
    entries
}

struct Run {
    label: String,
    output: Output,
}

fn tool(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("vivantio2intercom").unwrap();
    command
        .current_dir(dir)
        .env_remove("V2I_CONFIG")
        .env_remove("V2I_VIVANTIO_URL")
        .env_remove("V2I_INTERCOM_URL")
        .env_remove("V2I_VIVANTIO_TIMEOUT")
        .env_remove("V2I_INTERCOM_TIMEOUT")
        .env("VIVANTIO_USERNAME", VIVANTIO_USER)
        .env("VIVANTIO_PASSWORD", VIVANTIO_PASSWORD)
        .env_remove("INTERCOM_TOKEN");
    command
}

/// A project whose configuration points at the simulators and keeps the Intercom token in the
/// file (the Vivantio credentials come from the environment): both ways secrets arrive.
fn write_project(dir: &Path, simulators: &Simulators) {
    let output = tool(dir).arg("init").output().unwrap();
    assert!(output.status.success(), "init: {output:?}");
    let config = format!(
        r#"[vivantio]
platform_url = "{vivantio}"
tenant_time_zone = "Europe/London"
max_concurrency = 8
request_interval_ms = 0

[intercom]
base_url = "{intercom}"
token_envs = []
token = "{INTERCOM_TOKEN}"
fallback_admin = "migration@example.com"
search_index_lag_seconds = 0

[paths]
inventory = "{inventory}"
"#,
        vivantio = simulators.vivantio.platform_url(),
        intercom = simulators.intercom.base_url(),
        inventory = Instance::sample_dir()
            .join(fixtures::instance::INVENTORY_FILE)
            .display(),
    );
    std::fs::write(dir.join("migration.toml"), config).unwrap();
}

#[test]
fn no_secret_appears_in_any_output_or_file_of_a_run() {
    let simulators = start_simulators();
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    write_project(dir, &simulators);

    let steps: &[(&str, &[&str])] = &[
        ("discover", &["discover"]),
        ("plan", &["plan"]),
        ("confirm", &["confirm"]),
        ("migrate --sample", &["migrate", "--sample", "5", "--yes"]),
        (
            "migrate -vv",
            &["-vv", "migrate", "--yes", "--continue-on-mismatch"],
        ),
        ("verify --json", &["--json", "verify"]),
        ("status --json", &["--json", "status"]),
        ("report", &["report"]),
        ("delta -v", &["-v", "delta", "--yes"]),
    ];
    let mut runs = Vec::new();
    for (label, args) in steps {
        let output = tool(dir).args(*args).output().unwrap();
        // 5 (differences) and 6 (partial) are expected: the sample has deliberate rejections.
        let code = output.status.code();
        assert!(
            matches!(code, Some(0 | 1 | 5 | 6)),
            "{label} ended with {code:?}: {}",
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .filter(|line| !line.contains("DEBUG"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        runs.push(Run {
            label: label.to_string(),
            output,
        });
    }
    // Wrong credentials: each fails, and the wrong secret must not be echoed either.
    let wrong_password = tool(dir)
        .args(["-vv", "discover"])
        .env("VIVANTIO_PASSWORD", WRONG_PASSWORD)
        .output()
        .unwrap();
    assert!(!wrong_password.status.success(), "a wrong password worked");
    runs.push(Run {
        label: "discover with a wrong Vivantio password".into(),
        output: wrong_password,
    });
    let wrong_token = tool(dir)
        .args(["-vv", "--json", "discover"])
        .env("INTERCOM_TOKEN", WRONG_TOKEN)
        .output()
        .unwrap();
    runs.push(Run {
        label: "discover with a wrong Intercom token".into(),
        output: wrong_token,
    });
    let wrong_token_file = dir.join("wrong-token.toml");
    let config = std::fs::read_to_string(dir.join("migration.toml")).unwrap();
    std::fs::write(
        &wrong_token_file,
        config.replace(INTERCOM_TOKEN, WRONG_TOKEN),
    )
    .unwrap();
    let wrong_token = tool(dir)
        .args(["-vv", "--json", "--config"])
        .arg(&wrong_token_file)
        .arg("discover")
        .output()
        .unwrap();
    assert!(!wrong_token.status.success(), "a wrong token worked");
    runs.push(Run {
        label: "discover with a wrong Intercom token in the file".into(),
        output: wrong_token,
    });
    std::fs::remove_file(&wrong_token_file).unwrap();

    let forms = leak_forms();
    // The scanner finds what is there: the token the person wrote into the configuration.
    let config_bytes = std::fs::read(dir.join("migration.toml")).unwrap();
    assert_eq!(
        leaks_in("migration.toml", &config_bytes, &forms),
        vec![format!("migration.toml: {INTERCOM_TOKEN} (raw)")]
    );
    let mut leaks = Vec::new();
    for run in &runs {
        leaks.extend(leaks_in(
            &format!("stdout of {}", run.label),
            &run.output.stdout,
            &forms,
        ));
        leaks.extend(leaks_in(
            &format!("stderr of {}", run.label),
            &run.output.stderr,
            &forms,
        ));
    }
    let files: Vec<PathBuf> = files_under(dir)
        .into_iter()
        // The configuration is the person's own input, where they chose to keep the token.
        .filter(|path| path != &dir.join("migration.toml"))
        .collect();
    assert!(
        files
            .iter()
            .any(|path| path.extension().is_some_and(|e| e == "sqlite")),
        "no state database was written: {files:?}"
    );
    assert!(
        files
            .iter()
            .any(|path| path.extension().is_some_and(|e| e == "log")),
        "no log was written: {files:?}"
    );
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.strip_prefix(dir).unwrap().display().to_string();
        leaks.extend(leaks_in(&name, &bytes, &forms));
    }
    assert!(
        leaks.is_empty(),
        "secrets leaked into {} place(s):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    // The scan must have seen the secrets' context: the verbose run logged requests.
    let log: String = files
        .iter()
        .filter(|path| path.extension().is_some_and(|e| e == "log"))
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    assert!(log.contains("DEBUG"), "the log has no debug lines to scan");

    // Everything the commands wrote (configuration and .gitignore from `init`, mapping and
    // notes, state database, lock, log, run history, reports) and every folder they made is
    // readable by its owner only, whatever the umask.
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let entries = entries_under(dir);
    for expected in [
        ".vivantio2intercom",
        ".vivantio2intercom/runs",
        ".vivantio2intercom/state.sqlite",
        ".vivantio2intercom/state.lock",
        ".vivantio2intercom/vivantio2intercom.log",
        "reports",
        "reports/report.html",
        "mapping.toml",
    ] {
        assert!(
            entries.contains(&dir.join(expected)),
            "{expected} was not written: {entries:?}"
        );
    }
    assert!(
        entries
            .iter()
            .any(|path| path.starts_with(dir.join(".vivantio2intercom/runs"))
                && path.extension().is_some_and(|e| e == "json")),
        "no run history was written: {entries:?}"
    );
    let too_open: Vec<String> = entries
        .iter()
        .filter_map(|path| {
            let wanted = if path.is_dir() { 0o700 } else { 0o600 };
            let found = mode(path);
            (found != wanted).then(|| {
                format!(
                    "{}: {found:o}, not {wanted:o}",
                    path.strip_prefix(dir).unwrap().display()
                )
            })
        })
        .collect();
    assert!(
        too_open.is_empty(),
        "not owner-only:\n{}",
        too_open.join("\n")
    );
}

#[test]
fn debug_output_of_configuration_credentials_and_clients_hides_secrets() {
    let config: migration_cli::config::Config = toml::from_str(&format!(
        r#"[vivantio]
platform_url = "https://tenant.vivantio.example/"
username = "{VIVANTIO_USER}"
password = "{VIVANTIO_PASSWORD}"
[intercom]
token = "{INTERCOM_TOKEN}"
"#
    ))
    .unwrap();
    let credentials = config
        .credentials(Path::new("migration.toml"), |_| None)
        .unwrap();
    let vivantio = vivantio_client::Client::builder()
        .platform_url("https://tenant.vivantio.example/")
        .credentials(VIVANTIO_USER, VIVANTIO_PASSWORD)
        .build()
        .unwrap();
    let intercom = intercom_client::Client::builder()
        .token(INTERCOM_TOKEN)
        .build()
        .unwrap();
    let shown = format!(
        "{config:?}\n{config:#?}\n{credentials:?}\n{vivantio:?}\n{intercom:?}\n{}",
        toml::to_string(&config).unwrap()
    );
    let leaks = leaks_in("Debug output", shown.as_bytes(), &leak_forms());
    assert!(leaks.is_empty(), "{leaks:?}\n{shown}");
    assert!(shown.contains("redacted"), "{shown}");
}

#[test]
fn a_panic_message_cannot_carry_a_secret_through_a_debug_print() {
    let secret = migration_cli::secret::Secret::new(INTERCOM_TOKEN);
    let panic = std::panic::catch_unwind(|| {
        panic!("request failed with {secret:?} / {secret}");
    })
    .unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(!message.contains(INTERCOM_TOKEN), "{message}");
}
