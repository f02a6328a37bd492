//! The file database: every file casebook read, its text, and the mapping from byte offsets to
//! 1-based line and column numbers.
//!
//! Everything downstream refers to text by [`Span`] (a file id and a byte range); only the
//! renderers turn spans into lines and columns, through this module.
//!
//! It also holds the one way casebook reads a file of the catalogue, [`read_regular_file`]: a
//! regular file only, never through a symbolic link, and never more than a given number of bytes.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Identifies a file in a [`SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte (equal to `start` for a point).
    pub end: u32,
}

impl Span {
    /// A span covering nothing at the start of `file`.
    pub fn file_start(file: FileId) -> Self {
        Span {
            file,
            start: 0,
            end: 0,
        }
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// One file: its path relative to the catalogue folder, and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the catalogue folder, with `/` separators.
    pub rel_path: String,
    /// Absolute or working-directory-relative path on disk.
    pub disk_path: PathBuf,
    /// The text (lossily decoded when the file is not valid UTF-8; empty when it could not be read).
    pub text: String,
    /// True for a file that was found but not read (see the `stray-file` rule).
    pub stray: bool,
    /// The text, LZ4-compressed, while `text` is empty (see [`SourceFile::pack`]).
    packed: Option<Box<[u8]>>,
    /// The byte offsets where lines start, made on the first lookup: most files of a large
    /// catalogue have no finding and never need one (0.9 KB a use case; benches/README.md,
    /// "Memory").
    line_starts: std::sync::OnceLock<Box<[u32]>>,
}

impl SourceFile {
    /// Builds a file entry; its line starts are indexed on the first lookup.
    pub fn new(rel_path: String, disk_path: PathBuf, text: String) -> Self {
        SourceFile {
            rel_path,
            disk_path,
            text,
            stray: false,
            packed: None,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Compresses the text (LZ4) and empties `text` until [`SourceFile::unpack`]: what
    /// `casebook check` does to every use case file once it is built, so that 50,000 texts
    /// are not all held at full size (benches/README.md, "Memory"). Nothing may read the text
    /// or look up a line of a packed file.
    pub fn pack(&mut self) {
        if self.packed.is_none() && !self.text.is_empty() {
            self.packed = Some(lz4_flex::compress_prepend_size(self.text.as_bytes()).into_boxed_slice());
            self.text = String::new();
        }
    }

    /// Restores the text of a packed file, byte for byte.
    pub fn unpack(&mut self) {
        if let Some(packed) = self.packed.take() {
            // Compressed here from a `String`: it decompresses, to valid UTF-8.
            let bytes = lz4_flex::decompress_size_prepended(&packed).expect("a text packed by `pack`");
            self.text = String::from_utf8(bytes).expect("a text packed from a String");
            // A lookup made while packed (release builds only) indexed the empty text.
            self.line_starts = std::sync::OnceLock::new();
        }
    }

    /// True while the text is packed.
    pub fn is_packed(&self) -> bool {
        self.packed.is_some()
    }

    /// The byte offsets where lines start (the first is 0).
    ///
    /// A packed file has no text to look into: a lookup there is a defect of the caller (the
    /// report unpacks every file a finding points into), which debug builds, and so every test,
    /// stop at. A release build must still finish: it answers line 1, column 1.
    fn line_starts(&self) -> &[u32] {
        debug_assert!(
            !self.is_packed(),
            "{}: a line looked up in a packed file",
            self.rel_path
        );
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(
                    self.text
                        .bytes()
                        .enumerate()
                        .filter(|&(_, b)| b == b'\n')
                        .map(|(i, _)| (i + 1) as u32),
                )
                .collect()
        })
    }

    /// The line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = (offset as usize).min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = line_starts[line] as usize;
        // Count characters; an offset inside a multi-byte character is moved back to its start.
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() + 1;
        LineCol {
            line: line as u32 + 1,
            column: column as u32,
        }
    }

    /// The byte offset of a 1-based line and character column (clamped to the text).
    pub fn offset_of(&self, line: u64, column: u64) -> u32 {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1) as usize) else {
            return self.text.len() as u32;
        };
        let rest = &self.text[start as usize..];
        let within = rest
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(rest.len(), |(i, _)| i);
        start + within as u32
    }
}

/// All files of one run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    /// Unpacks the files with these ids (see [`SourceFile::pack`]).
    pub fn unpack(&mut self, ids: impl IntoIterator<Item = FileId>) {
        for id in ids {
            self.files[id.0 as usize].unpack();
        }
    }

    /// The file behind an id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// All files with their ids, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The start and end line/column of a span.
    pub fn range(&self, span: Span) -> (LineCol, LineCol) {
        let f = self.get(span.file);
        (f.line_col(span.start), f.line_col(span.end))
    }
}

