//! The full per-record lists of a report (rejections, failures, findings, differences…),
//! written beside it as JSON Lines: one JSON object per line, for `jq` or a spreadsheet
//! import. The report itself keeps only their summaries ([`Grouped`], [`Listed`]): how many,
//! grouped by reason with the first few of each, and the file that holds every one. So the
//! report stays a few hundred kilobytes whether a list has ten records or ten million.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use migration_core::reject::Finding;
use migration_core::validate::{FindingSink, EXAMPLES_PER_REASON};
use serde::{Deserialize, Serialize};

use crate::private_files::{create_private_dir_all, open_private};

/// Records of each group (or of an ungrouped list) the report shows; the list file has all.
pub const EXAMPLES: usize = EXAMPLES_PER_REASON;

/// Groups a list keeps apart; records of any further reason share one last group, so that a
/// list keyed by something unbounded cannot make the report grow.
pub const MAX_GROUPS: usize = 100;

/// The reason of the group that gathers records past [`MAX_GROUPS`].
pub const OTHER_REASONS: &str = "(other reasons)";

/// File (in the reports folder) where `plan` writes every pre-flight finding.
pub const PREFLIGHT_FINDINGS_FILE: &str = "preflight-findings.jsonl";

/// A per-record list as the report holds it: how many records, grouped by reason with the
/// first [`EXAMPLES`] of each, and the file beside the report that holds every one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Grouped<T> {
    /// Records in the whole list.
    pub total: u64,
    /// The file holding every record, one JSON object per line, relative to the report (none
    /// when the list is empty or was not written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The groups, in the order the report shows them.
    #[serde(default)]
    pub groups: Vec<Group<T>>,
}

impl<T> Default for Grouped<T> {
    fn default() -> Self {
        Self {
            total: 0,
            file: None,
            groups: Vec::new(),
        }
    }
}

impl<T> Grouped<T> {
    /// Whether the list holds no record.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Records the report shows, over every group.
    pub fn shown(&self) -> usize {
        self.groups.iter().map(|group| group.examples.len()).sum()
    }
}

/// The records of one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group<T> {
    /// The reason (`missing_email`, `destination_rejected`, `parts.*.created_at`).
    pub reason: String,
    /// Records of this reason in the whole list.
    pub count: u64,
    /// The fix, when every record of the group has the same one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The first records of this reason, in list order.
    pub examples: Vec<T>,
}

/// A per-record list without reasons, as the report holds it: how many, the first
/// [`EXAMPLES`], and the file with every one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Listed<T> {
    /// Records in the whole list.
    pub total: u64,
    /// The file holding every record, one JSON value per line, relative to the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The first records, in list order.
    #[serde(default)]
    pub first: Vec<T>,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Self {
            total: 0,
            file: None,
            first: Vec::new(),
        }
    }
}

impl<T> Listed<T> {
    /// Whether the list holds no record.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// A JSON Lines file being written, record by record through a buffer. It is written as
/// `<name>.partial` (owner-only) and renamed into place by [`JsonLines::finish`], so a reader
/// never sees half a list under the real name.
#[derive(Debug)]
pub struct JsonLines {
    path: PathBuf,
    partial: PathBuf,
    out: BufWriter<File>,
    lines: u64,
}

impl JsonLines {
    /// Starts the file `path`.
    pub fn create(path: &Path) -> io::Result<Self> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        // A partial file left by a crash may carry another mode; start afresh so the new one
        // is created owner-only.
        match std::fs::remove_file(&partial) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
            _ => {}
        }
        let file = open_private(&partial, OpenOptions::new().write(true).create_new(true))?;
        Ok(Self {
            path: path.to_path_buf(),
            partial,
            out: BufWriter::with_capacity(64 * 1024, file),
            lines: 0,
        })
    }

    /// Writes `value` as one line.
    pub fn write(&mut self, value: &impl Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, value).map_err(io::Error::other)?;
        self.out.write_all(b"\n")?;
        self.lines += 1;
        Ok(())
    }

    /// Flushes the file to disk and renames it into place; returns the lines written.
    pub fn finish(self) -> io::Result<u64> {
        let file = self.out.into_inner().map_err(|error| error.into_error())?;
        file.sync_all()?;
        std::fs::rename(&self.partial, &self.path)?;
        Ok(self.lines)
    }
}

