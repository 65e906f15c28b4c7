//! Attachments: the size limit, and Intercom's ten files per part.

use crate::model::destination::FileRef;
use crate::model::source::Attachment;

/// Whether an attachment can move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentCheck {
    /// It moves as this file.
    Accepted(FileRef),
    /// It is over the limit and does not move.
    TooLarge {
        /// File name.
        file_name: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

impl AttachmentCheck {
    /// Checks one attachment against `max_bytes` (an unknown size is accepted; the engine
    /// checks the bytes it downloads); an accepted file carries a safe file name.
    pub fn of(attachment: &Attachment, max_bytes: u64) -> Self {
        match attachment.size {
            Some(size) if size > max_bytes => AttachmentCheck::TooLarge {
                file_name: attachment.file_name.clone(),
                size,
                limit: max_bytes,
            },
            _ => AttachmentCheck::Accepted(FileRef {
                attachment_id: attachment.id,
                guid: attachment.guid.clone(),
                file_name: super::file_name::safe_file_name(&attachment.file_name).into_owned(),
                content_type: attachment.content_type.as_deref().and_then(media_type),
                size: attachment.size,
            }),
        }
    }
}

/// The `type/subtype` of a declared content type, or `None` when it is not one (the engine
/// then sends a generic type), so that no garbage reaches a header or a JSON field.
pub(crate) fn media_type(declared: &str) -> Option<String> {
    let essence = declared.split(';').next()?.trim();
    let (kind, subtype) = essence.split_once('/')?;
    let token = |part: &str| {
        !part.is_empty()
            && part.len() <= 127
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    (token(kind) && token(subtype)).then(|| essence.to_ascii_lowercase())
}

/// Splits files into groups of at most `per_part` files (at least one) and at most
/// `bytes_per_part` declared bytes (a larger file goes alone; one of unknown size counts as
/// the whole allowance), keeping their order; no files gives one empty group, so a part
/// without files is still one part.
pub fn split_attachments(
    files: Vec<FileRef>,
    per_part: usize,
    bytes_per_part: u64,
) -> Vec<Vec<FileRef>> {
    let per_part = per_part.max(1);
    let mut groups = vec![Vec::new()];
    let mut group_bytes = 0u64;
    for file in files {
        let bytes = file.size.unwrap_or(bytes_per_part);
        let group = groups.last_mut().expect("there is always a group");
        if !group.is_empty()
            && (group.len() == per_part || group_bytes.saturating_add(bytes) > bytes_per_part)
        {
            groups.push(Vec::new());
            group_bytes = 0;
        }
        group_bytes = group_bytes.saturating_add(bytes);
        groups.last_mut().expect("just pushed").push(file);
    }
    groups
}

/// Whether `files` fit one part under both limits (the common case).
pub(crate) fn fit_one_part(files: &[FileRef], per_part: usize, bytes_per_part: u64) -> bool {
    files.len() <= per_part.max(1)
        && (files.len() <= 1
            || files
                .iter()
                .map(|file| file.size.unwrap_or(bytes_per_part))
                .fold(0u64, u64::saturating_add)
                <= bytes_per_part)
}

/// A human size ("25.0 MB").
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(id: i64) -> FileRef {
        FileRef {
            attachment_id: id,
            guid: format!("g{id}"),
            file_name: format!("f{id}.txt"),
            content_type: None,
            size: Some(1),
        }
    }

    #[test]
    fn declared_content_types_are_kept_only_when_they_are_media_types() {
        let cases = [
            ("image/png", Some("image/png")),
            (" Text/Plain; charset=utf-8", Some("text/plain")),
            ("application/vnd.ms-excel", Some("application/vnd.ms-excel")),
            ("png", None),
            ("/", None),
            ("text/\0html", None),
            ("a/b/c", None),
            ("", None),
        ];
        for (declared, expected) in cases {
            assert_eq!(media_type(declared).as_deref(), expected, "{declared:?}");
        }
    }

    #[test]
    fn files_split_into_parts_of_ten_in_order() {
        let cases = [
            (0, vec![0]),
            (1, vec![1]),
            (10, vec![10]),
            (11, vec![10, 1]),
            (25, vec![10, 10, 5]),
        ];
        for (count, sizes) in cases {
            let groups = split_attachments((0..count).map(file).collect(), 10, u64::MAX);
            assert_eq!(
                groups.iter().map(Vec::len).collect::<Vec<_>>(),
                sizes,
                "{count}"
            );
            let order: Vec<i64> = groups.iter().flatten().map(|f| f.attachment_id).collect();
            assert_eq!(order, (0..count).collect::<Vec<_>>());
        }
        assert_eq!(
            split_attachments(vec![file(1), file(2)], 0, u64::MAX).len(),
            2
        );
    }

    #[test]
    fn files_split_by_bytes_too_and_a_large_file_goes_alone() {
        let sized = |id: i64, size: Option<u64>| FileRef { size, ..file(id) };
        let cases: &[(&[Option<u64>], &[usize])] = &[
            (&[Some(4), Some(4), Some(2)], &[3]),
            (&[Some(4), Some(4), Some(3)], &[2, 1]),
            (&[Some(30), Some(1), Some(1)], &[1, 2]),
            (&[Some(1), Some(30), Some(1)], &[1, 1, 1]),
            (&[None, Some(1)], &[1, 1]),
        ];
        for (sizes, expected) in cases {
            let files: Vec<FileRef> = sizes
                .iter()
                .enumerate()
                .map(|(id, size)| sized(id as i64, *size))
                .collect();
            let groups = split_attachments(files.clone(), 10, 10);
            assert_eq!(
                groups.iter().map(Vec::len).collect::<Vec<_>>(),
                *expected,
                "{sizes:?}"
            );
            assert_eq!(
                fit_one_part(&files, 10, 10),
                expected.len() == 1,
                "{sizes:?}"
            );
        }
    }

    #[test]
    fn the_size_limit_is_inclusive() {
        let mut attachment = Attachment {
            id: 1,
            guid: "g".into(),
            file_name: "big.iso".into(),
            content_type: None,
            size: Some(100),
            private: false,
            created_at: None,
        };
        assert!(matches!(
            AttachmentCheck::of(&attachment, 100),
            AttachmentCheck::Accepted(_)
        ));
        attachment.size = Some(101);
        assert!(matches!(
            AttachmentCheck::of(&attachment, 100),
            AttachmentCheck::TooLarge { size: 101, .. }
        ));
        attachment.size = None;
        assert!(matches!(
            AttachmentCheck::of(&attachment, 100),
            AttachmentCheck::Accepted(_)
        ));
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(25 * 1024 * 1024), "25.0 MB");
    }
}
