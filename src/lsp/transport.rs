//! JSON-RPC over standard input and output, with `Content-Length` framing.
//!
//! lsp-server's own stdio transport ends the connection at the first message it cannot parse;
//! this one answers it and reads on. A frame with a broken header is skipped (reported on
//! standard error); a body that is not a message gets a `ParseError` or `InvalidRequest` response
//! when its `id` can be read. The server sees a [`Connection`] as with lsp-server's transport.

use lsp_server::{Connection, ErrorCode, Message, RequestId, Response};
use std::io::{BufRead, Read, Write};
use std::thread::JoinHandle;

/// The largest message read (a whole document is sent on each change by some clients).
const MAX_MESSAGE_BYTES: usize = 64 << 20;

/// The threads that move messages between the process's standard streams and the server.
pub struct Io {
    writer: JoinHandle<()>,
}

impl Io {
    /// Waits until every message the server sent is written (the server's connection must be
    /// dropped first). The reader is not waited for: it may be blocked on standard input.
    pub fn join(self) {
        let _ = self.writer.join();
    }
}

/// Connects a server to standard input and output.
pub fn stdio() -> (Connection, Io) {
    let (server, client) = Connection::memory();
    let Connection {
        sender: to_server,
        receiver: from_server,
    } = client;
    // Answers to malformed messages go out through the server's own outgoing channel, so that
    // one thread writes standard output.
    let answer = server.sender.clone();
    std::thread::Builder::new()
        .name("lsp-reader".to_owned())
        .spawn(move || {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            loop {
                match read_frame(&mut input) {
                    Ok(Frame::End) => break,
                    Ok(Frame::Body(body)) => match parse(&body) {
                        Ok(message) => {
                            let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                            if to_server.send(message).is_err() || exit {
                                break;
                            }
                        }
                        Err(Some(response)) => {
                            let _ = answer.send(Message::Response(response));
                        }
                        Err(None) => eprintln!("casebook lsp: ignored a message that is not JSON-RPC"),
                    },
                    Ok(Frame::Broken(why)) => eprintln!("casebook lsp: skipped a message: {why}"),
                    Err(e) => {
                        eprintln!("casebook lsp: cannot read standard input: {e}");
                        break;
                    }
                }
            }
            // Dropping `to_server` tells the server that the client is gone.
        })
        .expect("a thread can be started");
    let writer = std::thread::Builder::new()
        .name("lsp-writer".to_owned())
        .spawn(move || {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for message in from_server {
                if message.write(&mut out).is_err() {
                    break; // The client is gone.
                }
            }
            let _ = out.flush();
        })
        .expect("a thread can be started");
    (server, Io { writer })
}

/// What one read from the input gave.
#[derive(Debug, PartialEq)]
enum Frame {
    /// The body of a message.
    Body(Vec<u8>),
    /// A frame whose header could not be read; the next one is read after it.
    Broken(String),
    /// The input is closed.
    End,
}

/// Reads one frame: header lines up to an empty line, then `Content-Length` bytes.
fn read_frame(input: &mut impl BufRead) -> std::io::Result<Frame> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut any = false;
    loop {
        line.clear();
        if input.by_ref().take(8192).read_until(b'\n', &mut line)? == 0 {
            return Ok(if any {
                Frame::Broken("the input ended inside a header".to_owned())
            } else {
                Frame::End
            });
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !any {
                continue; // Blank lines between messages.
            }
            break;
        }
        any = true;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("`Content-Length: {}` is not a length", value.trim())),
            );
        }
    }
    let length = match length {
        None => return Ok(Frame::Broken("no Content-Length header".to_owned())),
        Some(Err(why)) => return Ok(Frame::Broken(why)),
        Some(Ok(n)) if n > MAX_MESSAGE_BYTES => {
            // Skip it rather than hold it.
            std::io::copy(&mut input.by_ref().take(n as u64), &mut std::io::sink())?;
            return Ok(Frame::Broken(format!("a message of {n} bytes is too large")));
        }
        Some(Ok(n)) => n,
    };
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => Ok(Frame::Body(body)),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(Frame::End),
        Err(e) => Err(e),
    }
}

/// A message, or the error response it deserves (None when it has no id to answer to).
fn parse(body: &[u8]) -> Result<Message, Option<Response>> {
    if let Ok(message) = serde_json::from_slice::<Message>(body) {
        return Ok(message);
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        // Not JSON: its id cannot be known.
        return Err(None);
    };
    let id: Option<RequestId> = value
        .get("id")
        .and_then(|id| serde_json::from_value(id.clone()).ok());
    Err(id.map(|id| {
        Response::new_err(
            id,
            ErrorCode::InvalidRequest as i32,
            "not a JSON-RPC request: it needs a string `method` (and `params` as an object or array)"
                .to_owned(),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Frame> {
        let mut reader = std::io::BufReader::new(input.as_bytes());
        let mut out = Vec::new();
        loop {
            match read_frame(&mut reader).unwrap() {
                Frame::End => return out,
                f => out.push(f),
            }
        }
    }

    #[test]
    fn a_broken_frame_is_skipped_and_the_next_one_read() {
        let got = frames(
            "Content-Length: 2\r\n\r\n{}\
             Content-Type: x\r\n\r\n\
             Content-Length: abc\r\n\r\n\
             content-length: 3\n\n[1]",
        );
        assert_eq!(
            got,
            vec![
                Frame::Body(b"{}".to_vec()),
                Frame::Broken("no Content-Length header".to_owned()),
                Frame::Broken("`Content-Length: abc` is not a length".to_owned()),
                Frame::Body(b"[1]".to_vec()),
            ]
        );
    }

    #[test]
    fn a_malformed_request_is_answered_when_it_has_an_id() {
        assert!(parse(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#).is_ok());
        let answer = parse(br#"{"jsonrpc":"2.0","id":7,"method":5}"#)
            .unwrap_err()
            .unwrap();
        assert_eq!(answer.id, RequestId::from(7));
        assert!(parse(b"{not json").unwrap_err().is_none());
        assert!(parse(br#"{"jsonrpc":"2.0","method":5}"#).unwrap_err().is_none());
    }
}
