//! The YAML context around the cursor, read from the text alone.
//!
//! A file being typed is usually not valid YAML, so completion and hover cannot rely on the
//! parsed tree. This module reads block-style YAML the way a person does: the key on the
//! current line, and for a `- ` list item or a key being typed, the enclosing keys found by
//! indentation (walking up to the nearest line indented less). Inline lists (`needs: [a, b]`)
//! are read on their line. Flow mappings, block scalars and multi-line flow lists are not
//! understood; there the functions answer what they can and never fail.

/// One step of the path from the file's root mapping to a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    /// The value of a mapping key.
    Key(String),
    /// An element of a sequence.
    Item,
}

/// What the cursor is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Context {
    /// A key being written (or the place for a new one) in the mapping at `path`; `present` are
    /// the keys the mapping already has.
    Key {
        /// Path of the mapping.
        path: Vec<Seg>,
        /// Sibling keys already written.
        present: Vec<String>,
    },
    /// A `- ` item with no key written yet, of the sequence at `path`: an element of a list of
    /// ids, or the first key of a new mapping (which one depends on what the sequence holds).
    Item {
        /// Path of the sequence.
        path: Vec<Seg>,
    },
    /// The value of the last key of `path` (which ends with `Seg::Key`); `list` when the cursor is
    /// on an element of an inline list (`[a, b]`).
    Value {
        /// Path of the value.
        path: Vec<Seg>,
        /// On a list element.
        list: bool,
    },
}

/// One line, split into its parts.
#[derive(Debug)]
struct Line<'a> {
    /// Byte offset of the line's start in the text.
    start: usize,
    /// The line without its newline.
    text: &'a str,
    /// Columns (bytes from the line start) of the `- ` markers at its start.
    dashes: Vec<usize>,
    /// Column of the content after the indentation and markers.
    content: usize,
    /// The key written there: its name and the column after its colon.
    key: Option<(&'a str, usize)>,
}

impl<'a> Line<'a> {
    fn parse(start: usize, text: &'a str) -> Line<'a> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut dashes = Vec::new();
        loop {
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            if i < bytes.len() && bytes[i] == b'-' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
                dashes.push(i);
                i += 1;
            } else {
                break;
            }
        }
        let content = i;
        let key = key_of(&text[content..]).map(|(k, after)| (k, content + after));
        Line {
            start,
            text,
            dashes,
            content,
            key,
        }
    }

    /// Blank, a comment, or a document marker: no structure.
    fn is_blank(&self) -> bool {
        let t = self.text[self.content..].trim();
        (t.is_empty() && self.dashes.is_empty()) || t.starts_with('#') || self.text.starts_with("---")
    }

    /// True when the key's value is empty on this line (a nested block follows).
    fn opens_block(&self) -> bool {
        self.key.is_some_and(|(_, after)| {
            let rest = self.text[after..].trim();
            rest.is_empty() || rest.starts_with('#')
        })
    }
}

/// The key at the start of `s` (`name:` followed by a space or the end) and the offset after
/// its colon.
fn key_of(s: &str) -> Option<(&str, usize)> {
    let (name, quoted) = match s.as_bytes().first() {
        Some(b'"') | Some(b'\'') => {
            let q = s.as_bytes()[0] as char;
            let end = s[1..].find(q)? + 1;
            (&s[1..end], end + 1)
        }
        _ => {
            let end = s
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
                .unwrap_or(s.len());
            (&s[..end], end)
        }
    };
    if name.is_empty() {
        return None;
    }
    let rest = &s[quoted..];
    let colon = rest.len() - rest.trim_start_matches(' ').len();
    let after = &rest[colon..];
    (after.starts_with(':') && (after.len() == 1 || after[1..].starts_with([' ', '\t', '\r'])))
        .then_some((name, quoted + colon + 1))
}

/// The lines of `text` with their start offsets.
fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for l in text.split('\n') {
        out.push(Line::parse(start, l.strip_suffix('\r').unwrap_or(l)));
        start += l.len() + 1;
    }
    out
}

