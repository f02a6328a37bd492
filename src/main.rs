//! The `casebook` binary: parses the command line and hands over to `cli`.

mod cli;

/// mimalloc rather than the system's allocator: `check` and above all `build` (mdBook) allocate
/// millions of small blocks; the measurements are in benches/README.md ("The allocator") and
/// the reason in Cargo.toml.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
