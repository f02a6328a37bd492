use super::{declare_rule, documented_only};

declare_rule! {
    /// ## What it does
    /// Reports a file under `use-cases/` that casebook does not read: a file without the
    /// `.yaml` or `.yml` extension, a symbolic link, or a folder nested more than 16 levels deep.
    /// Hidden files (starting with a dot) are ignored silently.
    ///
    /// ## Why is this bad?
    /// A use case saved as `invoice-dispute.yaml.txt` or `invoice-dispute.yam` looks present in
    /// git but is missing from every check and from the handbook.
    ///
    /// ## Example
    /// ```text
    /// use-cases/billing/invoice-dispute.yml.bak
    /// ```
    ///
    /// ## How to fix
    /// Rename the file to `.yaml`, or move what is not a use case out of `use-cases/`.
    pub struct StrayFile {
        id: "stray-file",
        group: Format,
        severity: Warning,
        summary: "a file under use-cases/ that casebook does not read (not .yaml/.yml, a link, or too deep)",
    }
}
documented_only!(StrayFile);
