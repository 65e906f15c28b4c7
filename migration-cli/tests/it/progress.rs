//! Progress as a person sees it without a terminal (CI, `nohup`, a log collector): the real
//! binary, its standard error a pipe, against an Intercom simulator whose rate limit makes the
//! run last long enough to need a line at every interval.

use fixtures::sim::intercom::{IntercomSimConfig, RateLimitConfig};
use migration_cli::error::{EXIT_OK, EXIT_PARTIAL};

use crate::common::binary::{finish, BinaryWorld, Template};

/// A line the display printed between a stage's start and its end.
fn is_periodic(line: &str) -> bool {
    line.starts_with('[')
        && !line.contains(" started")
        && !line.contains(" finished:")
        && !line.contains("waiting for")
}

/// The seconds of a line's `[hh:mm:ss]`.
fn seconds(line: &str) -> u64 {
    let clock = &line[1..9];
    clock
        .split(':')
        .map(|part| part.parse::<u64>().unwrap())
        .fold(0, |total, part| total * 60 + part)
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_terminal_a_rate_limited_run_prints_a_dated_line_every_interval() {
    let template = Template::confirmed().await;
    // 2,000 requests a minute: the sample's ~850 requests take over ten seconds.
    let intercom = IntercomSimConfig {
        rate_limit: RateLimitConfig::per_app(2_000),
        ..IntercomSimConfig::default()
    };
    let world = BinaryWorld::start_with(&template, intercom).await;
    // The discovery's counts are the streamed stages' totals.
    world.run_expecting(&["discover"], &[EXIT_OK]).await;
    let args = ["migrate", "--yes"];
    let mut command = world.human_command(&args);
    command.env("V2I_PROGRESS_INTERVAL", "1s");
    let finished = finish(command.spawn().unwrap(), &args).await;
    assert!(
        [EXIT_OK, EXIT_PARTIAL].contains(&finished.code()),
        "{}",
        finished.stderr
    );
    let lines: Vec<&str> = finished.stderr.lines().collect();
    let text = &finished.stderr;

    for stage in ["Companies", "Contacts", "Conversations and tickets"] {
        assert!(
            lines
                .iter()
                .any(|line| line.contains(&format!("] {stage} started: "))
                    && line.ends_with(" records")),
            "{stage} starts with its total from the discovery:\n{text}"
        );
        assert!(
            lines
                .iter()
                .any(|line| line.contains(&format!("] {stage} finished: "))),
            "{stage} ends with its summary:\n{text}"
        );
    }
    let periodic: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|line| is_periodic(line))
        .collect();
    assert!(periodic.len() >= 3, "a line every second:\n{text}");
    let clocks: Vec<u64> = periodic.iter().map(|line| seconds(line)).collect();
    assert!(
        clocks.windows(2).all(|pair| pair[1] >= pair[0]) && clocks.last() > clocks.first(),
        "lines over time, not in one burst: {clocks:?}\n{text}"
    );
    assert!(
        periodic
            .iter()
            .any(|line| line.contains("%) ") && line.contains("/s")),
        "counts of a known total with a pace:\n{text}"
    );
    for wrong in [
        "/0 ",
        "eta 0s",
        "(0 records)",
        "Dependency",
        "RecordKey",
        "Some(",
    ] {
        assert!(!text.contains(wrong), "{wrong:?} in:\n{text}");
    }
}
