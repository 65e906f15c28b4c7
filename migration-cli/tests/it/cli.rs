//! The binary as a person meets it: help that teaches, and clear refusals with documented exit
//! codes for every bad input, never a panic.

use assert_cmd::Command;

fn tool(dir: &std::path::Path) -> Command {
    let mut command = Command::cargo_bin("vivantio2intercom").unwrap();
    command
        .current_dir(dir)
        .env_remove("VIVANTIO_USERNAME")
        .env_remove("VIVANTIO_PASSWORD")
        .env_remove("INTERCOM_TOKEN")
        .env_remove("V2I_CONFIG")
        .env_remove("V2I_VIVANTIO_URL")
        .env_remove("V2I_VIVANTIO_TENANT_URL")
        .env_remove("V2I_INTERCOM_URL")
        .env_remove("V2I_VIVANTIO_TIMEOUT")
        .env_remove("V2I_INTERCOM_TIMEOUT");
    command
}

fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[cfg(feature = "simulators")]
#[test]
fn help_lists_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(tool(dir.path()).arg("--help"));
    assert_eq!(code, 0);
    insta::assert_snapshot!("help", stdout);
}

/// Built without the `simulators` feature, `demo` and `bench` are neither listed nor accepted,
/// and the help does not point at them.
#[cfg(not(feature = "simulators"))]
#[test]
fn without_simulators_there_is_no_demo_or_bench() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(tool(dir.path()).arg("--help"));
    assert_eq!(code, 0);
    let listed = |command: &str| {
        stdout
            .lines()
            .any(|line| line.trim_start().starts_with(&format!("{command} ")))
    };
    assert!(listed("rollback"), "{stdout}");
    for command in ["demo", "bench"] {
        assert!(!listed(command), "{stdout}");
        let (code, _, stderr) = run(tool(dir.path()).arg(command));
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("unrecognized subcommand"), "{stderr}");
    }
    assert!(!stdout.contains("`demo`"), "{stdout}");
}

#[test]
fn a_missing_configuration_says_to_run_init() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(tool(dir.path()).arg("discover"));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("run `vivantio2intercom init`"), "{stderr}");
}

#[test]
fn init_then_a_missing_credential_names_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = run(tool(dir.path()).arg("init"));
    assert_eq!(code, 0);
    assert!(dir.path().join("migration.toml").is_file());
    assert!(dir.path().join(".gitignore").is_file());
    let (code, _, stderr) = run(tool(dir.path()).arg("discover"));
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(
        stderr.trim(),
        "error: the Vivantio API user name is not set: export VIVANTIO_USERNAME=... (or set it in migration.toml) and run again"
    );
    // `status` reads only the state folder: no credential needed, and none is there yet.
    let (code, _, stderr) = run(tool(dir.path()).arg("status"));
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("no migration state"), "{stderr}");
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    run(tool(dir.path()).arg("init"));
    let (code, _, stderr) = run(tool(dir.path())
        .args(["status", "--intercom-url", "http://proxy.example.com"])
        .env("VIVANTIO_USERNAME", "u")
        .env("VIVANTIO_PASSWORD", "p")
        .env("INTERCOM_TOKEN", "t"));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("plain HTTP is refused"), "{stderr}");
}

#[test]
fn a_timeout_outside_one_second_to_an_hour_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    run(tool(dir.path()).arg("init"));
    let credentials = [
        ("VIVANTIO_USERNAME", "u"),
        ("VIVANTIO_PASSWORD", "p"),
        ("INTERCOM_TOKEN", "t"),
    ];
    let (code, _, stderr) = run(tool(dir.path())
        .arg("status")
        .env("V2I_INTERCOM_TIMEOUT", "0")
        .envs(credentials));
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains(
            "--intercom-timeout = 0: a request timeout must be between 1 and 3600 seconds"
        ),
        "{stderr}"
    );
    let config = dir.path().join("migration.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("timeout_seconds = 180", "timeout_seconds = 3601"),
    )
    .unwrap();
    let (code, _, stderr) = run(tool(dir.path()).arg("status").envs(credentials));
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("vivantio.timeout_seconds = 3601"),
        "{stderr}"
    );
}

#[test]
fn a_broken_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("migration.toml"),
        "[vivantio]\nplatfrom_url = \"https://x/\"\n[intercom]\n",
    )
    .unwrap();
    let (code, _, stderr) = run(tool(dir.path()).arg("status"));
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("platfrom_url"), "{stderr}");
}

#[test]
fn a_corrupt_state_file_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    run(tool(dir.path()).arg("init"));
    let state = dir.path().join(".vivantio2intercom");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(state.join("state.sqlite"), b"garbage that is not sqlite").unwrap();
    let (code, _, stderr) = run(tool(dir.path())
        .arg("status")
        .env("VIVANTIO_USERNAME", "u")
        .env("VIVANTIO_PASSWORD", "p")
        .env("INTERCOM_TOKEN", "t"));
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("left untouched"), "{stderr}");
    assert_eq!(
        std::fs::read(state.join("state.sqlite")).unwrap(),
        b"garbage that is not sqlite"
    );
}

#[test]
fn migrate_without_a_mapping_is_refused_before_any_write() {
    let dir = tempfile::tempdir().unwrap();
    run(tool(dir.path()).arg("init"));
    let (code, _, stderr) = run(tool(dir.path())
        .args([
            "migrate",
            "--yes",
            "--vivantio-url",
            "http://127.0.0.1:9/",
            "--intercom-url",
            "http://127.0.0.1:9",
        ])
        .env("VIVANTIO_USERNAME", "u")
        .env("VIVANTIO_PASSWORD", "p")
        .env("INTERCOM_TOKEN", "t"));
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("run `vivantio2intercom plan` first"),
        "{stderr}"
    );
}

#[test]
fn json_output_carries_the_error_and_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(tool(dir.path()).args(["status", "--json"]));
    assert_eq!(code, 3);
    let body: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(body["exit_code"], 3);
    assert!(body["error"].as_str().unwrap().contains("init"));
}

#[test]
fn a_reader_that_went_away_is_not_a_panic() {
    // `vivantio2intercom init | head -0`: the pipe is closed before anything is written.
    let dir = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("vivantio2intercom"))
        .current_dir(dir.path())
        .arg("init")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(dir.path().join("migration.toml").exists());
}
