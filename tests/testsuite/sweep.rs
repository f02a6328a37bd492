//! The browser sweep: every kind of page of the sample catalogue's handbook, in headless Chromium
//! (the harness of `e2e.rs`), at a desktop width (1,400 px), the narrowest width where the staff
//! tables are tables (720 px) and a phone width (400 px). On each page:
//!
//! - **no horizontal overflow**: no element of the page (menu bar and content; the sidebar is
//!   mdBook's and slides out of view on purpose) reaches past the left or right edge of the
//!   window, but the diagram viewer (`.casebook-viewer`) and what is inside it, and what is inside
//!   the heatmap's frame (`.casebook-heatmap-frame`, a picture that pans; the frame itself must
//!   fit): the only things allowed to be wider than the page. An element clipped by a scrolling
//!   box still counts: a table that needs sideways scrolling on a phone (in mdBook's
//!   `table-wrapper`) is what this check is for. Only the outermost overflowing element is
//!   reported, not each of its children;
//! - **every chart's legend inside its chart**: each `.casebook-chart` (an `<img>` of an SVG, an
//!   inline `<svg>`, or an element holding SVGs) is drawn at its own size and every `<text>` of
//!   it (legend, axis labels) must lie inside the picture's box;
//! - **links that resolve**: every `<a href>` of the page stays on the handbook's site and leads
//!   to a file the server has, and a `#fragment` to an element of that page with that id;
//! - **no link over the diagram viewer**: the points just inside its left and right edges are in
//!   no link or button but its own (mdBook's wide previous and next arrows are fixed beside the
//!   text column, where the viewer grows);
//! - **no console error**: the guard of the harness records uncaught errors, failed loads,
//!   `console.error` and dialogs, and the server every request it could not answer.
//!
//! The pages (the contract between the handbook's helpers names them by the sample): the home
//! page, a simple and a complex use case, a draft, a team, a channel, the glossary, analytics;
//! and a department, a domain and the review page, whose tables must fit a phone too.

use crate::e2e::{Site, chromium};
use crate::support::copy_tree;
use std::path::Path;

/// The pages of the sweep: (kind, path in the handbook).
const PAGES: &[(&str, &str)] = &[
    ("home", "index.html"),
    // 6 steps, no handoff.
    (
        "simple use case",
        "use-cases/portal-administrators-training-session.html",
    ),
    // 22 steps, the most in the sample.
    (
        "complex use case",
        "use-cases/partner-conference-catering-for-300.html",
    ),
    ("draft", "use-cases/ceiling-leak-reported-by-phone.html"),
    ("team", "teams/billing.html"),
    ("channel", "channels/phone.html"),
    ("glossary", "glossary.html"),
    ("analytics", "analytics.html"),
    // Its teams and its handoffs by department, in tables.
    ("department", "departments/finance.html"),
    // A table of its use cases with status, owner, handoffs and channels.
    ("domain", "domains/invoicing-payment.html"),
    ("review", "review.html"),
];

/// The widths of the sweep, in pixels: a desktop, the narrowest window where the staff tables are
/// still tables (720; below it they are cards), and a phone.
const WIDTHS: &[u32] = &[1400, 720, 400];

