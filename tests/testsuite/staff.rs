//! The handbook as staff open it (issue 10, items 1, 6 and 7), through the binary as a user runs
//! it: `casebook build`, then the HTML read back. The home page asks who you are (your team,
//! grouped by department; your channel; a search), the review material has a page of its own,
//! the sidebar is folded with teams and channels first, team pages list the team's own steps and
//! flag the handoffs that carry nothing recorded, channel pages are tables of steps, the
//! glossary shows definitions, the reading guide speaks the catalogue's language, and the charts
//! keep their legend inside and every score visible.

use crate::support::{casebook, copy_tree, fixtures};
use casebook::CheckOptions;
use casebook::model::Date;
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-22";

/// A catalogue of the base fixture, the staff overlay (`tests/fixtures/handbook/staff`) and
/// `language`, built by the binary; returns the folders of the catalogue and the handbook.
fn staff_book(language: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("cat");
    std::fs::create_dir_all(&cat).unwrap();
    copy_tree(&fixtures().join("base"), &cat);
    copy_tree(&fixtures().join("handbook/staff"), &cat);
    let settings = std::fs::read_to_string(cat.join("casebook.yaml")).unwrap();
    std::fs::write(
        cat.join("casebook.yaml"),
        settings.replace("language: en", &format!("language: {language}")),
    )
    .unwrap();
    let out = dir.path().join("book");
    build(&cat, &out);
    (dir, out)
}

fn build(cat: &Path, out: &Path) {
    casebook()
        .args(["build", "--today", TODAY, "--catalogue"])
        .arg(cat)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// The sample catalogue's handbook, built once for the tests that read it.
fn sample_book() -> &'static Path {
    static BOOK: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, out) = BOOK.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("book");
        build(&Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"), &out);
        (dir, out)
    });
    out
}

fn read(book: &Path, page: &str) -> String {
    std::fs::read_to_string(book.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The page's content (mdBook's `<main>`), without the sidebar and the chrome.
fn main_of(html: &str) -> &str {
    let start = html.find("<main>").expect("a <main>");
    let end = html.find("</main>").expect("a </main>");
    &html[start..end]
}

/// The table row of `html` that holds `text`.
fn row<'a>(html: &'a str, text: &str) -> &'a str {
    let at = html
        .find(text)
        .unwrap_or_else(|| panic!("no `{text}` in the page"));
    let start = html[..at].rfind("<tr>").expect("inside a row");
    let end = at + html[at..].find("</tr>").expect("a row ends");
    &html[start..end]
}

const FLAG: &str = "<span class=\"casebook-flag\">";

fn sample() -> casebook::Checked {
    casebook::check(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"),
        CheckOptions {
            today: Date::parse(TODAY).unwrap(),
        },
    )
    .unwrap()
}

#[test]
fn the_home_page_asks_who_you_are_and_lists_every_team_under_its_department() {
    let book = sample_book();
    let home = read(book, "index.html");
    let page = main_of(&home);
    let cat = sample().catalogue;
    for heading in ["Who are you?", "Find your team", "Find your channel", "Search"] {
        assert!(page.contains(heading), "the home page has no `{heading}`");
    }
    // Every team is linked, after its own department's name and before the next department's.
    for (di, dept) in cat.departments.iter().enumerate() {
        let at = page
            .find(&format!("<strong>{}</strong>", dept.name))
            .unwrap_or_else(|| panic!("department {} is not on the home page", dept.name));
        let next = cat
            .departments
            .get(di + 1)
            .and_then(|d| page.find(&format!("<strong>{}</strong>", d.name)))
            .unwrap_or(page.len());
        for team in cat.teams.iter().filter(|t| t.department == di) {
            let link = format!("href=\"teams/{}.html\"", team.id.value);
            let found = page.find(&link).unwrap_or_else(|| panic!("{link} missing"));
            assert!(
                at < found && found < next,
                "{} is not under {}",
                team.id.value,
                dept.name
            );
        }
    }
    for ch in &cat.channels {
        assert!(page.contains(&format!("href=\"channels/{}.html\"", ch.id.value)));
    }
    // The search box hands its words to mdBook's searcher, which opens on `?search=`.
    assert!(
        page.contains("<form class=\"casebook-search\" action=\"index.html\" method=\"get\"")
            && page.contains("name=\"search\""),
        "a search form"
    );
    assert!(page.contains("href=\"how-to-read.html\""), "the reading guide");
    assert!(page.contains("href=\"review.html\""), "the way to the review");
    // The review material is no longer on the home page but on its own.
    assert!(!page.contains("id=\"findings-by-rule\"") && !page.contains("id=\"due-for-review\""));
    let review = read(book, "review.html");
    let review = main_of(&review);
    for heading in ["Findings by rule", "Due for review", "Domains"] {
        assert!(review.contains(heading), "the review page has no `{heading}`");
    }
    assert!(
        review.contains("href=\"rules.html#"),
        "findings link to their rule"
    );
}

