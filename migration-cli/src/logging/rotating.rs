//! A log file that is rotated by size and keeps a bounded number of files.
//!
//! The live file is `<stem>.log`; when a write would take it past the size limit it becomes
//! `<stem>.1.log`, the previous `<stem>.1.log` becomes `<stem>.2.log`, and so on, and the oldest
//! beyond the file count is deleted. Rotated names keep the `.log` extension so that anything
//! looking for logs by extension finds them all. Every file is created owner-only.
//!
//! A long command outlives its first files, and with them the line saying which command is
//! writing: the first line holding the header marker is repeated at the top of every new file.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::private_files::open_private;

/// A size-rotated log file; each `write` lands whole in one file.
#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    max_bytes: u64,
    max_files: usize,
    file: File,
    written: u64,
    /// Lines holding this text are header candidates; the first one seen becomes the header.
    header_marker: Option<&'static str>,
    /// The line repeated at the top of each new file.
    header: Option<Vec<u8>>,
}

impl RotatingFile {
    /// Opens (or creates) the live file at `path`, to be rotated before it passes `max_bytes`,
    /// keeping at most `max_files` files, the live one included. Rotated files beyond that count
    /// (left by a larger setting) are deleted now.
    pub fn open(path: &Path, max_bytes: u64, max_files: usize) -> io::Result<Self> {
        let max_files = max_files.max(1);
        let file = open_live(path)?;
        let written = file.metadata()?.len();
        let log = Self {
            path: path.to_path_buf(),
            max_bytes: max_bytes.max(1),
            max_files,
            file,
            written,
            header_marker: None,
            header: None,
        };
        let mut index = max_files;
        while remove_if_exists(&log.numbered(index))? {
            index += 1;
        }
        Ok(log)
    }

    /// The same file, repeating the first line that contains `marker` (the command's start
    /// line) at the top of every file opened by a rotation.
    pub fn with_header_marker(mut self, marker: &'static str) -> Self {
        self.header_marker = Some(marker);
        self
    }

    /// The file with this index: 0 is the live file, 1 the most recent rotated one.
    fn numbered(&self, index: usize) -> PathBuf {
        numbered(&self.path, index)
    }

    fn rotate(&mut self) -> io::Result<()> {
        self.file.flush()?;
        // The oldest kept index; with one file there is nothing to keep, so the live file goes.
        let oldest = self.max_files - 1;
        remove_if_exists(&self.numbered(oldest))?;
        for index in (0..oldest).rev() {
            match std::fs::rename(self.numbered(index), self.numbered(index + 1)) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
        }
        self.file = open_live(&self.path)?;
        // Another process logging to the same folder may have started the new file already.
        self.written = self.file.metadata()?.len();
        if let Some(header) = &self.header {
            self.file.write_all(header)?;
            self.written += header.len() as u64;
        }
        Ok(())
    }
}

impl Write for RotatingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // A line longer than the limit still goes whole into a fresh file.
        if self.written > 0 && self.written.saturating_add(buf.len() as u64) > self.max_bytes {
            self.rotate()?;
        }
        let count = self.file.write(buf)?;
        self.written += count as u64;
        self.remember_header(&buf[..count]);
        Ok(count)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl RotatingFile {
    fn remember_header(&mut self, written: &[u8]) {
        let Some(marker) = self.header_marker.filter(|_| self.header.is_none()) else {
            return;
        };
        let marker = marker.as_bytes();
        let line = written
            .split_inclusive(|byte| *byte == b'\n')
            .find(|line| line.windows(marker.len()).any(|window| window == marker));
        if let Some(line) = line {
            self.header = Some(line.to_vec());
        }
    }
}

/// `dir/stem.log` for index 0, `dir/stem.<index>.log` otherwise.
pub fn numbered(path: &Path, index: usize) -> PathBuf {
    if index == 0 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(extension) => format!("{stem}.{index}.{}", extension.to_string_lossy()),
        None => format!("{stem}.{index}"),
    };
    path.with_file_name(name)
}

fn open_live(path: &Path) -> io::Result<File> {
    open_private(path, OpenOptions::new().create(true).append(true))
}

