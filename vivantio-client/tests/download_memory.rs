//! Peak heap while a large attachment is downloaded: the base64 inside the JSON answer is
//! decoded as the body arrives, so the answer is never held whole beside the decoded file. Its
//! own test binary, because it installs a counting global allocator (one per process, with
//! process-wide counters); the other tests are in `tests/it/`.
//!
//! Only allocations made on this test's thread are counted. The server is a small HTTP/1.1
//! responder on a thread of its own that writes the answer in pieces (not counted), so what is
//! measured is the client's side of the download.

use fixtures::heap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use base64::Engine as _;
use sha2::{Digest, Sha256};

#[global_allocator]
static ALLOCATOR: heap::CountingAllocator = heap::CountingAllocator;

const FILE_SIZE: usize = 16 * 1024 * 1024;

fn file_bytes() -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut data = Vec::with_capacity(FILE_SIZE);
    while data.len() < FILE_SIZE {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        data.extend_from_slice(&state.to_le_bytes());
    }
    data.truncate(FILE_SIZE);
    data
}

/// Answers one `File/AttachmentDownload` with the file as base64 in `Content`, written in
/// 64 KiB pieces with JSON line breaks, as a .NET server may.
fn serve_once(listener: TcpListener) {
    let (stream, _) = listener.accept().unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    let mut request = vec![0; length];
    reader.read_exact(&mut request).unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(file_bytes());
    let lines: Vec<&[u8]> = encoded.as_bytes().chunks(76).collect();
    let head = br#"{"Successful":true,"ErrorMessages":[],"FileName":"big.bin","Content":""#;
    let tail = br#""}"#;
    let body_len = head.len() + encoded.len() + (lines.len() - 1) * 4 + tail.len();
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body_len}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    stream.write_all(head).unwrap();
    let mut piece = Vec::with_capacity(70 * 1024);
    for (index, line) in lines.iter().enumerate() {
        if index > 0 {
            piece.extend_from_slice(br"\r\n");
        }
        piece.extend_from_slice(line);
        if piece.len() >= 64 * 1024 {
            stream.write_all(&piece).unwrap();
            piece.clear();
        }
    }
    piece.extend_from_slice(tail);
    stream.write_all(&piece).unwrap();
    stream.flush().unwrap();
}

#[test]
fn a_16_mib_download_peaks_near_the_file_size_and_hashes_right() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || serve_once(listener));
    let expected_sha = hex::encode(Sha256::digest(file_bytes()));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    heap::count_this_thread(true);
    let client = vivantio_client::Client::builder()
        .platform_url(format!("http://{address}/"))
        .credentials("api-user", "secret")
        .build()
        .unwrap();
    let before = heap::reset_peak();
    let downloaded = runtime
        .block_on(client.attachments().download("0b5c6a4e-guid"))
        .unwrap();
    let peak = heap::peak() - before;
    heap::count_this_thread(false);
    server.join().unwrap();

    let ratio = peak as f64 / FILE_SIZE as f64;
    println!("file {FILE_SIZE} B; download peak {peak} B ({ratio:.3}x)");
    assert_eq!(downloaded.size, FILE_SIZE as u64);
    assert_eq!(downloaded.sha256, expected_sha);
    assert_eq!(
        hex::encode(Sha256::digest(&downloaded.content)),
        expected_sha
    );
    assert_eq!(downloaded.file_name.as_deref(), Some("big.bin"));
    assert!(ratio < 1.3, "download peaked at {ratio:.3}x the file size");
}
