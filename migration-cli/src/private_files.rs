//! Files and folders readable by their owner only. State, logs, run history and reports hold
//! customer data, so everything the tool creates is 0600 (files) or 0700 (folders) on Unix,
//! whatever the umask says about group and others. Other platforms keep their defaults.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Mode of every file the tool creates on Unix: read and write for the owner only.
pub const FILE_MODE: u32 = 0o600;
/// Mode of every folder the tool creates on Unix: the owner only.
pub const DIR_MODE: u32 = 0o700;

/// Creates `dir` and any missing parent, each owner-only; folders that exist keep their mode.
pub fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)
}

/// Opens `path` with `options`; a file it creates is owner-only (an existing one keeps its
/// mode).
pub fn open_private(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, FILE_MODE);
    options.open(path)
}

/// Writes `contents` to `path`, creating it owner-only or replacing the contents of the file
/// that is there.
pub fn write_private(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    open_private(
        path,
        OpenOptions::new().write(true).create(true).truncate(true),
    )?
    .write_all(contents.as_ref())
}

/// Writes `contents` beside `path` (`<name>.partial`, owner-only), flushes it to disk and
/// renames it over `path`, so that a reader or a crash never sees half a file under that name.
pub fn replace_private(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let partial = partial_path(path);
    // A partial file left by a crash may carry another mode; start afresh so the new one is
    // created owner-only.
    match std::fs::remove_file(&partial) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    let mut file = open_private(&partial, OpenOptions::new().write(true).create_new(true))?;
    file.write_all(contents.as_ref())?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

/// Sets an existing file to [`FILE_MODE`] or folder to [`DIR_MODE`] exactly, whatever mode it
/// had or the umask gave it.
pub fn set_owner_only(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if std::fs::metadata(path)?.is_dir() {
            DIR_MODE
        } else {
            FILE_MODE
        };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

fn partial_path(path: &Path) -> PathBuf {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    PathBuf::from(partial)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn created_folders_and_files_are_owner_only() {
        let temp = tempfile::tempdir().unwrap();
        let nested = temp.path().join("a").join("b");
        create_private_dir_all(&nested).unwrap();
        assert_eq!(mode(&temp.path().join("a")), DIR_MODE);
        assert_eq!(mode(&nested), DIR_MODE);

        let written = nested.join("written.json");
        write_private(&written, "{}").unwrap();
        assert_eq!(mode(&written), FILE_MODE);

        let appended = nested.join("appended.log");
        open_private(&appended, OpenOptions::new().create(true).append(true))
            .unwrap()
            .write_all(b"line\n")
            .unwrap();
        assert_eq!(mode(&appended), FILE_MODE);
    }

    #[test]
    fn replacing_leaves_one_owner_only_file_even_over_a_stale_partial() {
        let temp = tempfile::tempdir().unwrap();
        let target = temp.path().join("report.html");
        let stale = temp.path().join("report.html.partial");
        std::fs::write(&stale, "half").unwrap();
        std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o644)).unwrap();
        replace_private(&target, "whole").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "whole");
        assert_eq!(mode(&target), FILE_MODE);
        assert!(!stale.exists());
    }

    #[test]
    fn set_owner_only_tightens_files_and_folders() {
        let temp = tempfile::tempdir().unwrap();
        let folder = temp.path().join("state");
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        let file = folder.join("state.sqlite");
        std::fs::write(&file, "").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o664)).unwrap();
        set_owner_only(&folder).unwrap();
        set_owner_only(&file).unwrap();
        assert_eq!(mode(&folder), DIR_MODE);
        assert_eq!(mode(&file), FILE_MODE);
    }
}