/// Every pre-flight finding, written to [`PREFLIGHT_FINDINGS_FILE`] as `plan` finds it: the
/// [`FindingSink`] beside the `PreflightReport`, which keeps only counts and examples.
#[derive(Debug)]
pub struct FindingsFile {
    lines: JsonLines,
    error: Option<io::Error>,
}

impl FindingsFile {
    /// Starts the findings file in `reports_dir` (created if missing).
    pub fn create(reports_dir: &Path) -> io::Result<Self> {
        create_private_dir_all(reports_dir)?;
        Ok(Self {
            lines: JsonLines::create(&reports_dir.join(PREFLIGHT_FINDINGS_FILE))?,
            error: None,
        })
    }

    /// Puts the whole list in place; returns the findings written, or the first write error
    /// (a sink cannot return one, so it is kept until here).
    pub fn finish(self) -> io::Result<u64> {
        match self.error {
            Some(error) => Err(error),
            None => self.lines.finish(),
        }
    }
}

impl FindingSink for FindingsFile {
    fn finding(&mut self, finding: &Finding) {
        if self.error.is_none() {
            if let Err(error) = self.lines.write(finding) {
                self.error = Some(error);
            }
        }
    }
}

/// The folder a report writes its lists into (the reports folder).
#[derive(Debug, Clone)]
pub struct ListFolder {
    dir: PathBuf,
}

impl ListFolder {
    /// The folder `dir`, created if missing, without the lists an earlier report wrote there
    /// (a run rolled back since has no list any more). `plan`'s findings stay.
    pub fn open(dir: &Path) -> io::Result<Self> {
        create_private_dir_all(dir)?;
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_str().is_some_and(written_by_report) && entry.file_type()?.is_file() {
                std::fs::remove_file(entry.path())?;
            }
        }
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `records` to the list `name` and groups them by `key`, named by `label`; `fix`
    /// gives a record's fix, shown once for a group whose records all share it.
    pub(crate) fn grouped<'a, T, K>(
        &self,
        name: &str,
        records: impl IntoIterator<Item = &'a T>,
        key: impl Fn(&T) -> K,
        label: impl Fn(&K) -> String,
        fix: impl Fn(&T) -> Option<&str>,
    ) -> io::Result<Grouped<T>>
    where
        T: Serialize + Clone + 'a,
        K: Ord,
    {
        let mut file = None;
        let mut groups: BTreeMap<K, Tally<T>> = BTreeMap::new();
        let mut other: Option<Tally<T>> = None;
        let mut total = 0;
        for record in records {
            self.write(&mut file, name, record)?;
            total += 1;
            let key = key(record);
            let tally = if groups.contains_key(&key) || groups.len() < MAX_GROUPS {
                groups.entry(key).or_default()
            } else {
                other.get_or_insert_with(Tally::default)
            };
            tally.add(record, fix(record));
        }
        let mut listed: Vec<Group<T>> = groups
            .into_iter()
            .map(|(key, tally)| tally.into_group(label(&key)))
            .collect();
        listed.extend(other.map(|tally| tally.into_group(OTHER_REASONS.to_string())));
        Ok(Grouped {
            total,
            file: self.finish(file)?,
            groups: listed,
        })
    }

    /// Writes `records` to the list `name` and keeps the first [`EXAMPLES`].
    pub(crate) fn listed<'a, T>(
        &self,
        name: &str,
        records: impl IntoIterator<Item = &'a T>,
    ) -> io::Result<Listed<T>>
    where
        T: Serialize + Clone + 'a,
    {
        let mut file = None;
        let mut listed = Listed::default();
        for record in records {
            self.write(&mut file, name, record)?;
            listed.total += 1;
            if listed.first.len() < EXAMPLES {
                listed.first.push(record.clone());
            }
        }
        listed.file = self.finish(file)?;
        Ok(listed)
    }

    /// Writes one record, starting the file on the first: an empty list has no file.
    fn write(
        &self,
        file: &mut Option<JsonLines>,
        name: &str,
        record: &impl Serialize,
    ) -> io::Result<()> {
        let lines = match file {
            Some(lines) => lines,
            None => file.insert(JsonLines::create(&self.dir.join(name))?),
        };
        lines.write(record)
    }

    fn finish(&self, file: Option<JsonLines>) -> io::Result<Option<String>> {
        let Some(lines) = file else {
            return Ok(None);
        };
        let name = lines
            .path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        lines.finish()?;
        Ok(name)
    }
}

