//! The edge between the protocol and the engine: LSP positions (a line and a count of UTF-16
//! code units by default, or of UTF-8 bytes or characters when the client and server agree on
//! it) to byte offsets and back, and `file:` URIs to paths and back.
//!
//! Every conversion clamps: a line past the end is the end of the text, a character past the end
//! of its line is the end of the line (before its `\r\n`), a position inside a character (half of
//! a surrogate pair, the middle of a UTF-8 sequence) is the start of that character. The client
//! may be a keystroke ahead or simply wrong; the server answers anyway.

use lsp_types::{Position, PositionEncodingKind, Range, Uri};
use std::path::{Path, PathBuf};

/// What the `character` of an LSP position counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 code units (bytes): the engine's own offsets.
    Utf8,
    /// UTF-16 code units: the protocol's default, and what every client supports.
    Utf16,
    /// Unicode scalar values (characters).
    Utf32,
}

impl Encoding {
    /// The encoding to use, from the client's `general.positionEncodings`: UTF-8 when offered (no
    /// conversion needed), UTF-16 otherwise (which every client must support).
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    /// Its name in the protocol.
    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// How many units of this encoding `c` takes.
    fn width(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

/// The start of every line of a text, to turn positions into offsets and back.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the first byte of each line; lines end at `\n`.
    starts: Vec<u32>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0u32];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| (i + 1) as u32),
        );
        LineIndex { starts }
    }

    /// The text of line `line` without its line ending (`\n` or `\r\n`), and its start offset.
    fn line<'t>(&self, text: &'t str, line: usize) -> (u32, &'t str) {
        let start = self.starts[line] as usize;
        let end = self.starts.get(line + 1).map_or(text.len(), |&s| s as usize - 1);
        let content = &text[start.min(text.len())..end.min(text.len())];
        (start as u32, content.strip_suffix('\r').unwrap_or(content))
    }

    /// The byte offset of `pos` in `text` (the text this index was built from), clamped.
    pub fn offset(&self, text: &str, pos: Position, encoding: Encoding) -> u32 {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return text.len() as u32;
        }
        let (start, content) = self.line(text, line);
        let mut units = 0u32;
        for (i, c) in content.char_indices() {
            let next = units + encoding.width(c);
            if next > pos.character {
                // `pos` is at this character, or inside it: its start.
                return start + i as u32;
            }
            units = next;
        }
        start + content.len() as u32
    }

    /// The LSP position of the byte `offset` in `text`, clamped to the text; an offset inside a
    /// character is taken at that character's start.
    pub fn position(&self, text: &str, offset: u32, encoding: Encoding) -> Position {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let (start, content) = self.line(text, line);
        let start = start as usize;
        // The `\r` of a `\r\n` is the end of the line, not a character on it.
        let offset = offset.min(start + content.len());
        let character = match encoding {
            Encoding::Utf8 => (offset - start) as u32,
            _ => text[start..offset].chars().map(|c| encoding.width(c)).sum(),
        };
        Position {
            line: line as u32,
            character,
        }
    }

    /// The LSP range of the bytes `start..end` of `text`.
    pub fn range(&self, text: &str, start: u32, end: u32, encoding: Encoding) -> Range {
        Range {
            start: self.position(text, start, encoding),
            end: self.position(text, end.max(start), encoding),
        }
    }
}