#[test]
fn the_sidebar_is_folded_with_teams_and_channels_before_the_use_cases() {
    let book = sample_book();
    // toc.html is the sidebar for browsers without script; toc.js carries the same list.
    let toc = read(book, "toc.html");
    let at = |href: &str| {
        toc.find(&format!("href=\"{href}\""))
            .unwrap_or_else(|| panic!("{href} is not in the sidebar"))
    };
    assert!(toc.contains("chapter-fold-toggle"), "folds have their toggles");
    assert!(!toc.contains("chapter-item expanded"), "everything starts folded");
    let cat = sample().catalogue;
    let first_domain = cat
        .use_cases
        .iter()
        .map(|u| at(&format!("domains/{}.html", u.domain)))
        .min()
        .unwrap();
    assert!(at("index.html") < at("how-to-read.html"));
    assert!(at("how-to-read.html") < at("teams/index.html"));
    assert!(at("teams/index.html") < at("channels/index.html"));
    assert!(
        at("channels/index.html") < first_domain,
        "teams and channels come first"
    );
    assert!(at("glossary.html") < first_domain);
    // Each use case sits in its own domain's fold.
    let mut domains: Vec<(usize, &str)> = cat
        .use_cases
        .iter()
        .map(|u| (at(&format!("domains/{}.html", u.domain)), u.domain.as_str()))
        .collect();
    domains.sort();
    domains.dedup();
    for uc in &cat.use_cases {
        let pos = at(&format!("use-cases/{}.html", uc.id.value));
        let under = domains
            .iter()
            .rev()
            .find(|(d, _)| *d < pos)
            .map(|(_, name)| *name);
        assert_eq!(
            under,
            Some(uc.domain.as_str()),
            "{} is under its domain",
            uc.id.value
        );
    }
    // The Review part comes last.
    let last_uc = cat
        .use_cases
        .iter()
        .map(|u| at(&format!("use-cases/{}.html", u.id.value)))
        .max()
        .unwrap();
    for page in [
        "review.html",
        "analytics.html",
        "rules.html",
        "writing-use-cases.html",
    ] {
        assert!(last_uc < at(page), "{page} is in the Review part");
    }
    let book_toml =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("book/book.toml")).unwrap();
    assert!(book_toml.contains("[output.html.fold]"));
}

#[test]
fn a_team_page_lists_its_own_steps_and_flags_handoffs_that_carry_nothing_recorded() {
    let (_dir, book) = staff_book("en");
    let billing = read(&book, "teams/billing.html");
    let page = main_of(&billing);
    assert!(page.contains("Issues invoices and credit notes, and settles disputed amounts."));
    // Billing's own step, with what it needs and gives, who hands it in and where it goes.
    let step = row(page, "Billing checks the reading history");
    assert!(step.contains("href=\"../use-cases/disputed-meter-reading.html#step-check\""));
    assert!(
        step.contains("<td><span data-label=\"Needs\"></span>Dispute ticket</td>"),
        "needs: {step}"
    );
    assert!(
        step.contains("<td><span data-label=\"Gives\"></span>Justification of the amount</td>"),
        "gives: {step}"
    );
    assert!(
        step.contains(
            "<td><span data-label=\"Comes from\"></span><a href=\"contact-centre.html\">Contact centre</a></td>"
        ),
        "comes from: {step}"
    );
    // To field service with nothing recorded: flagged; to the contact centre with the
    // justification the next step needs: not flagged.
    let to_field = &step[step.find("if the history cannot settle it").expect("the branch")..];
    assert!(
        to_field.starts_with(
            "if the history cannot settle it: <a href=\"field-service.html\">Field service technicians</a> "
        ) && to_field.contains(FLAG),
        "{to_field}"
    );
    let otherwise = &step[step.find("otherwise: ").expect("the default branch")..];
    assert!(
        otherwise.starts_with("otherwise: <a href=\"contact-centre.html\">Contact centre</a></td>"),
        "{otherwise}"
    );
    // The steps of other teams are not billing's.
    assert!(!page.contains("Agent logs the dispute"));
    // The handoff tables flag the same handoff, and only that one.
    let hands_on = &page[page.find("What we hand on").unwrap()..];
    assert!(row(hands_on, "field-service.html").contains(FLAG));
    assert!(!row(hands_on, "contact-centre.html").contains(FLAG));
    let receives = &page[page.find("What we receive").unwrap()..page.find("What we hand on").unwrap()];
    assert!(
        !receives.contains(FLAG),
        "the ticket travels from the contact centre"
    );

    // Seen from field service, the handoff in is flagged too.
    let field = read(&book, "teams/field-service.html");
    let step = row(main_of(&field), "Technician reads the meter on site");
    assert!(
        step.contains("<a href=\"billing.html\">Billing</a> ") && step.contains(FLAG),
        "{step}"
    );
    // The contact centre: two steps of its own, a flag nowhere.
    let cc = read(&book, "teams/contact-centre.html");
    let cc = main_of(&cc);
    let log = row(cc, "Agent logs the dispute");
    assert!(
        log.contains("<td><span data-label=\"Comes from\"></span>Customer</td>"),
        "comes from the customer: {log}"
    );
    assert!(
        log.contains(
            "<td><span data-label=\"Channel\"></span><a href=\"../channels/phone.html\">Phone</a></td>"
        ),
        "channel: {log}"
    );
    assert!(
        log.contains("<a href=\"billing.html\">Billing</a></td>"),
        "next: {log}"
    );
    let answer = row(cc, "Agent calls the customer with the amount");
    assert!(
        answer.contains("billing.html") && answer.contains("field-service.html"),
        "comes from: {answer}"
    );
    assert!(!cc.contains(FLAG));
}

