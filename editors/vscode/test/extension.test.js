// The extension as VS Code drives it, without VS Code: `vscode` and `vscode-languageclient/node`
// are replaced by recording fakes, so this runs with `node --test` alone (no display, no network,
// no npm install). It checks what the extension asks for: which program it starts with which
// arguments, for which files, and that it stops the server when VS Code shuts down.
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const EXTENSION = path.join(__dirname, '..', 'extension.js');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

/** A fresh world: fake VS Code and language client, recording what the extension does. */
function world({ settings = {}, folders = ['/home/ann/repo'], startFails = false } = {}) {
  const seen = { clients: [], errors: [], commands: {}, configListeners: [] };
  const vscode = {
    workspace: {
      workspaceFolders: folders.map((f) => ({ uri: { fsPath: f } })),
      getConfiguration(section) {
        return {
          get(key, fallback) {
            const full = `${section}.${key}`;
            return full in settings ? settings[full] : fallback;
          },
        };
      },
      onDidChangeConfiguration(listener) {
        seen.configListeners.push(listener);
        return { dispose() {} };
      },
    },
    window: {
      showErrorMessage(message) {
        seen.errors.push(message);
      },
    },
    commands: {
      registerCommand(name, callback) {
        seen.commands[name] = callback;
        return { dispose() {} };
      },
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, running: false, stops: 0 });
      seen.clients.push(this);
    }
    async start() {
      if (startFails) {
        throw new Error('spawn casebook ENOENT');
      }
      this.running = true;
    }
    isRunning() {
      return this.running;
    }
    async stop() {
      this.stops += 1;
      this.running = false;
    }
  }
  const languageClient = { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } };

  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return languageClient;
    return load.call(this, request, parent, isMain);
  };
  delete require.cache[require.resolve(EXTENSION)];
  let extension;
  try {
    extension = require(EXTENSION);
  } finally {
    Module._load = load;
  }
  const context = { subscriptions: [] };
  return { extension, context, seen, settings };
}

test('it starts `casebook lsp` over stdio from the PATH by default', async () => {
  const { extension, context, seen } = world();
  await extension.activate(context);
  assert.strictEqual(seen.clients.length, 1);
  const client = seen.clients[0];
  assert.strictEqual(client.id, 'casebook', 'the id under which casebook.trace.server is read');
  for (const run of [client.serverOptions.run, client.serverOptions.debug]) {
    assert.strictEqual(run.command, 'casebook');
    assert.deepStrictEqual(run.args, ['lsp']);
    assert.strictEqual(run.transport, 0, 'stdio');
    assert.strictEqual(run.options.cwd, '/home/ann/repo');
  }
  assert.ok(client.running);
  assert.deepStrictEqual(seen.errors, []);
});

test('the binary is the `casebook.path` setting', async () => {
  const cases = [
    ['/opt/casebook/bin/casebook', '/opt/casebook/bin/casebook'],
    ['./target/release/casebook', '/home/ann/repo/target/release/casebook'],
    ['~/.cargo/bin/casebook', path.join(os.homedir(), '.cargo/bin/casebook')],
    ['casebook-nightly', 'casebook-nightly'],
  ];
  for (const [setting, command] of cases) {
    const { extension, context, seen } = world({ settings: { 'casebook.path': setting } });
    await extension.activate(context);
    assert.strictEqual(seen.clients[0].serverOptions.run.command, command, setting);
  }
});

