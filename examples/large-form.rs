//! Builds a catalogue's handbook in the large form whatever its size (what `casebook build` does
//! above `handbook::LARGE_ABOVE` use cases), into the folder given:
//! `cargo run --release --example large-form -- CATALOGUE OUT`. For comparing the two forms.

use casebook::handbook::{BuildOptions, render_html_with, write_source_with};
use casebook::model::Date;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [catalogue, out] = &args[..] else {
        eprintln!("usage: large-form CATALOGUE OUT");
        std::process::exit(2);
    };
    let today = Date::parse("2026-11-22").expect("a date");
    let checked = casebook::check(std::path::Path::new(catalogue), casebook::CheckOptions { today })
        .expect("a catalogue");
    let dir = std::path::Path::new(out);
    std::fs::create_dir_all(dir).expect("the output folder");
    let options = BuildOptions {
        out: dir.join("unused"),
        force: false,
        today,
        progress: false,
        templates: None,
    };
    write_source_with(&checked, dir, &options, true).expect("the book source");
    let html = render_html_with(&checked, dir, &options, true).expect("the HTML");
    println!("{}", html.display());
}
