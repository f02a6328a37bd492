use super::{declare_rule, documented_only};

declare_rule! {
    /// ## What it does
    /// Reports a file that does not match the JSON Schema of its kind: a value of the wrong
    /// type, an unknown field, a missing required field, an id that is not a slug, a bad date
    /// or duration, an empty or missing file.
    ///
    /// It also reports a catalogue laid out wrongly: a symbolic link or special file (a named
    /// pipe, a device) in place of `casebook.yaml`, `organisation.yaml`, `channels.yaml` or
    /// `information.yaml` (casebook reads regular files only and follows no link inside the
    /// catalogue); no use case to check (no `use-cases/` folder, a misnamed one, a file or link in
    /// its place, or a folder without any `.yaml` file), at the top of casebook.yaml; and a
    /// `templates:` folder that is outside the catalogue, missing, a link, or holds a link.
    ///
    /// ## Why is this bad?
    /// casebook and the handbook rely on the fields having the meaning the format gives them. A
    /// misspelt field (`nxt:` for `next:`) would otherwise be silently ignored and the flow
    /// would look broken for the wrong reason.
    ///
    /// ## Example
    /// ```yaml
    /// steps:
    ///   - id: log
    ///     title: 42            # should be text
    ///     actr: contact-centre # unknown field: did you mean `actor`?
    /// ```
    ///
    /// ## How to fix
    /// Follow the message and its suggestion. Put
    /// `# yaml-language-server: $schema=../../../schemas/use-case.schema.json` (path relative to
    /// the file) at the top of a use case to get completion and these checks in your editor.
    pub struct Schema {
        id: "schema",
        group: Format,
        severity: Error,
        summary: "a file does not match its JSON Schema (wrong type, unknown field, missing required field, bad slug)",
    }
}
documented_only!(Schema);
