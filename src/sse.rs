//! A server-sent events decoder as WHATWG defines it, without IO: push bytes in, take events out.
//!
//! Hand-written rather than taken from a crate because it must bound its buffering: a server that
//! sends an endless line must get a typed error, not the process's memory. It works on bytes, so an
//! event or a multi-byte UTF-8 character split across reads at any byte is reassembled as is.

/// The decoder gave up: a line or an event grew past the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SseError {
    /// A line or an event went past this many bytes without ending.
    TooLong(usize),
}

/// The largest line or event accepted, in bytes. Real chunks are a few hundred bytes; a big tool
/// call or an inline image can reach megabytes.
pub(crate) const MAX_EVENT_BYTES: usize = 32 * 1024 * 1024;

/// Buffers that grew past this for one large event are let go after it, so that an idle stream
/// holds little memory.
const KEEP_CAPACITY: usize = 64 * 1024;

#[derive(Debug, Default)]
pub(crate) struct SseDecoder {
    /// Bytes of the current line, when a read ended in the middle of it.
    line: Vec<u8>,
    /// The data lines of the event being built, joined with `\n`.
    data: Vec<u8>,
    has_data: bool,
    /// The last byte was a CR: a LF right after it belongs to the same line ending.
    after_cr: bool,
    /// Past the start of the stream, where a UTF-8 BOM is dropped.
    past_start: bool,
    limit: usize,
}

impl SseDecoder {
    pub(crate) fn new() -> Self {
        Self::with_limit(MAX_EVENT_BYTES)
    }

    pub(crate) fn with_limit(limit: usize) -> Self {
        SseDecoder { limit, ..Default::default() }
    }

