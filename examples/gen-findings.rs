//! Writes a catalogue with many findings in few files, to time `casebook check`'s report
//! formats side by side (see benches/README.md):
//!
//! ```sh
//! cargo run --release --example gen-findings -- /tmp/findings20k 4 5000
//! ```
//!
//! Arguments: the folder (created; must not exist), the number of files, the steps per file
//! (one finding each).

#[path = "../benches/findings_catalogue/mod.rs"]
mod findings_catalogue;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, files, steps] = args.as_slice() else {
        eprintln!("usage: gen-findings DIR FILES STEPS");
        std::process::exit(2);
    };
    let dir = std::path::Path::new(dir);
    std::fs::create_dir(dir)?;
    findings_catalogue::write(dir, files.parse().expect("FILES"), steps.parse().expect("STEPS"))?;
    println!("wrote {}", dir.display());
    Ok(())
}