/// The index of the line holding `offset`.
fn line_index(lines: &[Line<'_>], offset: usize) -> usize {
    lines.partition_point(|l| l.start <= offset).saturating_sub(1)
}

/// The path of the mapping whose key starts at column `col` on line `at` (`item` false), or of
/// the sequence whose item's `- ` marker is at column `col` (`item` true), found by walking up
/// the lines above by indentation.
fn path_above(lines: &[Line<'_>], at: usize, mut col: usize, mut item: bool) -> Vec<Seg> {
    let mut rev = Vec::new();
    for l in lines[..at].iter().rev() {
        if l.is_blank() {
            continue;
        }
        let first = l.dashes.first().copied().unwrap_or(l.content);
        if first > col {
            continue;
        }
        if !item {
            // A key at `col`: a sibling, or the first key of the item holding this mapping.
            if l.content == col {
                if let Some(&d) = l.dashes.last() {
                    rev.push(Seg::Item);
                    col = d;
                    item = true;
                }
                continue;
            }
            if first == col && l.content > col {
                // `key:` then `- a` at the key's own indentation: inside a sibling.
                continue;
            }
        } else if l.dashes.last() == Some(&col) || (first == col && !l.dashes.is_empty()) {
            // A sibling item (its marker at the same column).
            if l.dashes.len() > 1 {
                // `- - x`: the outer marker opens the sequence holding this one.
                rev.push(Seg::Item);
                col = l.dashes[l.dashes.len() - 2];
            }
            continue;
        }
        // Indented less: the parent.
        match l.key {
            Some((name, _)) if l.opens_block() => {
                rev.push(Seg::Key(name.to_owned()));
                match l.dashes.last() {
                    Some(&d) => {
                        rev.push(Seg::Item);
                        col = d;
                        item = true;
                    }
                    None => {
                        col = l.content;
                        item = false;
                    }
                }
            }
            Some(_) => break,
            None => match l.dashes.last() {
                Some(&d) if d < col => {
                    rev.push(Seg::Item);
                    col = d;
                    item = true;
                }
                _ => break,
            },
        }
        if col == 0 && !item {
            break;
        }
    }
    rev.reverse();
    rev
}

/// The keys of the mapping whose keys start at column `col` around line `at`.
fn siblings(lines: &[Line<'_>], at: usize, col: usize) -> Vec<String> {
    let mut out = Vec::new();
    let key_at = |l: &Line<'_>| match l.key {
        Some((k, _)) if l.content == col => Some(k.to_owned()),
        _ => None,
    };
    // Upwards to the item's marker or a line indented less.
    for l in lines[..at].iter().rev() {
        if l.is_blank() {
            continue;
        }
        let first = l.dashes.first().copied().unwrap_or(l.content);
        if l.content < col || (first < col && l.content > col) {
            break;
        }
        out.extend(key_at(l));
        if !l.dashes.is_empty() && l.content == col {
            break;
        }
    }
    for l in &lines[at + 1..] {
        if l.is_blank() {
            continue;
        }
        let first = l.dashes.first().copied().unwrap_or(l.content);
        if first < col {
            break;
        }
        out.extend(key_at(l));
    }
    out.sort();
    out.dedup();
    out
}

/// The word (id or key) under or just before the cursor: bytes `[start, end)`.
pub fn word_at(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char(text, offset);
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start, end)
}

/// `offset` moved back to a character boundary and clamped to the text.
pub fn floor_char(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// What the cursor at `offset` is on: a key to write, or a value.
pub fn context(text: &str, offset: usize) -> Context {
    let offset = floor_char(text, offset);
    let lines = lines(text);
    let at = line_index(&lines, offset);
    let line = &lines[at];
    let col = offset - line.start;
    let before = &line.text[..col.min(line.text.len())];
    match line.key {
        Some((name, after)) if col >= after => {
            let mut path = path_above(&lines, at, line.content, false);
            if let Some(&d) = line.dashes.last() {
                // `- key: value`: the key is the first of an item's mapping.
                path = path_above(&lines, at, d, true);
                path.push(Seg::Item);
            }
            path.push(Seg::Key(name.to_owned()));
            let value = &before[after..];
            if let Some(open) = value.rfind('{').filter(|&i| !value[i..].contains('}')) {
                return flow_mapping(path, &value[open + 1..]);
            }
            let list = value.contains('[') && !value.contains(']');
            Context::Value { path, list }
        }
        _ => {
            let content = line.content.min(col);
            if let Some(&d) = line.dashes.last().filter(|&&d| d < col) {
                // `- wor|`: an element of the sequence, or the first key of an item mapping.
                return Context::Item {
                    path: path_above(&lines, at, d, true),
                };
            }
            // A key being typed, or an empty line: its indentation says which mapping.
            let col = if before.trim().is_empty() { col } else { content };
            Context::Key {
                path: path_above(&lines, at, col, false),
                present: siblings(&lines, at, col),
            }
        }
    }
}

/// Inside an inline mapping (`satisfaction: { customer: 3, st|`) at `path`: `inside` is the text
/// from its `{` to the cursor.
fn flow_mapping(mut path: Vec<Seg>, inside: &str) -> Context {
    let entries: Vec<&str> = inside.split(',').collect();
    let present = entries[..entries.len() - 1]
        .iter()
        .filter_map(|e| key_of(e.trim_start()).map(|(k, _)| k.to_owned()))
        .collect();
    let current = entries[entries.len() - 1].trim_start();
    match key_of(current) {
        Some((key, _)) => {
            path.push(Seg::Key(key.to_owned()));
            Context::Value { path, list: false }
        }
        None => Context::Key { path, present },
    }
}

/// The key under the cursor and the path of its value, when the cursor is on a key.
pub fn key_at(text: &str, offset: usize) -> Option<(Vec<Seg>, (usize, usize))> {
    let offset = floor_char(text, offset);
    let lines = lines(text);
    let at = line_index(&lines, offset);
    let line = &lines[at];
    let (name, after) = line.key?;
    let col = offset - line.start;
    if col < line.content || col >= after {
        return None;
    }
    let mut path = match line.dashes.last() {
        Some(&d) => {
            let mut p = path_above(&lines, at, d, true);
            p.push(Seg::Item);
            p
        }
        None => path_above(&lines, at, line.content, false),
    };
    path.push(Seg::Key(name.to_owned()));
    let start = line.start + line.content + usize::from(line.text[line.content..].starts_with(['"', '\'']));
    Some((path, (start, start + name.len())))
}

/// The ids written after `id:` keys indented under the root (in a use case: the steps), with the
/// `title:` written beside each, when there is one, and the byte offset of the id.
pub fn nested_ids(text: &str) -> Vec<(String, Option<String>, usize)> {
    let lines = lines(text);
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(("id", after)) = l.key else { continue };
        if l.content == 0 {
            continue;
        }
        let value = scalar(&l.text[after..]);
        if value.is_empty() {
            continue;
        }
        let title = siblings_values(&lines, i, l.content, "title");
        let at = l.start + after + l.text[after..].find(value).unwrap_or(0);
        out.push((value.to_owned(), title, at));
    }
    out
}

/// The value of `key` in the mapping whose keys start at column `col` around line `at`.
fn siblings_values(lines: &[Line<'_>], at: usize, col: usize, key: &str) -> Option<String> {
    for l in &lines[at + 1..] {
        if l.is_blank() {
            continue;
        }
        let first = l.dashes.first().copied().unwrap_or(l.content);
        if first < col {
            break;
        }
        if let Some((k, after)) = l.key
            && k == key
            && l.content == col
        {
            let v = scalar(&l.text[after..]);
            return (!v.is_empty()).then(|| v.to_owned());
        }
    }
    None
}

/// The top-level `id:` of the text (a use case's id).
pub fn root_id(text: &str) -> Option<String> {
    lines(text).iter().find_map(|l| match l.key {
        Some(("id", after)) if l.content == 0 && l.dashes.is_empty() => {
            let v = scalar(&l.text[after..]);
            (!v.is_empty()).then(|| v.to_owned())
        }
        _ => None,
    })
}

/// A plain or quoted scalar written on one line, without its comment and quotes.
fn scalar(s: &str) -> &str {
    let s = s.trim();
    let s = match s.find(" #") {
        Some(i) => s[..i].trim_end(),
        None => s,
    };
    s.trim_matches(['"', '\''])
}

/// The lines of the entry `key:` of the mapping that holds the key on the line of `offset`:
/// its line and the lines below indented deeper (a block list, a long text), as a byte range
/// from its line's start to the start of the line after it (newlines included). None when the
/// key is not there, or is the first key of a `- ` item (removing its line would end the item).
pub fn entry_range(text: &str, offset: usize, key: &str) -> Option<(usize, usize)> {
    let lines = lines(text);
    let at = line_index(&lines, floor_char(text, offset));
    lines[at].key?;
    let col = lines[at].content;
    let in_mapping = |l: &Line<'_>| l.content == col && l.key.is_some_and(|(k, _)| k == key);
    // The mapping runs up to its item's marker (or a line indented less) and down to a line
    // indented less or the next item's marker.
    let mut found = None;
    for (i, l) in lines.iter().enumerate().take(at + 1).rev() {
        if l.is_blank() {
            continue;
        }
        let first = l.dashes.first().copied().unwrap_or(l.content);
        if l.content < col || (first < col && l.content > col) {
            break;
        }
        if in_mapping(l) {
            found = Some(i);
            break;
        }
        if !l.dashes.is_empty() && l.content == col {
            break;
        }
    }
    if found.is_none() {
        for (i, l) in lines.iter().enumerate().skip(at + 1) {
            if l.is_blank() {
                continue;
            }
            let first = l.dashes.first().copied().unwrap_or(l.content);
            if first < col {
                break;
            }
            if in_mapping(l) {
                found = Some(i);
                break;
            }
        }
    }
    let i = found?;
    if !lines[i].dashes.is_empty() {
        return None;
    }
    // The entry ends before the next line that is not blank and not indented deeper, or a
    // deeper line of a sequence written at the key's own indentation (`allow:` then `- a`).
    let mut end = lines.len();
    for (j, l) in lines.iter().enumerate().skip(i + 1) {
        if l.is_blank() && l.text.trim().is_empty() {
            continue;
        }
        let first = l.dashes.first().copied().unwrap_or(l.content);
        let own_list = first == col && !l.dashes.is_empty() && lines[i].opens_block();
        if first <= col && !own_list {
            end = j;
            break;
        }
    }
    // Blank lines just before the next entry stay where they are.
    while end > i + 1 && lines[end - 1].text.trim().is_empty() {
        end -= 1;
    }
    let stop = lines.get(end).map_or(text.len(), |l| l.start);
    Some((lines[i].start, stop))
}

/// The byte range of the `- ` item whose first line holds `offset` (a team, a channel...): from
/// its marker to the end of its last line that is not blank. None when the line has no marker.
pub fn item_range(text: &str, offset: usize) -> Option<(usize, usize)> {
    let lines = lines(text);
    let at = line_index(&lines, floor_char(text, offset));
    let dash = *lines[at].dashes.last()?;
    let mut last = at;
    for (j, l) in lines.iter().enumerate().skip(at + 1) {
        if l.is_blank() {
            continue;
        }
        let first = l.dashes.first().copied().unwrap_or(l.content);
        if first <= dash {
            break;
        }
        last = j;
    }
    Some((lines[at].start + dash, lines[last].start + lines[last].text.len()))
}

/// The column of the key written on the line holding `offset`, if the line holds a key (after
/// any `- ` markers): the indentation of a key added to the same mapping.
pub fn key_column(text: &str, offset: usize) -> Option<usize> {
    let start = line_start(text, offset);
    let line = Line::parse(start, &text[start..line_end(text, offset)]);
    line.key.map(|_| line.content)
}

/// The column of the last `- ` marker on the line holding `offset`.
pub fn dash_column(text: &str, offset: usize) -> Option<usize> {
    let start = line_start(text, offset);
    Line::parse(start, &text[start..line_end(text, offset)])
        .dashes
        .last()
        .copied()
}

/// The byte offset of the end of the line holding `offset` (before its `\n` or `\r\n`).
pub fn line_end(text: &str, offset: usize) -> usize {
    let offset = floor_char(text, offset);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    if end > offset && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The byte offset of the start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    let offset = floor_char(text, offset);
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text_with_cursor: &str) -> Context {
        let at = text_with_cursor.find('|').unwrap();
        let text = text_with_cursor.replacen('|', "", 1);
        context(&text, at)
    }

    fn keys(path: &[&str]) -> Vec<Seg> {
        path.iter()
            .map(|p| {
                if *p == "-" {
                    Seg::Item
                } else {
                    Seg::Key((*p).to_owned())
                }
            })
            .collect()
    }

    #[test]
    fn values_of_keys_and_list_elements() {
        assert_eq!(
            ctx("id: a\nsteps:\n  - id: x\n    actor: bi|\n"),
            Context::Value {
                path: keys(&["steps", "-", "actor"]),
                list: false
            }
        );
        assert_eq!(
            ctx("steps:\n  - id: x\n    needs: [a, |\n"),
            Context::Value {
                path: keys(&["steps", "-", "needs"]),
                list: true
            }
        );
        assert_eq!(
            ctx("steps:\n  - id: x\n    needs:\n      - a\n      - |\n"),
            Context::Item {
                path: keys(&["steps", "-", "needs"]),
            }
        );
        // A list at the key's own indentation.
        assert_eq!(
            ctx("steps:\n- id: x\n  needs:\n  - a\n  - b|"),
            Context::Item {
                path: keys(&["steps", "-", "needs"]),
            }
        );
        assert_eq!(
            ctx("steps:\n- id: x\n  needs:\n  - a\n  title: t\n  ne|"),
            Context::Key {
                path: keys(&["steps", "-"]),
                present: vec!["id".into(), "needs".into(), "title".into()],
            }
        );
        assert_eq!(
            ctx("steps:\n  - id: x\n    next:\n      - to: y\n        when: w\n      - to: z|\n"),
            Context::Value {
                path: keys(&["steps", "-", "next", "-", "to"]),
                list: false
            }
        );
        assert_eq!(
            ctx("steps:\n  - id: x\n    next:\n      - to: y\n        carries: [|]\n"),
            Context::Value {
                path: keys(&["steps", "-", "next", "-", "carries"]),
                list: true
            }
        );
    }

    #[test]
    fn inline_mappings() {
        assert_eq!(
            ctx("steps:\n  - id: x\n    satisfaction: { customer: 3, st|"),
            Context::Key {
                path: keys(&["steps", "-", "satisfaction"]),
                present: vec!["customer".into()]
            }
        );
        assert_eq!(
            ctx("rules:\n  handoff-budget: { max: 3, severity: w| }"),
            Context::Value {
                path: keys(&["rules", "handoff-budget", "severity"]),
                list: false
            }
        );
    }

    #[test]
    fn keys_by_indentation() {
        assert_eq!(
            ctx("id: a\nsteps:\n  - id: x\n    ac|\n    title: t\n"),
            Context::Key {
                path: keys(&["steps", "-"]),
                present: vec!["id".into(), "title".into()]
            }
        );
        assert_eq!(
            ctx("id: a\nti|\nsteps:\n  - id: x\n"),
            Context::Key {
                path: vec![],
                present: vec!["id".into(), "steps".into()]
            }
        );
        assert_eq!(
            ctx("steps:\n  - id: x\n    next:\n      - to: y\n        |\n"),
            Context::Key {
                path: keys(&["steps", "-", "next", "-"]),
                present: vec!["to".into()]
            }
        );
        assert_eq!(
            ctx("steps:\n  - id: x\n  - |\n"),
            Context::Item {
                path: keys(&["steps"]),
            }
        );
    }

    #[test]
    fn step_ids_and_titles_from_text() {
        let text = "id: uc\nsteps:\n  - id: a\n    title: First\n  - id: b\n    end: done\n  - id: \n";
        let ids: Vec<_> = nested_ids(text).into_iter().map(|(i, t, _)| (i, t)).collect();
        assert_eq!(
            ids,
            [("a".to_owned(), Some("First".to_owned())), ("b".to_owned(), None)]
        );
        assert_eq!(root_id(text).as_deref(), Some("uc"));
    }

    #[test]
    fn words_stop_at_non_ascii_text() {
        let text = "title: café\nactor: bil";
        assert_eq!(word_at(text, text.len()), (text.len() - 3, text.len()));
        let e = text.find('é').unwrap();
        // Inside the two bytes of `é`: the word before it.
        assert_eq!(word_at(text, e + 1), (e - 3, e));
    }
}