/// The scenario for one width: every page of `pages`, the three checks on each.
fn scenario(width: u32, pages: &[(&str, &str)]) -> String {
    let pages = serde_json::to_string(pages).unwrap();
    format!(
        r#"
  const WIDTH = {width};
  const PAGES = {pages};
  const cache = new Map();
  // A GET of `url` (no fragment), once per scenario.
  const get = (url) => {{
    if (!cache.has(url)) {{
      cache.set(url, fetch(url).then(async (r) => ({{ ok: r.ok, status: r.status, text: r.ok ? await r.text() : '' }})));
    }}
    return cache.get(url);
  }};
  const describe = (e) => {{
    const id = e.id ? '#' + e.id : '';
    const cls = typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '';
    const text = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return e.tagName.toLowerCase() + id + cls + (text ? ' "' + text + '"' : '');
  }};
  const results = [];
  for (const [kind, path] of PAGES) {{
    const page = await open(path, WIDTH);
    const doc = page.doc;
    // mdBook lays the sidebar and the table of contents out by script; let it settle.
    await sleep(1000);
    const view = doc.documentElement.clientWidth;

    // 1. Horizontal overflow outside the diagram viewer.
    const region = doc.getElementById('mdbook-page-wrapper') || doc.body;
    const over = new Set();
    const overflow = [];
    for (const e of region.querySelectorAll('*')) {{
      // The diagram viewer and what it holds, and what the heatmap's frame holds (a picture
      // that pans; the frame itself must fit), may be wider than the page. Nothing else: an
      // element in a frame that scrolls sideways (a table in mdBook's table-wrapper) counts.
      if (e.closest('.casebook-viewer') || (e.parentElement && e.parentElement.closest('.casebook-heatmap-frame'))) continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.right > view + 1 || r.left < -1) {{
        over.add(e);
        if (!over.has(e.parentElement)) {{
          overflow.push(describe(e) + ' spans ' + Math.round(r.left) + ' to ' + Math.round(r.right) + ' px of ' + view);
        }}
      }}
    }}

    // 2. Every chart's texts inside its chart.
    const charts = [];
    for (const chart of doc.querySelectorAll('.casebook-chart')) {{
      let svgs;
      if (chart.tagName === 'IMG') {{
        await until('the chart ' + chart.src, () => chart.complete);
        const r = await get(chart.src.split('#')[0]);
        if (!r.ok) {{ charts.push(chart.src + ': HTTP ' + r.status); continue; }}
        // Drawn at its own size in the harness page, where its boxes can be measured.
        const holder = document.createElement('div');
        holder.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden';
        holder.innerHTML = r.text;
        document.body.appendChild(holder);
        svgs = [...holder.querySelectorAll('svg')].filter((s) => !s.parentElement.closest('svg'));
      }} else if (chart.tagName.toLowerCase() === 'svg') {{
        svgs = [chart];
      }} else {{
        svgs = [...chart.querySelectorAll('svg')].filter((s) => !s.parentElement.closest('svg'));
      }}
      if (svgs.length === 0) charts.push(describe(chart) + ' has no picture');
      for (const svg of svgs) {{
        const box = svg.getBoundingClientRect();
        for (const t of svg.querySelectorAll('text')) {{
          const r = t.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;
          if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) {{
            const own = [...t.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
            charts.push((chart.getAttribute('src') || describe(chart)) + ': "' + own.slice(0, 40) + '" spans x ' +
              Math.round(r.left - box.left) + ' to ' + Math.round(r.right - box.left) + ', y ' + Math.round(r.top - box.top) + ' to ' +
              Math.round(r.bottom - box.top) + ' of a ' + Math.round(box.width) + ' x ' + Math.round(box.height) + ' chart');
          }}
        }}
      }}
    }}

    // 3. Links that stay on the site and resolve, fragments included.
    const links = [];
    const pageFile = new URL(path, location.href).href;
    const seen = new Set();
    for (const a of doc.querySelectorAll('a[href]')) {{
      const href = a.getAttribute('href');
      if (seen.has(href)) continue;
      seen.add(href);
      let url;
      try {{ url = new URL(href, doc.baseURI); }} catch (e) {{ links.push(href + ': not a web address'); continue; }}
      if (url.origin !== location.origin) {{ links.push(href + ': leads outside the handbook'); continue; }}
      const file = url.origin + url.pathname;
      const r = await get(file);
      if (!r.ok) {{ links.push(href + ': HTTP ' + r.status); continue; }}
      if (url.hash.length > 1) {{
        const id = decodeURIComponent(url.hash.slice(1));
        const target = file === pageFile ? doc : new DOMParser().parseFromString(r.text, 'text/html');
        if (!target.getElementById(id) && !target.getElementsByName(id).length) links.push(href + ': no element with id ' + id);
      }}
    }}

    // 4. No link or button over the diagram viewer: scrolled to the middle of the window, the
    // points just inside its left and right edges, from top to bottom, are in no link or
    // button but the viewer's own (mdBook's wide previous and next arrows are fixed, full
    // height, and would turn a drag there into a change of page).
    const covered = [];
    for (const viewer of doc.querySelectorAll('.casebook-viewer')) {{
      viewer.scrollIntoView({{ block: 'center' }});
      await sleep(100);
      const r = viewer.getBoundingClientRect();
      const height = doc.documentElement.clientHeight;
      const xs = [Math.max(r.left + 4, 1), Math.min(r.right - 4, view - 2)];
      for (const x of xs) {{
        for (const f of [0.25, 0.5, 0.75]) {{
          const y = Math.min(Math.max(r.top + f * r.height, 1), height - 2);
          const e = doc.elementFromPoint(x, y);
          const control = e && e.closest('a[href], button, [role=button]');
          if (control && !control.closest('.casebook-viewer')) {{
            covered.push(describe(control) + ' at x ' + Math.round(x) + ', y ' + Math.round(y) + ' covers the viewer (' +
              Math.round(r.left) + ' to ' + Math.round(r.right) + ' px)');
          }}
        }}
      }}
    }}

    results.push({{ kind, path, width: WIDTH, view, overflow: overflow.slice(0, 12), charts, links, covered,
                    chartCount: doc.querySelectorAll('.casebook-chart').length, linkCount: seen.size }});
    page.frame.remove();
  }}
  return {{ results }};
"#
    )
}