#[test]
fn a_channel_page_is_a_table_of_the_steps_on_it() {
    let (_dir, book) = staff_book("en");
    let phone = read(&book, "channels/phone.html");
    let page = main_of(&phone);
    assert!(page.contains("The customer line, open on weekdays."));
    let call = row(page, "Customer calls about the reading");
    assert!(call.contains("disputed-meter-reading.html\">Customer disputes a meter reading</a>"));
    assert!(
        call.contains("<td><span data-label=\"Team\"></span>Customer</td>"),
        "{call}"
    );
    let log = row(page, "Agent logs the dispute");
    assert!(
        log.contains("<a href=\"../teams/contact-centre.html\">Contact centre</a>"),
        "{log}"
    );
    assert!(
        !log.contains("Customer disputes a meter reading") && !log.contains("data-label=\"Use case\""),
        "the use case is named once, and its empty cell has no label (no line on a phone)"
    );
    assert!(
        !page.contains("Billing checks the reading history"),
        "not a phone step"
    );
}

#[test]
fn the_glossary_shows_definitions_as_text() {
    let (_dir, book) = staff_book("en");
    let glossary = read(&book, "glossary.html");
    let page = main_of(&glossary);
    for definition in [
        "The number printed at the top right of every invoice, starting with INV.",
        "Issues invoices and credit notes, and settles disputed amounts.",
        "The customer line, open on weekdays.",
        "Where technicians find their visits.",
        "Invoices, payments and the money owed to us.",
    ] {
        assert!(page.contains(definition), "no definition `{definition}`");
    }
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "markup is shown as text"
    );
    assert!(!page.contains("<script>alert(1)") && !page.contains("href=\"javascript:"));
    assert!(page.contains("<code>invoice-number</code>"), "ids are shown");
    let finance = read(&book, "departments/finance.html");
    assert!(main_of(&finance).contains("<p>Invoices, payments and the money owed to us.</p>"));
}

#[test]
fn the_reading_guide_and_the_home_page_speak_the_catalogue_language() {
    let (_en_dir, en) = staff_book("en");
    let guide = read(&en, "how-to-read.html");
    for words in [
        "How to read this handbook",
        "Line of visibility",
        "Moment of truth",
        "Fail point",
        "Satisfaction map",
        "Handoff",
        "Lanes",
    ] {
        assert!(guide.contains(words), "no `{words}` in the English guide");
    }
    let (_fr_dir, fr) = staff_book("fr");
    let guide = read(&fr, "how-to-read.html");
    for words in [
        "Comment lire ce manuel",
        "Ligne de visibilité",
        "Moment de vérité",
        "Point de défaillance",
        "Carte de satisfaction",
        "Passage de relais",
        "Couloirs",
    ] {
        assert!(guide.contains(words), "no `{words}` in the French guide");
    }
    assert!(!guide.contains("Line of visibility"));
    let home = read(&fr, "index.html");
    assert!(home.contains("Qui êtes-vous ?") && home.contains("Trouvez votre équipe"));
    assert!(
        read(&fr, "toc.html").contains(">Comment lire ce manuel<"),
        "the sidebar links the guide"
    );
}