/// Whether `name` is one of the lists a report writes (not `plan`'s findings, nor anything a
/// person put there).
fn written_by_report(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".jsonl") else {
        return false;
    };
    stem.strip_prefix("run-").is_some_and(|rest| {
        rest.split_once('-').is_some_and(|(number, _)| {
            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
        })
    }) || stem.starts_with("verify-")
        || stem.starts_with("rollback-")
        || stem == COMPANIES_WITHOUT_CONTACTS_LIST
}

/// The list of companies no contact is attached to (without its extension).
pub(crate) const COMPANIES_WITHOUT_CONTACTS_LIST: &str = "companies-without-contacts";

/// One group being counted.
struct Tally<T> {
    count: u64,
    fix: SharedFix,
    examples: Vec<T>,
}

impl<T> Default for Tally<T> {
    fn default() -> Self {
        Self {
            count: 0,
            fix: SharedFix::NoneYet,
            examples: Vec::new(),
        }
    }
}

impl<T: Clone> Tally<T> {
    fn add(&mut self, record: &T, fix: Option<&str>) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(record.clone());
        }
        self.fix = match (std::mem::replace(&mut self.fix, SharedFix::Mixed), fix) {
            (SharedFix::NoneYet, Some(fix)) => SharedFix::Shared(fix.to_string()),
            (SharedFix::Shared(shared), Some(fix)) if shared == fix => SharedFix::Shared(shared),
            _ => SharedFix::Mixed,
        };
    }

    fn into_group(self, reason: String) -> Group<T> {
        Group {
            reason,
            count: self.count,
            fix: match self.fix {
                SharedFix::Shared(fix) => Some(fix),
                _ => None,
            },
            examples: self.examples,
        }
    }
}

/// Whether the records of a group so far share one fix.
enum SharedFix {
    NoneYet,
    Shared(String),
    Mixed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Row {
        id: u64,
        reason: String,
        fix: String,
    }

    fn row(id: u64, reason: &str, fix: &str) -> Row {
        Row {
            id,
            reason: reason.to_string(),
            fix: fix.to_string(),
        }
    }

    fn lines(path: &Path) -> Vec<Row> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    fn group(folder: &ListFolder, name: &str, rows: &[Row]) -> Grouped<Row> {
        folder
            .grouped(
                name,
                rows,
                |row| row.reason.clone(),
                Clone::clone,
                |row| Some(row.fix.as_str()),
            )
            .unwrap()
    }

    #[test]
    fn a_grouped_list_keeps_every_record_in_its_file_and_the_first_of_each_reason() {
        let temp = tempfile::tempdir().unwrap();
        let folder = ListFolder::open(temp.path()).unwrap();
        let mut rows: Vec<Row> = (0..50).map(|id| row(id, "b", "same")).collect();
        rows.extend((50..53).map(|id| row(id, "a", &format!("fix {id}"))));
        let grouped = group(&folder, "run-1-rejections.jsonl", &rows);
        assert_eq!(grouped.total, 53);
        assert_eq!(grouped.file.as_deref(), Some("run-1-rejections.jsonl"));
        let reasons: Vec<(&str, u64, usize)> = grouped
            .groups
            .iter()
            .map(|group| (group.reason.as_str(), group.count, group.examples.len()))
            .collect();
        assert_eq!(reasons, [("a", 3, 3), ("b", 50, EXAMPLES)]);
        assert_eq!(grouped.groups[0].fix, None, "the fixes differ");
        assert_eq!(grouped.groups[1].fix.as_deref(), Some("same"));
        assert_eq!(grouped.groups[1].examples[0].id, 0);
        assert_eq!(lines(&temp.path().join("run-1-rejections.jsonl")), rows);
        assert!(!temp.path().join("run-1-rejections.jsonl.partial").exists());
    }

