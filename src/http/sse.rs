//! A server-sent events decoder as WHATWG defines it, without IO: hand it bytes, take events out
//! one at a time.
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

#[derive(Debug)]
pub(crate) struct SseDecoder {
    /// Bytes of the current line, when a read ended in the middle of it.
    line: Vec<u8>,
    /// The data lines of the event being built, joined with `\n`.
    data: Vec<u8>,
    has_data: bool,
    /// `data` was handed out by the last call; it is cleared at the next one.
    dispatched: bool,
    /// The last byte was a CR: a LF right after it belongs to the same line ending.
    after_cr: bool,
    /// Past the start of the stream, where a UTF-8 BOM is dropped.
    past_start: bool,
    limit: usize,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl SseDecoder {
    pub(crate) fn new() -> Self {
        Self::with_limit(MAX_EVENT_BYTES)
    }

    pub(crate) fn with_limit(limit: usize) -> Self {
        SseDecoder {
            line: Vec::new(),
            data: Vec::new(),
            has_data: false,
            dispatched: false,
            after_cr: false,
            past_start: false,
            limit,
        }
    }

    /// Reads `bytes` up to the end of the first event they complete. Returns how many bytes it
    /// read, and that event's data if one completed; the caller hands the rest back next time.
    /// The data is bytes, not checked as UTF-8: the JSON parser that reads it checks that anyway.
    ///
    /// Lines that arrive whole are read in place; only a line cut by the end of `bytes` is copied.
    /// One event at a time, so that nothing is decoded ahead of the consumer.
    pub(crate) fn next_event(&mut self, bytes: &[u8]) -> Result<(usize, Option<&[u8]>), SseError> {
        if std::mem::take(&mut self.dispatched) {
            self.data.clear();
            if self.data.capacity() > KEEP_CAPACITY {
                self.data = Vec::new();
            }
        }
        let mut rest = bytes;
        if !self.past_start {
            // The BOM may itself arrive split: keep its first bytes in `line` until three decide.
            const BOM: &[u8] = b"\xEF\xBB\xBF";
            let seen = [self.line.as_slice(), &bytes[..bytes.len().min(3)]].concat();
            if seen.len() < 3 && BOM.starts_with(&seen) {
                self.line.extend_from_slice(bytes);
                return Ok((bytes.len(), None));
            }
            self.past_start = true;
            if seen.starts_with(BOM) {
                rest = &bytes[3 - self.line.len()..];
                self.line.clear();
            } // else what `line` holds is the start of the first line.
        }
        while !rest.is_empty() {
            if std::mem::take(&mut self.after_cr) && rest[0] == b'\n' {
                rest = &rest[1..];
                continue;
            }
            let Some(at) = memchr::memchr2(b'\n', b'\r', rest) else {
                self.check_size(self.line.len() + rest.len())?;
                self.line.extend_from_slice(rest);
                return Ok((bytes.len(), None));
            };
            self.after_cr = rest[at] == b'\r';
            let dispatch = if self.line.is_empty() {
                self.check_size(at)?;
                self.end_line(&rest[..at])
            } else {
                self.check_size(self.line.len() + at)?;
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(&rest[..at]);
                let dispatch = self.end_line(&line);
                line.clear();
                if line.capacity() <= KEEP_CAPACITY {
                    self.line = line;
                }
                dispatch
            };
            rest = &rest[at + 1..];
            if dispatch {
                self.dispatched = true;
                return Ok((bytes.len() - rest.len(), Some(&self.data)));
            }
        }
        Ok((bytes.len(), None))
    }

    /// Refuses a line that, with the event's data so far, would pass the limit.
    fn check_size(&self, line: usize) -> Result<(), SseError> {
        if line + self.data.len() > self.limit { Err(SseError::TooLong(self.limit)) } else { Ok(()) }
    }

    /// Takes one complete line. True when it is the blank line that dispatches an event with data.
    fn end_line(&mut self, line: &[u8]) -> bool {
        if line.is_empty() {
            return std::mem::take(&mut self.has_data);
        }
        if line[0] == b':' {
            return false; // a comment, e.g. `: OPENROUTER PROCESSING`
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
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds all of `bytes`, calling `on_event` per event.
    fn push(decoder: &mut SseDecoder, mut bytes: &[u8], on_event: &mut dyn FnMut(&[u8])) -> Result<(), SseError> {
        while !bytes.is_empty() {
            let (read, event) = decoder.next_event(bytes)?;
            if let Some(data) = event {
                on_event(data);
            }
            bytes = &bytes[read..];
        }
        Ok(())
    }

    fn decode_in_pieces(input: &[u8], piece: usize) -> Result<Vec<String>, SseError> {
        let mut decoder = SseDecoder::new();
        let mut events = Vec::new();
        for chunk in input.chunks(piece.max(1)) {
            push(&mut decoder, chunk, &mut |data| events.push(String::from_utf8_lossy(data).into_owned()))?;
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
            result = push(&mut decoder, &chunk, &mut |_| events += 1);
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
        push(&mut decoder, b"data: \xff\xfe\n\n", &mut |data| events.push(data.to_vec())).unwrap();
        assert_eq!(events, [b"\xff\xfe".to_vec()]);
    }

    #[test]
    fn a_large_event_does_not_keep_its_buffers() {
        let mut decoder = SseDecoder::new();
        let big = format!("data: {}\n\n", "x".repeat(1 << 20));
        let mut sizes = Vec::new();
        // Cut so that the line is assembled in `line`, then dispatched from `data`.
        for piece in big.as_bytes().chunks(4096) {
            push(&mut decoder, piece, &mut |data| sizes.push(data.len())).unwrap();
        }
        assert_eq!(sizes, [1 << 20]);
        push(&mut decoder, b"data: small\n\n", &mut |data| assert_eq!(data, b"small")).unwrap();
        assert!(decoder.line.capacity() <= KEEP_CAPACITY && decoder.data.capacity() <= KEEP_CAPACITY);
    }
}
