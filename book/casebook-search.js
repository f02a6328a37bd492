// casebook's search for large handbooks (src/handbook/shards.rs describes the index). It drives
// mdBook's own search bar and result list, in place of mdBook's searcher: it loads the small
// manifest `search/index.js` when the search opens, then only the shards of the words typed and
// the docs files of the results shown. Everything it shows is set as text, never as markup.
(function () {
  'use strict';
  const wrap = document.getElementById('mdbook-search-wrapper');
  if (!wrap) return;
  const outer = document.getElementById('mdbook-searchbar-outer');
  const bar = document.getElementById('mdbook-searchbar');
  const resultsOuter = document.getElementById('mdbook-searchresults-outer');
  const header = document.getElementById('mdbook-searchresults-header');
  const list = document.getElementById('mdbook-searchresults');
  const toggle = document.getElementById('mdbook-search-toggle');
  const root = typeof path_to_root === 'string' ? path_to_root : '';
  const LIMIT = 30;
  const state = { manifest: null, keys: null, shards: new Map(), docs: new Map() };
  const loading = new Map();
  let latest = 0;

  window.casebookSearch = {
    index: (manifest) => {
      state.manifest = manifest;
      state.keys = new Set(manifest.shards);
    },
    shard: (key, terms) => state.shards.set(key, terms),
    docs: (k, rows) => state.docs.set(k, rows),
  };
  // book.js asks this before taking the arrow keys for chapter navigation.
  window.search = Object.assign(window.search || {}, { hasFocus: () => document.activeElement === bar });

  // Loads `search/<file>` once, as a script (works from file:// too).
  function load(file, id) {
    if (!loading.has(file)) {
      loading.set(file, new Promise((resolve, reject) => {
        const script = document.createElement('script');
        if (id) script.id = id;
        script.src = root + 'search/' + file;
        script.onload = resolve;
        script.onerror = () => reject(new Error('cannot load search/' + file));
        document.head.appendChild(script);
      }));
    }
    return loading.get(file);
  }

  function hex(key) {
    return Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // The same terms as the index: alphanumeric runs, lower-cased, of two characters or more.
  function words(text) {
    return (text.match(/[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]+/gu) || [])
      .map((w) => w.toLowerCase())
      .filter((w) => [...w].length >= 2);
  }

  // The shard keys a word needs: the longest key that is a prefix of it (its own terms and, for
  // a prefix, the terms that start with it), and, for a prefix, the deeper keys that start with it.
  function keysFor(word, prefix) {
    const chars = [...word];
    const keys = [];
    for (let n = chars.length; n >= 1; n--) {
      const k = chars.slice(0, n).join('');
      if (state.keys.has(k)) {
        keys.push(k);
        break;
      }
    }
    if (prefix) {
      for (const k of state.keys) if (k.length > word.length && k.startsWith(word)) keys.push(k);
    }
    return keys;
  }

  // Document -> score for one word; prefix matches count half.
  function postings(word, prefix, keys) {
    const scores = new Map();
    const total = state.manifest.docs;
    const add = (list, factor) => {
      const df = list.length / 2;
      const idf = Math.log(1 + total / df);
      let doc = 0;
      for (let i = 0; i < list.length; i += 2) {
        doc += list[i];
        scores.set(doc, (scores.get(doc) || 0) + list[i + 1] * idf * factor);
      }
    };
    for (const k of keys) {
      const shard = state.shards.get(k) || {};
      for (const term in shard) {
        if (term === word) add(shard[term], 1);
        else if (prefix && term.startsWith(word)) add(shard[term], 0.5);
      }
    }
    return scores;
  }

  async function run(query) {
    const mine = ++latest;
    const all = words(query);
    const unique = [...new Set(all)];
    if (unique.length === 0) {
      show(query, []);
      return;
    }
    outer.classList.add('searching');
    try {
      await load('index.js', 'mdbook-search-index');
      // The last word is still being typed unless a space or punctuation follows it.
      const open = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]$/u.test(query);
      const last = all[all.length - 1];
      const wanted = unique.map((w) => [w, open && w === last]);
      const files = new Set();
      for (const [w, prefix] of wanted) for (const k of keysFor(w, prefix)) files.add(k);
      await Promise.all([...files].map((k) => load(hex(k) + '.js')));
      if (mine !== latest) return;
      const found = new Map(); // doc -> [words matched, score]
      for (const [w, prefix] of wanted) {
        for (const [doc, score] of postings(w, prefix, keysFor(w, prefix))) {
          const entry = found.get(doc) || [0, 0];
          entry[0] += 1;
          entry[1] += score;
          found.set(doc, entry);
        }
      }
      const ranked = [...found]
        .sort((a, b) => b[1][0] - a[1][0] || b[1][1] - a[1][1] || a[0] - b[0])
        .slice(0, LIMIT)
        .map(([doc]) => doc);
      const per = state.manifest.per;
      await Promise.all([...new Set(ranked.map((d) => Math.floor(d / per)))].map((k) => load('docs-' + k + '.js')));
      if (mine !== latest) return;
      show(query, ranked.map((d) => (state.docs.get(Math.floor(d / per)) || [])[d % per]).filter(Boolean));
    } finally {
      if (mine === latest) outer.classList.remove('searching');
    }
  }

  function show(query, rows) {
    header.textContent = rows.length
      ? rows.length + ' search results for \'' + query + '\':'
      : 'No search results for \'' + query + '\'.';
    const items = rows.map(([url, title, crumbs, teaser]) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = root + url;
      a.textContent = crumbs ? crumbs + ' » ' + title : title;
      li.appendChild(a);
      if (teaser) {
        const span = document.createElement('span');
        span.className = 'teaser';
        span.setAttribute('aria-label', 'Search Result Teaser');
        span.textContent = teaser;
        li.appendChild(span);
      }
      return li;
    });
    list.replaceChildren(...items);
    resultsOuter.classList.toggle('hidden', query.trim() === '');
  }

  function showSearch(yes) {
    wrap.classList.toggle('hidden', !yes);
    if (toggle) toggle.setAttribute('aria-expanded', String(yes));
    if (yes) {
      outer.classList.add('searching');
      load('index.js', 'mdbook-search-index').then(
        () => outer.classList.remove('searching'),
        () => outer.classList.remove('searching'),
      );
      bar.select();
    } else {
      resultsOuter.classList.add('hidden');
      bar.blur();
    }
  }

  function setUrl(query) {
    const url = new URL(window.location.href);
    if (query) url.searchParams.set('search', query);
    else url.searchParams.delete('search');
    try {
      history.replaceState(history.state, '', url.href);
    } catch (e) {
      // An address the page cannot take (a sandboxed frame): keep the search anyway.
    }
  }

  let timer = null;
  function onInput() {
    const query = bar.value;
    bar.classList.toggle('active', query !== '');
    clearTimeout(timer);
    timer = setTimeout(() => {
      setUrl(query);
      run(query).catch((e) => {
        header.textContent = String(e.message || e);
      });
    }, 60);
  }

  if (toggle) toggle.addEventListener('click', () => showSearch(wrap.classList.contains('hidden')));
  bar.addEventListener('keyup', onInput);
  bar.addEventListener('input', onInput);
  document.addEventListener('submit', (e) => {
    if (e.target === outer) {
      e.preventDefault();
      const first = list.querySelector('a');
      if (first) window.location.href = first.href;
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const typing = e.target.type === 'textarea' || e.target.type === 'text' || e.target.type === 'search';
    if (e.key === 'Escape' && !wrap.classList.contains('hidden')) {
      e.preventDefault();
      showSearch(false);
      setUrl('');
    } else if (!typing && (e.key === 's' || e.key === 'S' || e.key === '/')) {
      e.preventDefault();
      showSearch(true);
    }
  });
  const asked = new URL(window.location.href).searchParams.get('search');
  if (asked) {
    showSearch(true);
    bar.value = asked;
    onInput();
  }
})();