/// Turns a path below `root` into the `/`-separated relative form used in reports.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Why [`read_regular_file`] read nothing.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing is there.
    Missing,
    /// A symbolic link: casebook follows none inside the catalogue.
    Link,
    /// Something other than a regular file: what it is (`a folder`, `a named pipe (FIFO)`...).
    NotRegular(&'static str),
    /// More bytes than the cap; the size when the file said it up front.
    TooLarge(Option<u64>),
    /// Any other error of the operating system.
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Missing => f.write_str("it does not exist"),
            ReadError::Link => f.write_str("it is a symbolic link, which casebook does not follow"),
            ReadError::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            ReadError::TooLarge(_) => f.write_str("it is too large"),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// What a file system entry is, for messages (`a folder`, `a named pipe (FIFO)`...).
pub fn describe_file_type(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        } else if t.is_char_device() || t.is_block_device() {
            return "a device";
        } else if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_file() {
        "a file"
    } else {
        "a special file"
    }
}

/// Reads the regular file at `path`, refusing anything else and anything longer than `max` bytes.
///
/// The entry is first looked at without following a link (`lstat`), so a link, a folder, a named
/// pipe or a device is refused without being opened. It is then opened with `O_NOFOLLOW` (a link
/// put there since is refused) and `O_NONBLOCK` (a pipe put there since does not block the
/// open), the opened handle is checked to be a regular file, and at most `max + 1` bytes are read
/// from it: the cap holds while reading, whatever the metadata said.
pub fn read_regular_file(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let kind_of = |meta: &std::fs::Metadata| -> Result<(), ReadError> {
        let t = meta.file_type();
        if t.is_symlink() {
            Err(ReadError::Link)
        } else if !t.is_file() {
            Err(ReadError::NotRegular(describe_file_type(t)))
        } else if meta.len() > max {
            Err(ReadError::TooLarge(Some(meta.len())))
        } else {
            Ok(())
        }
    };
    match path.symlink_metadata() {
        Ok(meta) => kind_of(&meta)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        Err(e) => return Err(ReadError::Io(e)),
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let flags = OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY;
        options.custom_flags(flags.bits() as i32);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) => {
            // O_NOFOLLOW fails with ELOOP (EMLINK on some systems) when a link was put there.
            return Err(match path.symlink_metadata() {
                Ok(meta) if meta.file_type().is_symlink() => ReadError::Link,
                _ if e.kind() == std::io::ErrorKind::NotFound => ReadError::Missing,
                _ => ReadError::Io(e),
            });
        }
    };
    let meta = file.metadata().map_err(ReadError::Io)?;
    kind_of(&meta)?;
    // The size from the metadata only sizes the buffer (within the cap); the cap holds while reading.
    let mut bytes = Vec::with_capacity(meta.len().min(max) as usize + 1);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge(None));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "id: a\n").unwrap();
        assert_eq!(read_regular_file(&file, 100).unwrap(), b"id: a\n");
        assert!(matches!(
            read_regular_file(&dir.path().join("none.yaml"), 100),
            Err(ReadError::Missing)
        ));
        assert!(matches!(
            read_regular_file(dir.path(), 100),
            Err(ReadError::NotRegular("a folder"))
        ));
        assert!(matches!(
            read_regular_file(&file, 5),
            Err(ReadError::TooLarge(Some(6)))
        ));
        #[cfg(unix)]
        {
            let link = dir.path().join("link.yaml");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert!(matches!(read_regular_file(&link, 100), Err(ReadError::Link)));
        }
    }

    /// Files of /proc say they are empty and are not: the cap must hold while reading.
    #[cfg(target_os = "linux")]
    #[test]
    fn the_cap_holds_while_reading_whatever_the_size_said() {
        let maps = Path::new("/proc/self/maps");
        assert_eq!(std::fs::metadata(maps).unwrap().len(), 0);
        assert!(matches!(
            read_regular_file(maps, 10),
            Err(ReadError::TooLarge(None))
        ));
    }

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a".into(), "a".into(), "ab\nhé: x\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // "hé: x": 'x' is at byte 3 + 5 = 8 and character column 5.
        assert_eq!(f.line_col(8), LineCol { line: 2, column: 5 });
        assert_eq!(f.offset_of(2, 5), 8);
    }
}