test('it serves the YAML files of a catalogue, and no other file', async (t) => {
  const { extension, context, seen } = world();
  await extension.activate(context);
  const selector = seen.clients[0].clientOptions.documentSelector;
  assert.deepStrictEqual(selector, extension.DOCUMENT_SELECTOR);
  for (const filter of selector) {
    assert.strictEqual(filter.scheme, 'file');
    assert.strictEqual(filter.language, 'yaml');
  }
  if (typeof path.matchesGlob !== 'function') {
    t.skip('this Node has no path.matchesGlob to try the patterns on file names');
    return;
  }
  const served = (file) => selector.some((f) => path.matchesGlob(file, f.pattern));
  for (const file of [
    '/home/ann/repo/catalogue/casebook.yaml',
    '/home/ann/repo/catalogue/organisation.yaml',
    '/home/ann/repo/catalogue/channels.yaml',
    '/home/ann/repo/catalogue/information.yaml',
    '/home/ann/repo/catalogue/use-cases/billing/invoice-dispute.yaml',
    '/home/ann/repo/docs/catalogue/use-cases/billing/2026/refund.yml',
    '/home/ann/repo/catalogue/use-cases/first.yaml',
  ]) {
    assert.ok(served(file), `${file} should be served`);
  }
  for (const file of [
    '/home/ann/repo/.github/workflows/ci.yml',
    '/home/ann/repo/docker-compose.yaml',
    '/home/ann/repo/catalogue/use-cases/notes.md',
  ]) {
    assert.ok(!served(file), `${file} should not be served`);
  }
});

test('it stops the server on deactivate', async () => {
  const { extension, context, seen } = world();
  await extension.activate(context);
  await extension.deactivate();
  assert.strictEqual(seen.clients[0].stops, 1);
  assert.ok(!seen.clients[0].running);
  await extension.deactivate();
  assert.strictEqual(seen.clients[0].stops, 1, 'stopping twice is harmless');
});

test('a program that cannot start gives a message saying what to do', async () => {
  const { extension, context, seen } = world({ startFails: true });
  await extension.activate(context);
  assert.strictEqual(seen.errors.length, 1);
  assert.match(seen.errors[0], /could not start `casebook lsp`/);
  assert.match(seen.errors[0], /cargo install --locked --path \./);
  assert.match(seen.errors[0], /casebook\.path/);
  await extension.deactivate();
  assert.strictEqual(seen.clients[0].stops, 0, 'a server that never ran is not stopped');
});

test('changing casebook.path, or the restart command, starts the server again', async () => {
  const { extension, context, seen, settings } = world();
  await extension.activate(context);
  settings['casebook.path'] = '/usr/local/bin/casebook';
  const unrelated = { affectsConfiguration: (s) => s === 'editor.tabSize' };
  await Promise.all(seen.configListeners.map((l) => l(unrelated)));
  assert.strictEqual(seen.clients.length, 1, 'another setting changes nothing');
  const change = { affectsConfiguration: (s) => s === 'casebook.path' };
  await Promise.all(seen.configListeners.map((l) => l(change)));
  assert.strictEqual(seen.clients.length, 2);
  assert.strictEqual(seen.clients[0].stops, 1);
  assert.strictEqual(seen.clients[1].serverOptions.run.command, '/usr/local/bin/casebook');
  await seen.commands['casebook.restart']();
  assert.strictEqual(seen.clients.length, 3);
  assert.strictEqual(seen.clients[1].stops, 1);
  assert.ok(seen.clients[2].running);
  assert.ok(context.subscriptions.length >= 2, 'the command and listener are disposed with the extension');
});

test('package.json declares what the extension uses', () => {
  assert.ok(fs.existsSync(path.join(__dirname, '..', PACKAGE.main)), 'main exists');
  assert.deepStrictEqual(PACKAGE.activationEvents, ['workspaceContains:**/casebook.yaml', 'onLanguage:yaml']);
  const props = PACKAGE.contributes.configuration.properties;
  assert.strictEqual(props['casebook.path'].default, 'casebook');
  assert.deepStrictEqual(props['casebook.trace.server'].enum, ['off', 'messages', 'verbose']);
  const commands = PACKAGE.contributes.commands.map((c) => c.command);
  const { extension, context, seen } = world();
  return extension.activate(context).then(() => {
    assert.deepStrictEqual(Object.keys(seen.commands), commands, 'every command declared is registered');
    assert.ok(PACKAGE.dependencies['vscode-languageclient'].startsWith('^9.'));
    assert.ok(PACKAGE.engines.vscode.startsWith('^1.82'), 'vscode-languageclient 9 needs VS Code 1.82');
  });
});