#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn every_kind_of_page_fits_a_desktop_and_a_phone_with_whole_charts_and_working_links() {
    let Some(chromium) = chromium() else { return };
    let catalogue = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"),
        catalogue.path(),
    );
    let site = Site::of(catalogue, "2026-11-30");
    for (_, path) in PAGES {
        assert!(
            site.root.join(path).is_file(),
            "the sample's handbook has no {path}"
        );
    }
    let mut wrong = Vec::new();
    for &width in WIDTHS {
        let outcome = site.run_at(
            &chromium,
            &format!("sweep-{width}"),
            &scenario(width, PAGES),
            width,
        );
        for problem in outcome.problems() {
            wrong.push(format!("at {width} px: {problem}"));
        }
        let results = outcome.get("results").as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), PAGES.len(), "{}", outcome.dump());
        for r in &results {
            let (kind, path) = (
                r["kind"].as_str().unwrap_or("?"),
                r["path"].as_str().unwrap_or("?"),
            );
            // The frame is the window's width, less a vertical scroll bar.
            let view = r["view"].as_u64().unwrap_or(0);
            assert!(
                view <= u64::from(width) && view + 20 >= u64::from(width),
                "the page's frame is {width} px wide: {}",
                outcome.dump()
            );
            assert!(
                r["linkCount"].as_u64().unwrap_or(0) > 0,
                "{path} has no link: {}",
                outcome.dump()
            );
            for (check, what) in [
                ("overflow", "wider than the window"),
                ("charts", "outside its chart"),
                ("links", "a link that does not resolve"),
                ("covered", "something over the diagram"),
            ] {
                for item in r[check].as_array().into_iter().flatten() {
                    wrong.push(format!(
                        "{kind} ({path}) at {width} px, {what}: {}",
                        item.as_str().unwrap_or_default()
                    ));
                }
            }
        }
        // The charts were measured: a use case with satisfaction scores shows its chart.
        assert!(
            results.iter().any(|r| r["chartCount"].as_u64().unwrap_or(0) > 0),
            "no chart on any page: {}",
            outcome.dump()
        );
    }
    assert!(
        wrong.is_empty(),
        "{} problems:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The sweep's checks can fail: a page made to break each of them is caught by each.
#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn the_sweep_catches_a_wide_element_a_wide_table_a_clipped_legend_and_broken_links() {
    let Some(chromium) = chromium() else { return };
    let catalogue = tempfile::tempdir().unwrap();
    for part in ["base", "handbook/ordinary"] {
        copy_tree(&crate::support::fixtures().join(part), catalogue.path());
    }
    let site = Site::of(catalogue, "2026-11-30");
    std::fs::write(
        site.root.join("__chart.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50"><text x="60" y="20">Management</text><text x="5" y="40">in</text></svg>"#,
    )
    .unwrap();
    std::fs::write(
        site.root.join("__broken.html"),
        r##"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Broken</title></head>
<body><div id="mdbook-page-wrapper"><main><p id="here">A page made to fail the sweep.</p>
<div class="wide" style="width:2000px">wide</div>
<div class="casebook-viewer" style="width:3000px"><div style="width:3000px">allowed</div></div>
<div class="table-wrapper" style="overflow-x:auto"><table class="scrolled"><tr><td style="min-width:1500px">a table that scrolls sideways</td></tr></table></div>
<div class="casebook-heatmap-frame" style="overflow:auto;max-width:100%"><table class="casebook-heatmap"><tr><td style="min-width:1500px">cell</td></tr></table></div>
<img class="casebook-chart" src="__chart.svg" alt="chart">
<div class="casebook-viewer" style="position:relative;width:300px;height:200px;background:#eee">a viewer</div>
<a class="over" href="#here" style="position:relative;display:block;width:300px;height:200px;margin-top:-200px">over the viewer</a>
<a href="#here">fine</a> <a href="index.html">fine</a> <a href="missing.html">missing</a>
<a href="index.html#no-such-anchor">anchor</a> <a href="https://example.com/">outside</a>
</main></div></body></html>
"##,
    )
    .unwrap();
    let outcome = site.run_at(
        &chromium,
        "sweep-broken",
        &scenario(400, &[("broken", "__broken.html")]),
        400,
    );
    let r = &outcome.get("results")[0];
    let list = |key: &str| -> String {
        r[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (overflow, charts, links) = (list("overflow"), list("charts"), list("links"));
    assert!(
        list("covered").contains("a.over \"over the viewer\" at x"),
        "{}",
        outcome.dump()
    );
    assert!(overflow.contains("div.wide"), "{}", outcome.dump());
    // A table in a frame that scrolls sideways still needs sideways scrolling: caught.
    assert!(overflow.contains("table.scrolled"), "{}", outcome.dump());
    assert!(
        !overflow.contains("allowed")
            && !overflow.contains("casebook-viewer")
            && !overflow.contains("heatmap"),
        "{}",
        outcome.dump()
    );
    assert!(
        charts.contains("\"Management\" spans x 60 to"),
        "{}",
        outcome.dump()
    );
    assert!(
        !charts.contains("\"in\""),
        "a text inside its chart is fine: {}",
        outcome.dump()
    );
    for expected in [
        "missing.html: HTTP 404",
        "index.html#no-such-anchor: no element with id no-such-anchor",
        "https://example.com/: leads outside the handbook",
    ] {
        assert!(links.contains(expected), "missed {expected}: {}", outcome.dump());
    }
    assert!(
        !links.contains("#here") && !links.contains("index.html:"),
        "{}",
        outcome.dump()
    );
}

/// What a reader sees of the first table of steps of `path` at `width`: whether its header
/// shows, how its rows are laid out, the label each cell of its first row shows before its
/// value (the `::before` content of its `span[data-label]`, empty when the cell is hidden or has
/// none), and the table's right edge against the page's width.
fn cards_scenario(path: &str, width: u32) -> String {
    format!(
        r#"
  const page = await open('{path}', {width});
  await sleep(1000);
  const doc = page.doc, win = page.win;
  const table = [...doc.querySelectorAll('table')].find((t) => t.querySelector('th > span.casebook-cards') && t.querySelector('th > span.casebook-steps'));
  if (!table) throw new Error('{path} has no table of steps with cards');
  const row = table.querySelector('tbody tr');
  const cells = [...row.children].map((td) => {{
    const span = td.querySelector(':scope > span[data-label]');
    const shown = win.getComputedStyle(td).display !== 'none';
    const label = span && shown ? win.getComputedStyle(span, '::before').content.replace(/^"|"$/g, '') : '';
    const r = td.getBoundingClientRect(), s = span ? span.getBoundingClientRect() : null;
    return {{ label, shown, text: td.textContent.trim().slice(0, 60),
              labelLeftOfValue: !!s && s.right <= r.left + parseFloat(win.getComputedStyle(td).paddingLeft) + 1 }};
  }});
  // Every label shown in the page's tables of steps, once each, in order of appearance.
  const labels = [];
  for (const span of doc.querySelectorAll('table:has(th > span.casebook-steps) td > span[data-label]')) {{
    if (win.getComputedStyle(span.parentElement).display === 'none') continue;
    const label = win.getComputedStyle(span, '::before').content.replace(/^"|"$/g, '');
    if (!labels.includes(label)) labels.push(label);
  }}
  const result = {{
    labels,
    header: win.getComputedStyle(table.querySelector('thead')).display !== 'none',
    row: win.getComputedStyle(row).display,
    cells,
    tableRight: Math.round(table.getBoundingClientRect().right),
    view: doc.documentElement.clientWidth,
  }};
  page.frame.remove();
  return result;
"#
    )
}

/// On a phone the tables of a French team page are cards labelled in French: each row a block,
/// each cell a line after its column's label, from the French labels table; on a desktop the
/// same table keeps its header row and its columns, with no label shown.
#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn a_french_team_page_on_a_phone_shows_cards_with_french_labels() {
    let Some(chromium) = chromium() else { return };
    let catalogue = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"),
        catalogue.path(),
    );
    // The sample, in French.
    let settings = catalogue.path().join("casebook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(text.contains("\nlanguage: en\n"), "the sample is in English");
    std::fs::write(&settings, text.replace("\nlanguage: en\n", "\nlanguage: fr\n")).unwrap();
    let site = Site::of(catalogue, "2026-11-30");

    let phone = site.run_at(
        &chromium,
        "cards-400",
        &cards_scenario("teams/billing.html", 400),
        400,
    );
    assert!(phone.problems().is_empty(), "{:?}", phone.problems());
    let cells = phone.get("cells").as_array().cloned().unwrap_or_default();
    // The number, the title, the channel, what the step needs and gives, who hands the case in
    // and where it goes next, each after its French label (labels.rs, table FR).
    let labels: Vec<&str> = phone
        .get("labels")
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str())
        .collect();
    let mut sorted = labels.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "A besoin de",
            "Canal",
            "Ensuite",
            "Fournit",
            "N°",
            "Vient de",
            "Étape"
        ],
        "{}",
        phone.dump()
    );
    assert!(
        cells.iter().any(|c| c["shown"] == true && c["label"] == "Étape"),
        "{}",
        phone.dump()
    );
    assert!(
        cells
            .iter()
            .filter(|c| c["shown"] == true)
            .all(|c| c["labelLeftOfValue"] == true),
        "each label stands left of its value: {}",
        phone.dump()
    );
    assert_eq!(phone.get("header"), false, "{}", phone.dump());
    assert_eq!(phone.get("row"), "block", "{}", phone.dump());
    assert!(
        phone.get("tableRight").as_u64() <= phone.get("view").as_u64(),
        "the cards fit the page: {}",
        phone.dump()
    );

    let desk = site.run_at(
        &chromium,
        "cards-1400",
        &cards_scenario("teams/billing.html", 1400),
        1400,
    );
    assert!(desk.problems().is_empty(), "{:?}", desk.problems());
    assert_eq!(desk.get("header"), true, "{}", desk.dump());
    assert_eq!(desk.get("row"), "table-row", "{}", desk.dump());
    assert!(
        desk.get("cells")
            .as_array()
            .into_iter()
            .flatten()
            .all(|c| c["label"] == "" || c["label"] == "none"),
        "no label on a desktop: {}",
        desk.dump()
    );
}