/// The path of a `file:` URI (percent-decoded), or None for any other URI.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://").or_else(|| s.strip_prefix("FILE://"))?;
    // `file:///p`, or `file://localhost/p`; a query or fragment is not part of a path.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if rest[..i].eq_ignore_ascii_case("localhost") => &rest[i..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path)?;
    let decoded = String::from_utf8(bytes).ok()?;
    if cfg!(windows) {
        // `/c:/Users/...` is `c:\Users\...`.
        let trimmed = match decoded.as_bytes() {
            [b'/', d, b':', ..] if d.is_ascii_alphabetic() => &decoded[1..],
            _ => &decoded[..],
        };
        Some(PathBuf::from(trimmed.replace('/', "\\")))
    } else {
        Some(PathBuf::from(decoded))
    }
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path, percent-encoding every byte outside the unreserved
/// characters and `/`. None for a relative path or one that is not UTF-8.
pub fn uri_of(path: &Path) -> Option<Uri> {
    if !path.is_absolute() {
        return None;
    }
    let text = path.to_str()?;
    let text = if cfg!(windows) {
        format!("/{}", text.replace('\\', "/"))
    } else {
        text.to_owned()
    };
    let mut uri = String::from("file://");
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || (cfg!(windows) && b == b':') {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    /// "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 UTF-16 units (a surrogate pair).
    const TEXT: &str = "id: a\ntitle: Réclamation 😀 reçue\r\nnext: b\n";

    #[test]
    fn utf16_positions_count_surrogate_pairs_and_accents() {
        let index = LineIndex::new(TEXT);
        let line1 = TEXT.find("title").unwrap() as u32;
        let r_of_recue = TEXT.find("reçue").unwrap() as u32;
        // "title: Réclamation 😀 " is 21 characters, 22 UTF-16 units (the emoji takes 2).
        assert_eq!(index.position(TEXT, r_of_recue, Encoding::Utf16), pos(1, 22));
        assert_eq!(index.offset(TEXT, pos(1, 22), Encoding::Utf16), r_of_recue);
        assert_eq!(index.position(TEXT, r_of_recue, Encoding::Utf32), pos(1, 21));
        assert_eq!(index.offset(TEXT, pos(1, 21), Encoding::Utf32), r_of_recue);
        assert_eq!(
            index.position(TEXT, r_of_recue, Encoding::Utf8),
            pos(1, r_of_recue - line1)
        );
        assert_eq!(
            index.offset(TEXT, pos(1, r_of_recue - line1), Encoding::Utf8),
            r_of_recue
        );
        // After the accent of "Réclamation": 'c' is character 9, byte 10 of the line.
        let c = TEXT.find("clamation").unwrap() as u32;
        assert_eq!(index.position(TEXT, c, Encoding::Utf16), pos(1, 9));
        assert_eq!(index.offset(TEXT, pos(1, 9), Encoding::Utf16), c);
    }

    #[test]
    fn every_offset_round_trips_in_every_encoding() {
        let index = LineIndex::new(TEXT);
        for (offset, c) in TEXT.char_indices() {
            if c == '\n' && TEXT[..offset].ends_with('\r') {
                continue; // the `\r\n` is one line end, at the `\r`
            }
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let p = index.position(TEXT, offset as u32, enc);
                // `\r` of the CRLF is not part of the line: it maps to the line's end, the same offset.
                assert_eq!(
                    index.offset(TEXT, p, enc),
                    offset as u32,
                    "{offset} {enc:?} {p:?}"
                );
            }
        }
    }

    #[test]
    fn positions_out_of_range_are_clamped() {
        let index = LineIndex::new(TEXT);
        let emoji = TEXT.find('😀').unwrap() as u32;
        // Half-way through the surrogate pair: the start of the emoji.
        assert_eq!(index.offset(TEXT, pos(1, 20), Encoding::Utf16), emoji);
        assert_eq!(index.offset(TEXT, pos(1, 19), Encoding::Utf16), emoji);
        // Past the end of a line: its end, before the line ending (CRLF here).
        let end1 = TEXT.find("\r\n").unwrap() as u32;
        assert_eq!(index.offset(TEXT, pos(1, 999), Encoding::Utf16), end1);
        assert_eq!(index.offset(TEXT, pos(0, 999), Encoding::Utf16), 5);
        // Past the last line: the end of the text.
        assert_eq!(index.offset(TEXT, pos(99, 0), Encoding::Utf16), TEXT.len() as u32);
        // An offset inside a character, or past the end.
        assert_eq!(
            index.position(TEXT, emoji + 2, Encoding::Utf16),
            index.position(TEXT, emoji, Encoding::Utf16)
        );
        assert_eq!(index.position(TEXT, 10_000, Encoding::Utf16), pos(3, 0));
        // The empty text.
        let empty = LineIndex::new("");
        assert_eq!(empty.offset("", pos(5, 5), Encoding::Utf16), 0);
        assert_eq!(empty.position("", 5, Encoding::Utf16), pos(0, 0));
    }

    #[test]
    fn utf8_is_chosen_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32, PositionEncodingKind::UTF16])),
            Encoding::Utf16
        );
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF16, PositionEncodingKind::UTF8])),
            Encoding::Utf8
        );
    }

    #[cfg(unix)]
    #[test]
    fn file_uris_and_paths() {
        let path = Path::new("/home/zoé/my catalogue/use-cases/a#1.yaml");
        let uri = uri_of(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///home/zo%C3%A9/my%20catalogue/use-cases/a%231.yaml"
        );
        assert_eq!(path_of(&uri).unwrap(), path);
        let localhost: Uri = "file://localhost/tmp/x.yaml".parse().unwrap();
        assert_eq!(path_of(&localhost).unwrap(), Path::new("/tmp/x.yaml"));
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(path_of(&untitled), None);
        let remote: Uri = "file://server/share/x.yaml".parse().unwrap();
        assert_eq!(path_of(&remote), None);
        assert_eq!(uri_of(Path::new("relative/x.yaml")), None);
    }
}