#[test]
fn the_heatmap_names_its_cells_on_hover_and_scrolls_in_its_own_frame() {
    let (_dir, book) = staff_book("en");
    let analytics = read(&book, "analytics.html");
    let page = main_of(&analytics);
    assert!(page.contains("<div class=\"casebook-scroll casebook-heatmap-frame\""));
    let cell = row(page, "<th scope=\"row\" title=\"Contact centre\">");
    assert!(
        cell.contains("<td title=\"Contact centre → Billing (handoffs: 1)\" style=\"background:"),
        "{cell}"
    );
    assert!(cell.contains("<td title=\"Contact centre → Field service technicians (handoffs: 0)\"></td>"));
    assert!(page.contains("<th scope=\"col\" title=\"Field service technicians\">"));
    let css =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("book/casebook.css")).unwrap();
    assert!(css.contains("position: sticky"), "headers stay in view");
}

/// Every satisfaction map of the sample: the legend inside the picture, and at a step where two
/// raters gave the same score, their marks apart.
#[test]
fn every_satisfaction_map_of_the_sample_keeps_its_legend_inside_and_equal_scores_apart() {
    use casebook::handbook::charts::satisfaction_layout;
    let checked = sample();
    for language in [casebook::config::Language::En, casebook::config::Language::Fr] {
        let t = casebook::labels::table(language);
        let mut charts = 0;
        for uc in checked
            .catalogue
            .use_cases
            .iter()
            .filter(|u| u.steps.iter().any(|s| s.satisfaction.is_some()))
        {
            charts += 1;
            let l = satisfaction_layout(uc, &t, 2);
            assert!(!l.legend.is_empty());
            for e in &l.legend {
                let b = e.bounds;
                assert!(
                    b.x >= 0.0 && b.y >= 0.0 && b.x + b.w <= l.width && b.y + b.h <= l.plot_top,
                    "{}: legend entry {b:?} outside {}x{}",
                    uc.id.value,
                    l.width,
                    l.height
                );
            }
            for a in &l.scores {
                for b in l.scores.iter().filter(|b| b.step == a.step && b.rater > a.rater) {
                    let apart = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                    assert!(apart >= 9.0, "{}: two marks {apart} apart", uc.id.value);
                }
            }
        }
        assert!(charts >= 100, "the sample has its charts: {charts}");
    }
}

#[test]
fn a_description_of_the_wrong_type_is_a_located_schema_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("base"), dir.path());
    copy_tree(&fixtures().join("handbook/staff"), dir.path());
    let info = std::fs::read_to_string(dir.path().join("information.yaml")).unwrap();
    std::fs::write(
        dir.path().join("information.yaml"),
        info.replace(
            "description: The number printed at the top right of every invoice, starting with INV.",
            "description: 42",
        ),
    )
    .unwrap();
    let out = casebook()
        .args(["check", "--today", TODAY, "--catalogue"])
        .arg(dir.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("error[schema]") && stdout.contains("information.yaml:8:"),
        "{stdout}"
    );
    // The model keeps the descriptions it could read.
    let ok = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("base"), ok.path());
    copy_tree(&fixtures().join("handbook/staff"), ok.path());
    let checked = casebook::check(
        ok.path(),
        CheckOptions {
            today: Date::parse(TODAY).unwrap(),
        },
    )
    .unwrap();
    let cat = &checked.catalogue;
    let item = cat.item("invoice-number").unwrap();
    assert_eq!(
        item.description.as_deref(),
        Some("The number printed at the top right of every invoice, starting with INV.")
    );
    assert_eq!(cat.item("credit-note").unwrap().description, None);
    assert!(cat.team("billing").unwrap().description.is_some());
    assert!(cat.channel("phone").unwrap().description.is_some());
    assert!(cat.system("work-orders").unwrap().description.is_some());
}

/// Chromium on PATH or at /usr/bin/chromium; `None` (saying so) when missing, a failure on CI.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("chromium"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/bin/chromium")])
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "no chromium, and CI is set");
        eprintln!("skipped: no chromium (install Debian's chromium package)");
    }
    found
}