    /// Feeds bytes; calls `on_event` with the data of every event they complete, in order. The
    /// data is bytes, not checked as UTF-8: the JSON parser that reads it checks that anyway.
    ///
    /// Lines that arrive whole are read in place; only a line cut by the end of `bytes` is copied.
    pub(crate) fn push(&mut self, mut bytes: &[u8], on_event: &mut dyn FnMut(&[u8])) -> Result<(), SseError> {
        if !self.past_start {
            // The BOM may itself arrive split; wait until three bytes decide.
            let have = self.line.len() + bytes.len();
            if have < 3 && b"\xEF\xBB\xBF".starts_with(&[self.line.as_slice(), bytes].concat()) {
                self.line.extend_from_slice(bytes);
                return Ok(());
            }
            self.past_start = true;
            let mut start = std::mem::take(&mut self.line);
            start.extend_from_slice(bytes);
            let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&start).to_vec();
            return self.push(&start, on_event);
        }
        while !bytes.is_empty() {
            if std::mem::take(&mut self.after_cr) && bytes[0] == b'\n' {
                bytes = &bytes[1..];
                continue;
            }
            let Some(at) = memchr::memchr2(b'\n', b'\r', bytes) else {
                self.check_size(self.line.len() + bytes.len())?;
                self.line.extend_from_slice(bytes);
                break;
            };
            self.after_cr = bytes[at] == b'\r';
            if self.line.is_empty() {
                self.check_size(at)?;
                self.end_line(&bytes[..at], on_event)?;
            } else {
                self.check_size(self.line.len() + at)?;
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(&bytes[..at]);
                self.end_line(&line, on_event)?;
                line.clear();
                if line.capacity() <= KEEP_CAPACITY {
                    self.line = line;
                }
            }
            bytes = &bytes[at + 1..];
        }
        Ok(())
    }

    /// Refuses a line that, with the event's data so far, would pass the limit.
    fn check_size(&self, line: usize) -> Result<(), SseError> {
        if line + self.data.len() > self.limit { Err(SseError::TooLong(self.limit)) } else { Ok(()) }
    }

    fn end_line(&mut self, line: &[u8], on_event: &mut dyn FnMut(&[u8])) -> Result<(), SseError> {
        if line.is_empty() {
            // A blank line dispatches the event, if it has data.
            if std::mem::take(&mut self.has_data) {
                on_event(&self.data);
                self.data.clear();
                if self.data.capacity() > KEEP_CAPACITY {
                    self.data = Vec::new();
                }
            }
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(()); // a comment, e.g. `: OPENROUTER PROCESSING`
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(at) => {
                let value = &line[at + 1..];
                (&line[..at], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        if field == b"data" {
            if self.has_data {
                self.data.push(b'\n');
            }
            self.data.extend_from_slice(value);
            self.has_data = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_pieces(input: &[u8], piece: usize) -> Result<Vec<String>, SseError> {
        let mut decoder = SseDecoder::new();
        let mut events = Vec::new();
        for chunk in input.chunks(piece.max(1)) {
            decoder.push(chunk, &mut |data| events.push(String::from_utf8_lossy(data).into_owned()))?;
        }
        Ok(events)
    }

    fn decode(input: &[u8]) -> Vec<String> {
        decode_in_pieces(input, input.len()).unwrap()
    }

    #[test]
    fn data_lines_comments_and_blank_lines() {
        let input = b": OPENROUTER PROCESSING\n\ndata: {\"a\":1}\n\ndata:{\"b\":2}\n\n: keep-alive\ndata: [DONE]\n\n";
        assert_eq!(decode(input), ["{\"a\":1}", "{\"b\":2}", "[DONE]"]);
    }

    #[test]
    fn every_line_ending_is_accepted() {
        for input in [&b"data: x\r\n\r\ndata: y\r\n\r\n"[..], b"data: x\r\rdata: y\r\r", b"data: x\n\r\ndata: y\r\n\n"]
        {
            assert_eq!(decode(input), ["x", "y"], "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn multi_line_data_is_joined_and_other_fields_ignored() {
        let input = b"event: message\nid: 7\nretry: 100\ndata: line one\ndata:line two\ndata\n\n";
        assert_eq!(decode(input), ["line one\nline two\n"]);
    }

    #[test]
    fn a_bom_is_dropped_even_when_split() {
        let input = b"\xEF\xBB\xBFdata: x\n\n";
        for piece in 1..=4 {
            assert_eq!(decode_in_pieces(input, piece).unwrap(), ["x"], "pieces of {piece}");
        }
        assert_eq!(decode(b"\xEF\xBBdata: x\n\n").len(), 0, "a partial BOM is not a BOM");
    }

    #[test]
    fn an_unterminated_event_is_not_dispatched() {
        assert_eq!(decode(b"data: {\"a\":1}\n\ndata: {\"partial\""), ["{\"a\":1}"]);
        assert_eq!(decode(b"data: {\"a\":1}\n"), Vec::<String>::new());
    }

    #[test]
    fn utf8_split_at_every_byte_survives() {
        let input = "data: héllo 🌍 世界\n\n".as_bytes();
        for piece in 1..input.len() {
            assert_eq!(decode_in_pieces(input, piece).unwrap(), ["héllo 🌍 世界"]);
        }
    }

    #[test]
    fn an_endless_line_is_a_bounded_error() {
        let mut decoder = SseDecoder::with_limit(1024);
        let mut events = 0;
        let chunk = [b'x'; 100];
        let mut result = Ok(());
        for _ in 0..20 {
            result = decoder.push(&chunk, &mut |_| events += 1);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(SseError::TooLong(1024)));
        assert!(decoder.line.capacity() <= 2048);
    }

    #[test]
    fn invalid_utf8_is_passed_on_as_bytes_for_the_json_parser_to_refuse() {
        let mut decoder = SseDecoder::new();
        let mut events = Vec::new();
        decoder.push(b"data: \xff\xfe\n\n", &mut |data| events.push(data.to_vec())).unwrap();
        assert_eq!(events, [b"\xff\xfe".to_vec()]);
    }

    #[test]
    fn a_large_event_does_not_keep_its_buffers() {
        let mut decoder = SseDecoder::new();
        let big = format!("data: {}\n\n", "x".repeat(1 << 20));
        let mut sizes = Vec::new();
        // Cut so that the line is assembled in `line`, then dispatched from `data`.
        for piece in big.as_bytes().chunks(4096) {
            decoder.push(piece, &mut |data| sizes.push(data.len())).unwrap();
        }
        assert_eq!(sizes, [1 << 20]);
        assert!(decoder.line.capacity() <= KEEP_CAPACITY && decoder.data.capacity() <= KEEP_CAPACITY);
        decoder.push(b"data: small\n\n", &mut |data| assert_eq!(data, b"small")).unwrap();
    }
}
