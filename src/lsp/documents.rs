//! The documents the editor has open: their text as typed (saved or not), their version, and
//! the path of the file they stand for. The loader reads them instead of the disk
//! (see [`crate::load::Overlay`]).

use super::convert::{Encoding, LineIndex, path_of};
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One open document.
#[derive(Clone, Debug)]
pub struct Document {
    /// The URI exactly as the client spelled it (diagnostics are published to it).
    pub uri: Uri,
    /// The file it stands for; None for a URI that is not a `file:` one (an untitled buffer).
    pub path: Option<PathBuf>,
    /// The client's version of the text.
    pub version: i32,
    /// The text.
    pub text: String,
}

/// The open documents, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    docs: HashMap<Uri, Document>,
}

impl Documents {
    /// Opens (or reopens) a document.
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> &Document {
        let path = path_of(&uri);
        let doc = Document {
            uri: uri.clone(),
            path,
            version,
            text,
        };
        self.docs.insert(uri.clone(), doc);
        &self.docs[&uri]
    }

    /// Applies the client's changes, in order; a change without a range replaces the whole text.
    /// A change to a document that is not open is ignored (None).
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> Option<&Document> {
        let doc = self.docs.get_mut(uri)?;
        for change in changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let index = LineIndex::new(&doc.text);
                    let start = index.offset(&doc.text, range.start, encoding) as usize;
                    let end = index.offset(&doc.text, range.end, encoding) as usize;
                    let (start, end) = (start.min(end), start.max(end));
                    doc.text.replace_range(start..end, &change.text);
                }
            }
        }
        doc.version = version;
        Some(doc)
    }

    /// Closes a document; returns it if it was open.
    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.docs.remove(uri)
    }

    /// The open document of a URI.
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri)
    }

    /// The open documents whose file is below `folder`.
    pub fn under<'a>(&'a self, folder: &'a Path) -> impl Iterator<Item = &'a Document> + 'a {
        self.docs
            .values()
            .filter(move |d| d.path.as_deref().is_some_and(|p| p.starts_with(folder)))
    }

    /// The open document of the file at `path`.
    pub fn by_path(&self, path: &Path) -> Option<&Document> {
        self.docs.values().find(|d| d.path.as_deref() == Some(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn edit(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position {
                    line: l1,
                    character: c1,
                },
                end: Position {
                    line: l2,
                    character: c2,
                },
            }),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order_in_utf16() {
        let mut docs = Documents::default();
        let uri: Uri = "file:///c/use-cases/a.yaml".parse().unwrap();
        docs.open(uri.clone(), 1, "title: 😀 é\nactor: x\n".to_owned());
        // Replace `é` (UTF-16 column 10: "title: " is 7 units, the emoji 2, the space 1) with `e`, then append to line 2.
        let doc = docs
            .change(
                &uri,
                2,
                vec![edit(0, 10, 0, 11, "e"), edit(1, 8, 1, 8, "yz")],
                Encoding::Utf16,
            )
            .unwrap();
        assert_eq!(doc.text, "title: 😀 e\nactor: xyz\n");
        assert_eq!(doc.version, 2);
        assert_eq!(doc.path.as_deref(), Some(Path::new("/c/use-cases/a.yaml")));
        // A range past the end is clamped; a full change replaces everything.
        let doc = docs
            .change(&uri, 3, vec![edit(9, 0, 9, 9, "tail\n")], Encoding::Utf16)
            .unwrap();
        assert!(doc.text.ends_with("xyz\ntail\n"), "{}", doc.text);
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new".to_owned(),
        };
        assert_eq!(
            docs.change(&uri, 4, vec![full], Encoding::Utf16).unwrap().text,
            "new"
        );
        // An end before the start is taken as the range between them.
        let doc = docs
            .change(&uri, 5, vec![edit(0, 3, 0, 1, "")], Encoding::Utf16)
            .unwrap();
        assert_eq!(doc.text, "n");
        let other: Uri = "file:///c/b.yaml".parse().unwrap();
        assert!(docs.change(&other, 1, Vec::new(), Encoding::Utf16).is_none());
    }
}