/// The text of `<pre id="result">` once the harness page at `page` has run in headless
/// Chromium (file URLs may read each other: the harness inspects pages in its iframes).
fn run_harness(chromium: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--allow-file-access-from-files",
            "--window-size=1400,1000",
            "--virtual-time-budget=30000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    let start = dom
        .find("<pre id=\"result\">")
        .expect("the harness wrote its result")
        + 17;
    let end = start + dom[start..].find("</pre>").unwrap();
    dom[start..end]
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}

/// In each of mdBook's five themes, every heatmap cell and header reads with a contrast of at
/// least 4.5 against what is behind it; the heatmap scrolls in its own frame within the page's
/// column, and its header row and row names stay in view while it scrolls.
#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn the_heatmap_is_readable_in_every_theme_and_keeps_its_labels_in_view() {
    let Some(chromium) = chromium() else { return };
    let book = sample_book();
    let harness = book.join("casebook-test-heatmap.html");
    std::fs::write(
        &harness,
        r#"<!doctype html><html><body><pre id="result"></pre><script>
const themes = ["light", "rust", "coal", "navy", "ayu"];
const out = [];
const lum = c => { const m = c.match(/[\d.]+/g).map(Number); const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return [0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]), m.length > 3 ? m[3] : 1]; };
function behind(el, win) { for (let e = el; e; e = e.parentElement) { const bg = win.getComputedStyle(e).backgroundColor; if (lum(bg)[1] > 0.99) return bg; } return "rgb(255,255,255)"; }
function next(i) {
  if (i === themes.length) { document.getElementById("result").textContent = JSON.stringify(out); return; }
  const f = document.createElement("iframe");
  f.style.width = "1400px"; f.style.height = "900px";
  f.src = "analytics.html";
  f.onload = () => setTimeout(() => {
    const d = f.contentDocument, w = f.contentWindow;
    d.documentElement.className = themes[i] + " sidebar-visible";
    let worst = 99, where = "";
    d.querySelectorAll("table.casebook-heatmap th, table.casebook-heatmap td").forEach(c => {
      if (!c.textContent.trim()) return;
      const a = lum(w.getComputedStyle(c).color)[0], b = lum(behind(c, w))[0];
      const r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (r < worst) { worst = r; where = c.outerHTML.slice(0, 120); }
    });
    const frame = d.querySelector(".casebook-heatmap-frame"), main = d.querySelector("main");
    const fits = frame.getBoundingClientRect().right <= main.getBoundingClientRect().right + 1;
    frame.scrollLeft = 400; frame.scrollTop = 200;
    const rowName = frame.querySelector("tbody th").getBoundingClientRect();
    const colName = frame.querySelector("thead th:nth-child(2)").getBoundingClientRect();
    const box = frame.getBoundingClientRect();
    const titled = [...frame.querySelectorAll("td")].every(c => c.title.includes(" → "));
    out.push({ theme: themes[i], worst, where, fits, scrolled: frame.scrollLeft > 0 && frame.scrollTop > 0,
      rowNameInView: Math.abs(rowName.left - box.left) < 3, colNameInView: Math.abs(colName.top - box.top) < 3, titled });
    f.remove(); next(i + 1);
  }, 300);
  document.body.appendChild(f);
}
next(0);
</script></body></html>"#,
    )
    .unwrap();
    let result: serde_json::Value = serde_json::from_str(&run_harness(&chromium, &harness)).unwrap();
    std::fs::remove_file(&harness).unwrap();
    let themes = result.as_array().unwrap();
    assert_eq!(themes.len(), 5, "{result}");
    for t in themes {
        assert!(t["worst"].as_f64().unwrap() >= 4.5, "contrast in {t}");
        for check in ["fits", "scrolled", "rowNameInView", "colNameInView", "titled"] {
            assert_eq!(t[check], true, "{check} in {t}");
        }
    }
}

/// The home page's search form sends its words as `?search=`, on which mdBook's searcher opens
/// with the results, offline.
#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn the_home_page_search_form_opens_the_search_with_its_words() {
    let Some(chromium) = chromium() else { return };
    let book = sample_book();
    let home = read(book, "index.html");
    assert!(home.contains("action=\"index.html\"") && home.contains("name=\"search\""));
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--virtual-time-budget=15000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!(
            "file://{}?search=invoice",
            book.join("index.html").display()
        ))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let header = dom
        .split("search results for 'invoice'")
        .next()
        .and_then(|before| before.rsplit('>').next())
        .unwrap_or_default()
        .trim();
    let found: usize = header
        .parse()
        .unwrap_or_else(|_| panic!("no count of results: `{header}`"));
    assert!(found > 0, "no result for a word of many titles");
}
