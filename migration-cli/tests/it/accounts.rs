//! Errors that name their cause, early: both accounts are checked before anything is read,
//! refused credentials name their variables (exit 3), an unreachable host says why, and a
//! mapping naming an admin Intercom does not have is refused before any write.

use crate::common;
use crate::common::binary::{BinaryWorld, Template};

/// A port on loopback where nothing listens.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_intercom_token_stops_discover_before_vivantio_is_read() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    world.vivantio.clear_requests();
    let mut command = world.command(&["discover"]);
    command.env("INTERCOM_TOKEN", "wrong-token");
    let finished = common::binary::finish(command.spawn().unwrap(), &["discover"]).await;
    assert_eq!(finished.code(), 3, "{}", finished.stdout);
    assert!(
        finished.stdout.contains("INTERCOM_TOKEN"),
        "{}",
        finished.stdout
    );
    assert!(
        !finished.stdout.contains("wrong-token"),
        "{}",
        finished.stdout
    );
    assert!(
        world.vivantio.request_count() <= 2,
        "the token is checked before Vivantio is read: {} requests",
        world.vivantio.request_count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_vivantio_password_names_its_variable() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    let args = ["migrate", "--sample", "1", "--yes"];
    let mut command = world.command(&args);
    command.env("VIVANTIO_PASSWORD", "not-the-password");
    let finished = common::binary::finish(command.spawn().unwrap(), &args).await;
    assert_eq!(finished.code(), 3, "{}", finished.stdout);
    assert!(
        finished.stdout.contains("VIVANTIO_PASSWORD"),
        "{}",
        finished.stdout
    );
    assert!(world.intercom.workspace().is_empty_of_migrated_data());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_host_says_why() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    let port = closed_port();
    let mut refused = world.command(&["plan"]);
    refused.env("V2I_INTERCOM_URL", format!("http://127.0.0.1:{port}/"));
    let finished = common::binary::finish(refused.spawn().unwrap(), &["plan"]).await;
    assert_eq!(finished.code(), 1, "{}", finished.stdout);
    assert!(
        finished.stdout.contains("connection refused"),
        "{}",
        finished.stdout
    );

    // TLS spoken to the plain-HTTP simulator.
    let plain = world.intercom.base_url().replacen("http://", "https://", 1);
    let mut tls = world.command(&["plan"]);
    tls.env("V2I_INTERCOM_URL", plain);
    let finished = common::binary::finish(tls.spawn().unwrap(), &["plan"]).await;
    assert_eq!(finished.code(), 1, "{}", finished.stdout);
    assert!(
        finished.stdout.contains("plain HTTP"),
        "{}",
        finished.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fallback_admin_intercom_does_not_have_is_refused_before_any_write() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    let path = world.dir().join("mapping.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace("migration@example.com", "nobody@example.com");
    assert_ne!(text, edited);
    std::fs::write(&path, edited).unwrap();
    let plan = world.run_expecting(&["plan"], &[4]).await;
    assert!(
        plan.stdout.contains("admins.fallback_email") && plan.stdout.contains("nobody@example.com"),
        "{}",
        plan.stdout
    );
    let confirm = world.run_expecting(&["confirm"], &[4]).await;
    assert!(
        confirm.stdout.contains("nobody@example.com"),
        "{}",
        confirm.stdout
    );
    world
        .run_expecting(&["migrate", "--sample", "2", "--yes"], &[4])
        .await;
    assert!(world.intercom.workspace().is_empty_of_migrated_data());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fallback_admin_the_two_files_disagree_on_is_a_finding() {
    let template = Template::confirmed().await;
    let world = BinaryWorld::start(&template).await;
    let config_path = world.dir().join(migration_cli::config::CONFIG_FILE);
    let config = std::fs::read_to_string(&config_path).unwrap();
    let edited = config.replace(
        "fallback_admin = \"migration@example.com\"",
        "fallback_admin = \"someone.else@example.com\"",
    );
    assert_ne!(config, edited, "{config}");
    std::fs::write(&config_path, edited).unwrap();
    let plan = world.run_expecting(&["plan"], &[0, 4]).await;
    assert!(
        plan.stdout.contains("someone.else@example.com")
            && plan.stdout.contains("the mapping's is used"),
        "{}",
        plan.stdout
    );
}