    #[test]
    fn reasons_past_the_limit_share_one_group() {
        let temp = tempfile::tempdir().unwrap();
        let folder = ListFolder::open(temp.path()).unwrap();
        let rows: Vec<Row> = (0..MAX_GROUPS as u64 + 30)
            .map(|id| row(id, &format!("reason {id:04}"), "fix"))
            .collect();
        let grouped = group(&folder, "verify-differences.jsonl", &rows);
        assert_eq!(grouped.groups.len(), MAX_GROUPS + 1);
        let other = grouped.groups.last().unwrap();
        assert_eq!((other.reason.as_str(), other.count), (OTHER_REASONS, 30));
        assert_eq!(grouped.shown(), MAX_GROUPS + EXAMPLES);
    }

    #[test]
    fn an_empty_list_has_no_file_and_a_plain_list_keeps_its_first_records() {
        let temp = tempfile::tempdir().unwrap();
        let folder = ListFolder::open(temp.path()).unwrap();
        let empty = group(&folder, "run-1-failures.jsonl", &[]);
        assert_eq!((empty.total, empty.file), (0, None));
        assert!(!temp.path().join("run-1-failures.jsonl").exists());
        let ids: Vec<u64> = (0..30).collect();
        let listed = folder.listed("run-1-sample.jsonl", &ids).unwrap();
        assert_eq!(listed.total, 30);
        assert_eq!(listed.first, (0..EXAMPLES as u64).collect::<Vec<_>>());
        let written = std::fs::read_to_string(temp.path().join("run-1-sample.jsonl")).unwrap();
        assert_eq!(written.lines().count(), 30);
    }

    #[test]
    fn opening_the_folder_removes_only_the_lists_a_report_wrote() {
        let temp = tempfile::tempdir().unwrap();
        let kept = [
            PREFLIGHT_FINDINGS_FILE,
            "report.json",
            "run-notes.jsonl",
            "my-export.jsonl",
        ];
        let removed = [
            "run-3-failures.jsonl",
            "verify-differences.jsonl",
            "rollback-failures.jsonl",
            "companies-without-contacts.jsonl",
        ];
        for name in kept.iter().chain(&removed) {
            std::fs::write(temp.path().join(name), "").unwrap();
        }
        ListFolder::open(temp.path()).unwrap();
        for name in kept {
            assert!(temp.path().join(name).exists(), "{name} was removed");
        }
        for name in removed {
            assert!(!temp.path().join(name).exists(), "{name} was kept");
        }
    }

    #[test]
    fn the_findings_file_appears_whole_when_finished() {
        use migration_core::model::source::{SourceKind, SourceRef};
        use migration_core::reject::{ReasonCode, Severity};
        let temp = tempfile::tempdir().unwrap();
        let reports = temp.path().join("reports");
        let mut file = FindingsFile::create(&reports).unwrap();
        for id in 0..3 {
            file.finding(&Finding::new(
                Severity::Warning,
                SourceRef::new(SourceKind::Caller, id),
                ReasonCode::MissingEmail,
                "no email",
                "add one",
            ));
        }
        let path = reports.join(PREFLIGHT_FINDINGS_FILE);
        assert!(!path.exists(), "only the partial file exists until the end");
        assert_eq!(file.finish().unwrap(), 3);
        let findings: Vec<Finding> = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(findings.len(), 3);
        assert_eq!(findings[2].record.id, 2);
    }

    #[cfg(unix)]
    #[test]
    fn list_files_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let temp = tempfile::tempdir().unwrap();
        let folder = ListFolder::open(temp.path()).unwrap();
        folder.listed("rollback-uncertain.jsonl", &[1_u8]).unwrap();
        let mode = std::fs::metadata(temp.path().join("rollback-uncertain.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, crate::private_files::FILE_MODE);
    }
}
