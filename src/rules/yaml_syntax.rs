use super::{declare_rule, documented_only};

declare_rule! {
    /// ## What it does
    /// Reports a file that is not well-formed YAML: a syntax error, a duplicate key, a file that
    /// is not UTF-8 text, more than one document, or a file that exceeds the parser's budgets
    /// (size, nesting depth, alias expansion).
    ///
    /// ## Why is this bad?
    /// A file casebook cannot read is a use case nobody can check or find in the handbook. A
    /// duplicate key is worse than an error: YAML would silently keep only one of the values.
    /// The budgets keep a hostile file (a "billion laughs" alias bomb, a 50 MB file) from
    /// exhausting the machine that runs the check.
    ///
    /// ## Example
    /// ```yaml
    /// id: invoice-dispute
    /// title: A client disputes an invoice
    /// title: Invoice dispute        # duplicate key
    /// ```
    ///
    /// ## How to fix
    /// Fix the line shown; keep one value per key. An editor with the YAML language server and
    /// casebook's schemas (see `casebook schema`) shows these errors as you type.
    pub struct YamlSyntax {
        id: "yaml-syntax",
        group: Format,
        severity: Error,
        summary: "a file is not well-formed YAML, has duplicate keys, or exceeds the parser's budgets",
    }
}
documented_only!(YamlSyntax);
