//! A catalogue made to have many findings in few files, for the report benchmarks
//! (`benches/report.rs`, `examples/gen-findings.rs`): `files` use cases of `steps` steps each, in
//! a chain, every step's actor a team that does not exist (one `unknown-reference` error per
//! step, with a "did you mean"). Big files with thousands of findings each are where a renderer
//! that rescans a file for every finding is slowest.

use std::path::Path;

/// Writes the catalogue into `root` (which must exist): `files * steps` findings in all.
pub fn write(root: &Path, files: usize, steps: usize) -> std::io::Result<()> {
    std::fs::write(
        root.join("casebook.yaml"),
        "name: Many findings\nlanguage: en\nrules:\n  unused-definition: off\n",
    )?;
    std::fs::write(
        root.join("organisation.yaml"),
        "departments:\n  - id: service\n    name: Service\n    teams:\n      - id: contact-centre\n        name: Contact centre\n        lane: frontstage\n",
    )?;
    std::fs::write(
        root.join("channels.yaml"),
        "channels:\n  - id: phone\n    name: Phone\n    kind: voice\n    synchronous: true\n",
    )?;
    std::fs::write(root.join("information.yaml"), "information: []\n")?;
    let dir = root.join("use-cases/many");
    std::fs::create_dir_all(&dir)?;
    for f in 0..files {
        let mut text = format!(
            "id: many-{f}\ntitle: Many findings {f}\ndomain: many\nowner: contact-centre\nstatus: draft\n\
             trigger: A benchmark.\noutcome: Many findings.\nsteps:\n"
        );
        for s in 0..steps {
            text.push_str(&format!(
                "  - id: s{s}\n    title: Step {s} of a long chain\n    actor: contact-centr{s}\n    next: s{}\n",
                s + 1
            ));
        }
        text.push_str(&format!("  - id: s{steps}\n    end: done\n"));
        std::fs::write(dir.join(format!("many-{f}.yaml")), text)?;
    }
    Ok(())
}