/// Removes `path`; `false` when there was nothing to remove.
fn remove_if_exists(path: &Path) -> io::Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize) -> Vec<u8> {
        format!("line {n:04} of the log\n").into_bytes()
    }

    fn sizes(dir: &Path) -> Vec<(String, u64)> {
        let mut files: Vec<(String, u64)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                (
                    entry.file_name().to_string_lossy().into_owned(),
                    entry.metadata().unwrap().len(),
                )
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn rotated_files_are_numbered_and_keep_the_extension() {
        let path = Path::new("/state/vivantio2intercom.log");
        assert_eq!(numbered(path, 0), path);
        assert_eq!(
            numbered(path, 3),
            Path::new("/state/vivantio2intercom.3.log")
        );
    }

    #[test]
    fn total_size_and_file_count_stay_bounded_and_the_newest_lines_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.log");
        let line_len = line(0).len() as u64;
        let max_bytes = 10 * line_len;
        let mut log = RotatingFile::open(&path, max_bytes, 3).unwrap();
        for n in 0..1000 {
            log.write_all(&line(n)).unwrap();
        }
        let files = sizes(dir.path());
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["test.1.log", "test.2.log", "test.log"]);
        assert!(
            files.iter().all(|(_, size)| *size <= max_bytes),
            "{files:?}"
        );
        let total: u64 = files.iter().map(|(_, size)| size).sum();
        assert!(total <= 3 * max_bytes, "{total}");
        // Whole lines only, oldest to newest across the files, ending with the last one.
        let text: String = ["test.2.log", "test.1.log", "test.log"]
            .iter()
            .map(|name| std::fs::read_to_string(dir.path().join(name)).unwrap())
            .collect();
        let kept: Vec<&str> = text.lines().collect();
        assert_eq!(kept.len(), 30);
        assert_eq!(kept.first(), Some(&"line 0970 of the log"));
        assert_eq!(kept.last(), Some(&"line 0999 of the log"));
    }

    #[test]
    fn one_file_starts_afresh_and_a_long_line_goes_whole_into_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.log");
        let mut log = RotatingFile::open(&path, 50, 1).unwrap();
        log.write_all(b"short\n").unwrap();
        let long = vec![b'x'; 120];
        log.write_all(&long).unwrap();
        assert_eq!(sizes(dir.path()), [("one.log".to_string(), 120)]);
        log.write_all(b"next\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"next\n");
    }

    #[test]
    fn reopening_counts_the_existing_file_and_drops_files_beyond_the_count() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        std::fs::write(&path, vec![b'a'; 40]).unwrap();
        for index in 1..=5 {
            std::fs::write(numbered(&path, index), "old\n").unwrap();
        }
        let mut log = RotatingFile::open(&path, 50, 3).unwrap();
        let names: Vec<String> = sizes(dir.path()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["app.1.log", "app.2.log", "app.log"]);
        // 40 bytes already there: 20 more do not fit, so the live file is rotated first.
        log.write_all(&[b'b'; 20]).unwrap();
        assert_eq!(
            std::fs::read(numbered(&path, 1)).unwrap(),
            vec![b'a'; 40],
            "the previous live file is now the most recent rotated one"
        );
        assert_eq!(std::fs::read(&path).unwrap(), vec![b'b'; 20]);
    }

    #[cfg(unix)]
    #[test]
    fn every_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("private.log");
        let mut log = RotatingFile::open(&path, 30, 3).unwrap();
        for n in 0..10 {
            log.write_all(&line(n)).unwrap();
        }
        for (name, _) in sizes(dir.path()) {
            let mode = std::fs::metadata(dir.path().join(&name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, crate::private_files::FILE_MODE, "{name}");
        }
    }

    #[test]
    fn every_new_file_starts_with_the_command_line_that_is_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("header.log");
        let start = b"12:00 INFO command started command=migrate\n";
        let mut log = RotatingFile::open(&path, 200, 4)
            .unwrap()
            .with_header_marker("command started");
        log.write_all(b"12:00 DEBUG before the command\n").unwrap();
        log.write_all(start).unwrap();
        for n in 0..100 {
            log.write_all(&line(n)).unwrap();
        }
        for index in 0..4 {
            let text = std::fs::read(numbered(&path, index)).unwrap();
            assert!(text.starts_with(start), "file {index} starts otherwise");
            assert_eq!(text.windows(start.len()).filter(|w| w == start).count(), 1);
        }
        let live = std::fs::read_to_string(&path).unwrap();
        assert!(live.ends_with("line 0099 of the log\n"), "{live}");
    }
}
