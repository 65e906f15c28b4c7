//! Peak heap while a large attachment is uploaded: the file is held once (shared bytes) and its
//! base64 is produced chunk by chunk, so the peak stays near the file's own size. Its own test
//! binary, because it installs a counting global allocator (one per process, with process-wide
//! counters); the other tests are in `tests/it/`.
//!
//! Only allocations made on this test's thread are counted; the client runs on a current-thread
//! runtime there, and the Intercom simulator serves from a thread of its own (not counted), so
//! what is measured is the client's side of the upload.

use fixtures::heap;
use std::time::Duration;

use bytes::Bytes;
use fixtures::sim::intercom::{IntercomSim, IntercomSimConfig};
use intercom_client::contacts::ContactRequest;
use intercom_client::conversations::CreateConversationRequest;
use intercom_client::replies::{AdminReply, AttachmentFile, Reply};
use intercom_client::Client;
use sha2::{Digest, Sha256};

#[global_allocator]
static ALLOCATOR: heap::CountingAllocator = heap::CountingAllocator;

const FILE_SIZE: usize = 16 * 1024 * 1024;

fn large_file() -> Bytes {
    // Deterministic and incompressible enough: a xorshift stream.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut data = Vec::with_capacity(FILE_SIZE);
    while data.len() < FILE_SIZE {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data.extend_from_slice(&state.to_le_bytes());
    }
    data.truncate(FILE_SIZE);
    Bytes::from(data)
}

#[test]
fn a_16_mib_upload_peaks_near_the_file_size_and_arrives_intact() {
    let sim = IntercomSim::start(IntercomSimConfig::default().without_rate_limit()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    heap::count_this_thread(true);
    let client = Client::builder()
        .token(sim.token())
        .base_url(sim.base_url())
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let conversation = runtime.block_on(async {
        let contact = client
            .contacts()
            .create(&ContactRequest::user("big-1").email("big@example.com"))
            .await
            .unwrap();
        client
            .conversations()
            .create(&CreateConversationRequest::new(contact.id.as_str(), "Logs"))
            .await
            .unwrap()
            .conversation_id
    });

    let before_file = heap::reset_peak();
    let file = large_file();
    let expected_sha = hex::encode(Sha256::digest(&file));
    let mut note = AdminReply::note("991267001", "<p>full log</p>");
    note.attachment_files.push(AttachmentFile::new(
        "big.bin",
        "application/octet-stream",
        file.clone(),
    ));
    let reply = Reply::from(note);
    heap::reset_peak();
    runtime.block_on(async {
        client
            .conversations()
            .reply(&conversation, &reply)
            .await
            .unwrap();
    });
    let streamed_peak = heap::peak() - before_file;

    // The control: the same reply serialized whole, as a plain JSON body would be.
    heap::reset_peak();
    let whole = serde_json::to_vec(&reply).unwrap();
    let serialized_peak = heap::peak() - before_file;
    drop(whole);
    heap::count_this_thread(false);

    let ratio = streamed_peak as f64 / FILE_SIZE as f64;
    println!(
        "file {FILE_SIZE} B; streamed upload peak {streamed_peak} B ({ratio:.3}x); \
         whole-body serialization peak {serialized_peak} B ({:.3}x)",
        serialized_peak as f64 / FILE_SIZE as f64
    );
    assert!(
        ratio < 1.3,
        "streamed upload peaked at {ratio:.3}x the file size"
    );
    assert!(
        serialized_peak as f64 > 2.0 * FILE_SIZE as f64,
        "the control should hold the file and its base64 at once ({serialized_peak} B)"
    );

    let workspace = sim.workspace();
    let stored = workspace
        .files
        .values()
        .next()
        .expect("the file was stored");
    assert_eq!(stored.size, FILE_SIZE as u64);
    assert_eq!(stored.sha256, expected_sha);
}