/// Every test that needs Chromium is ignored, with the reason, where there is none: no browser
/// test passes without having run.
#[test]
fn every_browser_test_is_ignored_without_chromium() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testsuite");
    let mut missing = Vec::new();
    let mut browser_tests = 0;
    // Written in pieces, so that this test does not find itself.
    let needle = ["= ", "chromium", "()"].concat();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Each test: from its `#[test]` to the next one.
        let starts: Vec<usize> = text.match_indices("#[test]").map(|(at, _)| at).collect();
        for (k, &start) in starts.iter().enumerate() {
            let end = starts.get(k + 1).copied().unwrap_or(text.len());
            let test = &text[start..end];
            if !test.contains(&needle) {
                continue;
            }
            browser_tests += 1;
            let head = &test[..test.find("fn ").unwrap_or(test.len())];
            if !head.contains("cfg_attr(") || !head.contains("no_chromium") || !head.contains("ignore =") {
                let name = test[test.find("fn ").map_or(0, |f| f + 3)..]
                    .split('(')
                    .next()
                    .unwrap_or_default();
                missing.push(format!("{}: {name}", path.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(
        browser_tests >= 5,
        "the browser tests were not found ({browser_tests})"
    );
    assert!(
        missing.is_empty(),
        "these tests need Chromium but are not #[cfg_attr(no_chromium, ignore = \"...\")]: {missing:#?}"
    );
}
