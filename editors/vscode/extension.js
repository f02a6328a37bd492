// casebook for VS Code: starts the language server `casebook lsp` over stdio for the YAML files
// of a catalogue. Everything else (findings, completion, hover, definitions, references, rename,
// quick fixes) is the server's: this client only starts it, restarts it, and stops it.
// Plain JavaScript, so that the extension needs no build step.
'use strict';

const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** The files of a catalogue: its four definition files and its use cases, at any depth. */
const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'yaml', pattern: '**/{casebook,organisation,channels,information}.yaml' },
  { scheme: 'file', language: 'yaml', pattern: '**/use-cases/**/*.{yaml,yml}' },
];

/** @type {LanguageClient | undefined} */
let client;

/**
 * The program to run: the `casebook.path` setting, with `~/` for the home folder and a path
 * with a folder in it (`./target/release/casebook`) taken from the first workspace folder. A bare
 * name is looked up on the PATH.
 */
function serverPath() {
  const configured = vscode.workspace.getConfiguration('casebook').get('path') || 'casebook';
  if (configured === '~' || configured.startsWith('~/')) {
    return path.join(os.homedir(), configured.slice(1));
  }
  const folders = vscode.workspace.workspaceFolders;
  const hasFolder = configured.includes('/') || configured.includes('\\');
  if (hasFolder && !path.isAbsolute(configured) && folders && folders.length > 0) {
    return path.resolve(folders[0].uri.fsPath, configured);
  }
  return configured;
}

/** How to start the server: `PATH lsp`, speaking LSP on its standard input and output. */
function serverOptions(command) {
  const folders = vscode.workspace.workspaceFolders;
  const cwd = folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
  const run = { command, args: ['lsp'], transport: TransportKind.stdio, options: { cwd } };
  return { run, debug: run };
}

/** Starts the server; says what to do when the program cannot be started. */
async function start() {
  const command = serverPath();
  client = new LanguageClient('casebook', 'casebook', serverOptions(command), {
    documentSelector: DOCUMENT_SELECTOR,
  });
  try {
    await client.start();
  } catch (err) {
    const why = err && err.message ? err.message : String(err);
    vscode.window.showErrorMessage(
      `casebook: could not start \`${command} lsp\` (${why}). Install casebook ` +
        '(`cargo install --locked --path .` in its repository) or set `casebook.path` to the program.'
    );
  }
}

/** Stops the server if it runs. */
async function stop() {
  const running = client;
  client = undefined;
  if (running && running.isRunning()) {
    await running.stop();
  }
}

async function restart() {
  await stop();
  await start();
}

/** Called by VS Code when a workspace holds a casebook.yaml. */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('casebook.restart', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('casebook.path')) {
        return restart();
      }
    })
  );
  await start();
}

/** Called by VS Code on shutdown: the server is asked to exit. */
function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, DOCUMENT_SELECTOR };
