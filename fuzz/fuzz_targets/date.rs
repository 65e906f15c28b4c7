//! Any text as a Vivantio date, through both parsers (the client's and the core's): each
//! parses or refuses, never panics, and where both accept a text they mean the same instant.
#![no_main]

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use migration_core::model::source::SourceTime;
use migration_core::transform::values::{to_date, to_datetime};
use vivantio_client::VivantioDate;

const ZONES: [chrono_tz::Tz; 3] = [
    chrono_tz::UTC,
    chrono_tz::Europe::London,
    chrono_tz::Australia::Lord_Howe,
];

fuzz_target!(|text: &str| {
    let client = VivantioDate::parse(text);
    let core = SourceTime::parse(text);
    for zone in ZONES {
        if let Ok(Some(date)) = &client {
            let _ = date.to_utc(zone);
        }
        if let Ok(Some(time)) = &core {
            let _ = time.to_utc(zone);
        }
        let value = serde_json::Value::from(text);
        let _ = (to_datetime(&value, zone), to_date(&value, zone));
    }
    if let (Ok(Some(client)), Ok(Some(core))) = (&client, &core) {
        let left = client.to_utc(chrono_tz::Europe::London);
        let right = core.to_utc(chrono_tz::Europe::London);
        // Dates far outside any helpdesk's life may be clamped differently; within them the two
        // readings of one text must agree.
        // The core keeps whole seconds.
        if (1900..=2200).contains(&left.year()) {
            assert_eq!(
                left.timestamp(),
                right.timestamp(),
                "{text:?} is read as two instants"
            );
        }
    }
});
