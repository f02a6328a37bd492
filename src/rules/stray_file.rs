use super::{declare_rule, documented_only};

declare_rule! {
    /// ## What it does
    /// Reports a file under `use-cases/` that casebook does not read: a file without the
    /// `.yaml` or `.yml` extension, a symbolic link (casebook follows no link inside the
    /// catalogue), something that is not a regular file (a named pipe, a device, a socket), or a
    /// folder nested more than 16 levels deep. Hidden files (starting with a dot) are ignored
    /// silently.
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
        summary: "a file under use-cases/ that casebook does not read (not .yaml/.yml, a link, not a regular file, or too deep)",
    }
}
documented_only!(StrayFile);
